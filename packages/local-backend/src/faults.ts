import type { LocalCloud } from './cloud';
import type { GlueFaults } from './glue/glue';
import type { S3Faults } from './s3';
import type { SageMakerFaults } from './sagemaker';
import { LocalServiceError } from './service';
import type { SnsFaults } from './sns';

/**
 * Decides whether the invocation `attempt` (1-based, counted per function key by the invoker) of function `fnKey`
 * fails, and with what error; undefined lets it run.
 */
export type LambdaFaults = (fnKey: string, attempt: number) => Error | undefined;

/** Every fault hook of the local cloud and the local Lambda invoker, as one value. */
export interface FaultPlan {
  /** The names it was built from (for logs and reports). */
  names: string[];
  sagemaker: SageMakerFaults;
  s3: S3Faults;
  glue: GlueFaults;
  sns: SnsFaults;
  lambda?: LambdaFaults;
}

/** Where a rejected artifacts write lands (see docs/reliability.md). */
const REJECTED_KEYS = {
  record: /^runs\/[^/]+\/[^/]+\/record\.json$/,
  model: /^runs\/[^/]+\/[^/]+\/tuning\/.+\/model\.tar\.gz$/,
  predictions: /^predictions\/pipeline=[^/]+\/run=[^/]+\//,
  latest: /^predictions\/pipeline=[^/]+\/latest\.json$/,
  baseline: /^datasets\/[^/]+\/accepted\/profile\.json$/,
} as const;

/** Records the transform answers before its model server is killed in the `transform-half-*` faults. */
export const TRANSFORM_FAIL_AFTER_RECORDS = 50;

/** The error a failing Lambda invocation surfaces as when the Lambda service itself faults (what the ASL Retry matches). */
export function lambdaServiceException(fnKey: string, attempt: number): Error {
  const error = new Error(`injected fault: ${fnKey} invocation ${attempt} failed`);
  error.name = 'Lambda.ServiceException';
  return error;
}

function s3Reject(pattern: RegExp): S3Faults {
  return {
    beforeWrite(bucket, key) {
      if (pattern.test(key)) throw new LocalServiceError('AccessDenied', `injected fault: write of s3://${bucket}/${key} rejected`, { status: 403 });
    },
  };
}

type Part = Partial<Omit<FaultPlan, 'names'>>;

/** A transform fault armed only while `stage` (a function key) is the last one that started a job. */
function transformHalf(plan: FaultPlan, stage: 'startScoring' | 'startPublishing'): Part {
  return {
    lambda: (fnKey) => {
      if (fnKey === 'startScoring' || fnKey === 'startPublishing') {
        plan.sagemaker.transformFailAfterRecords = fnKey === stage ? TRANSFORM_FAIL_AFTER_RECORDS : undefined;
      }
      return undefined;
    },
  };
}

const FAULTS: Record<string, (plan: FaultPlan) => Part> = {
  'training-crash': () => ({ sagemaker: { trainingCrash: () => true } }),
  'training-timeout': () => ({ sagemaker: { trainingTimeout: () => true } }),
  'training-failure-file': () => ({ sagemaker: { trainingFailureFile: () => 'injected fault: the container wrote this failure reason' } }),
  'trial-failures': () => ({ sagemaker: { trialFailures: (index) => index % 2 === 1 } }),
  'transform-half-scoring': (plan) => transformHalf(plan, 'startScoring'),
  'transform-half-publishing': (plan) => transformHalf(plan, 'startPublishing'),
  'evaluate-throws-once': () => ({ lambda: (fnKey, attempt) => (fnKey === 'evaluateCandidate' && attempt === 1 ? lambdaServiceException(fnKey, attempt) : undefined) }),
  'evaluate-throws-always': () => ({ lambda: (fnKey, attempt) => (fnKey === 'evaluateCandidate' ? lambdaServiceException(fnKey, attempt) : undefined) }),
  's3-reject-record': () => ({ s3: s3Reject(REJECTED_KEYS.record) }),
  's3-reject-model': () => ({ s3: s3Reject(REJECTED_KEYS.model) }),
  's3-reject-predictions': () => ({ s3: s3Reject(REJECTED_KEYS.predictions) }),
  's3-reject-latest': () => ({ s3: s3Reject(REJECTED_KEYS.latest) }),
  's3-reject-baseline': () => ({ s3: s3Reject(REJECTED_KEYS.baseline) }),
  'glue-fail': () => ({ glue: { evaluationFailure: () => 'injected fault: the Data Quality evaluation run failed' } }),
  'sns-fail': () => ({
    sns: {
      beforePublish: (topic) => {
        throw new LocalServiceError('InternalErrorException', `injected fault: publish to ${topic} failed`, { status: 500 });
      },
    },
  }),
};

/** The fault names `MLOPS_FAULTS` accepts. */
export const FAULT_NAMES = Object.keys(FAULTS);

/** Raised for an unknown name in a fault list. */
export class UnknownFaultError extends Error {
  override readonly name = 'UnknownFaultError';
}

function combineLambda(a: LambdaFaults | undefined, b: LambdaFaults | undefined): LambdaFaults | undefined {
  if (!a || !b) return a ?? b;
  return (fnKey, attempt) => a(fnKey, attempt) ?? b(fnKey, attempt);
}

function combineS3(a: S3Faults, b: S3Faults | undefined): S3Faults {
  if (!a.beforeWrite || !b?.beforeWrite) return { ...a, ...b };
  const [first, second] = [a.beforeWrite, b.beforeWrite];
  return { beforeWrite: async (bucket, key) => (await first(bucket, key), await second(bucket, key)) };
}

/**
 * The fault plan for a comma-separated list of fault names, as in `MLOPS_FAULTS=training-crash,sns-fail`
 * (the one place such lists are parsed). An empty list gives a plan with no faults.
 * @example const plan = parseFaults(process.env.MLOPS_FAULTS ?? '')
 */
export function parseFaults(spec: string | string[]): FaultPlan {
  const names = (Array.isArray(spec) ? spec : spec.split(',')).map((n) => n.trim()).filter(Boolean);
  const plan: FaultPlan = { names, sagemaker: {}, s3: {}, glue: {}, sns: {} };
  for (const name of names) {
    const make = FAULTS[name];
    if (!make) throw new UnknownFaultError(`unknown fault "${name}"; known faults: ${FAULT_NAMES.join(', ')}`);
    const part = make(plan);
    Object.assign(plan.sagemaker, part.sagemaker);
    Object.assign(plan.glue, part.glue);
    Object.assign(plan.sns, part.sns);
    plan.s3 = combineS3(plan.s3, part.s3);
    plan.lambda = combineLambda(plan.lambda, part.lambda);
  }
  return plan;
}

/**
 * Install a plan's hooks in a local cloud, replacing whatever was installed before (an empty plan removes all).
 * The Lambda hook is the invoker's (see `HandlerInvoker`).
 */
export function applyFaults(cloud: LocalCloud, plan: FaultPlan): void {
  for (const key of Object.keys(cloud.sagemaker.faults)) delete (cloud.sagemaker.faults as Record<string, unknown>)[key];
  // The plan's own object stays live: the transform faults arm it while the run goes.
  Object.assign(cloud.sagemaker.faults, plan.sagemaker);
  plan.sagemaker = cloud.sagemaker.faults;
  cloud.s3.faults = plan.s3;
  cloud.glue.faults = plan.glue;
  cloud.sns.faults = plan.sns;
}
