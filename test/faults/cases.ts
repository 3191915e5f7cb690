/**
 * Every injectable fault (`MLOPS_FAULTS` names, see packages/local-backend/src/faults.ts) and what a run under it must
 * end as. Shared by test/faults/faults.test.ts and `pnpm soak`; docs/reliability.md is the same table in prose.
 */
export interface FaultCase {
  fault: string;
  /** The run record's status (undefined: no record can exist, the record write itself is rejected). */
  status: 'published' | 'failed' | 'invalid-data' | undefined;
  /** The state the failure is attributed to in the run record. */
  failedState?: string;
  /** Found in the run record's error cause (validation summary for invalid data) and in the notification. */
  cause?: RegExp;
  /** Found in the failure reason of at least one tuning trial in the run record. */
  trialCause?: RegExp;
  /** The pipeline config needs this change for the fault to apply (e.g. a short runtime limit). */
  config?: (config: Record<string, any>) => void;
}

export const FAULT_CASES: FaultCase[] = [
  { fault: 'training-crash', status: 'failed', failedState: 'CheckTuning', cause: /All training jobs failed/, trialCause: /SIGKILL|signal|exit/i },
  {
    fault: 'training-timeout',
    status: 'failed',
    failedState: 'CheckTuning',
    cause: /All training jobs failed/,
    trialCause: /exceeded MaxRuntimeInSeconds/,
    config: (c) => {
      c.container.maxRuntimeSeconds = 60;
    },
  },
  { fault: 'training-failure-file', status: 'failed', failedState: 'CheckTuning', cause: /All training jobs failed/, trialCause: /the container wrote this failure reason/ },
  { fault: 'trial-failures', status: 'published' },
  { fault: 'transform-half-scoring', status: 'failed', failedState: 'CheckScoring', cause: /model server stopped answering: it was killed after \d+ records/ },
  { fault: 'transform-half-publishing', status: 'failed', failedState: 'CheckPublishing', cause: /model server stopped answering: it was killed after \d+ records/ },
  { fault: 'evaluate-throws-once', status: 'published' },
  { fault: 'evaluate-throws-always', status: 'failed', failedState: 'EvaluateCandidate', cause: /injected fault: evaluateCandidate invocation 4 failed/ },
  { fault: 's3-reject-model', status: 'failed', failedState: 'CheckTuning', cause: /All training jobs failed/, trialCause: /injected fault: write of .*model\.tar\.gz rejected/ },
  { fault: 's3-reject-predictions', status: 'failed', failedState: 'FinalizePublish', cause: /AccessDenied|rejected/ },
  { fault: 's3-reject-latest', status: 'failed', failedState: 'FinalizePublish', cause: /AccessDenied|rejected/ },
  // Right after `latest` switched: FinalizePublish puts `latest` back before failing.
  { fault: 's3-reject-baseline', status: 'failed', failedState: 'FinalizePublish', cause: /AccessDenied|rejected/ },
  { fault: 's3-reject-record', status: undefined },
  // Documented in checkValidation: a Glue run that could not complete is a validation failure, not a pipeline error.
  { fault: 'glue-fail', status: 'invalid-data', cause: /Glue Data Quality run FAILED: injected fault/ },
  { fault: 'sns-fail', status: 'published' },
];
