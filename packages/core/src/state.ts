import * as z from 'zod/mini';

/**
 * The shapes that travel between states of the pipeline state machine. Every payload holds S3 locations and
 * small summaries, never data, so it stays far below Step Functions' 256 KB limit.
 */
export const S3LocationSchema = z.object({
  bucket: z.string().check(z.minLength(3), z.maxLength(63)),
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  versionId: z.optional(z.string()),
  etag: z.optional(z.string()),
});
export type S3Location = z.infer<typeof S3LocationSchema>;

export const TriggerSchema = z.object({
  type: z.enum(['s3-upload', 'schedule', 'manual', 'model-decay']),
  detail: z._default(z.record(z.string(), z.unknown()), {}),
  at: z.string(),
});
export type Trigger = z.infer<typeof TriggerSchema>;

/** The execution input, written by the ingest function (or the CLI, which goes through it). */
export const RunInputSchema = z.object({
  runId: z.string().check(z.regex(/^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/, 'runId looks like 20260101T000000Z-abc123')),
  pipeline: z.string().check(z.minLength(1), z.maxLength(31)),
  trigger: TriggerSchema,
  dataset: S3LocationSchema,
});
export type RunInput = z.infer<typeof RunInputSchema>;

/** `$.run`, written by StartRun. */
export const RunInfoSchema = z.object({
  runPrefix: z.string(),
  configKey: z.string(),
  /** SHA-256 of the config snapshot at configKey (see config/snapshot.ts): later tasks trust it by this hash. */
  configSha256: z.optional(z.string()),
  recordKey: z.string(),
  scoreData: z.nullable(S3LocationSchema),
  estimatedCostUsd: z.number(),
  startedAt: z.string(),
  /** The config's publish.mode, for the state machine's Choice states (absent in runs started before it existed: batch). */
  publishMode: z.optional(z.enum(['batch', 'endpoint', 'both'])),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;

export const JobKindSchema = z.enum(['processing', 'tuning', 'transform']);
export type JobKind = z.infer<typeof JobKindSchema>;

/** A handle on one or more SageMaker jobs being waited for; extra fields pass through `checkJob` untouched. */
export const JobRefSchema = z.looseObject({
  kind: JobKindSchema,
  names: z.array(z.string()).check(z.minLength(1)),
  status: z.enum(['InProgress', 'Completed']),
  attempt: z.int().check(z.minimum(0)),
  waitSeconds: z.int().check(z.minimum(0)),
});
export type JobRef = z.infer<typeof JobRefSchema>;

export const ValidationStateSchema = z.object({
  status: z.enum(['RUNNING', 'PASSED', 'FAILED']),
  rulesetName: z.string(),
  evaluationRunId: z.string(),
  attempt: z.int().check(z.minimum(0)),
  waitSeconds: z.int().check(z.minimum(0)),
  reportKey: z.optional(z.string()),
  failedRules: z.optional(z.int()),
  summary: z.optional(z.string()),
});
export type ValidationState = z.infer<typeof ValidationStateSchema>;

export const CandidateSchema = z.object({
  trainingJobName: z.string(),
  modelName: z.string(),
  modelDataUrl: z.string(),
  hyperparameters: z.record(z.string(), z.string()),
  objective: z.nullable(z.number()),
});

export const ChampionSchema = z.object({
  modelPackageArn: z.string(),
  version: z.int(),
  modelName: z.string(),
  modelDataUrl: z.string(),
});

export const ScoringExtraSchema = z.object({
  candidate: CandidateSchema,
  champion: z.nullable(ChampionSchema),
  outputs: z.object({ candidate: z.string(), champion: z.nullable(z.string()) }),
});

export const EvaluationStateSchema = z.object({
  decision: z.enum(['accept', 'reject']),
  evidenceKey: z.string(),
  threshold: z.number(),
  headline: z.object({ metric: z.string(), candidate: z.number(), champion: z.nullable(z.number()) }),
  reasons: z.array(z.string()),
});
export type EvaluationState = z.infer<typeof EvaluationStateSchema>;

export const RegistrationStateSchema = z.object({
  modelPackageGroupName: z.string(),
  modelPackageArn: z.string(),
  version: z.int(),
  approvalStatus: z.enum(['Approved', 'Rejected', 'PendingManualApproval']),
});

export const ErrorInfoSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/** What every state after StartRun receives: the execution input plus the run info. */
export const RunStateSchema = z.looseObject({
  ...RunInputSchema.shape,
  run: RunInfoSchema,
});
export type RunState = z.infer<typeof RunStateSchema>;
