import { createHash, randomBytes } from 'node:crypto';

/** A new run id: UTC timestamp plus 6 hex characters, sortable and unique. */
export function newRunId(now: Date, entropy: string = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${entropy.slice(0, 6)}`;
}

/** Hex SHA-256 of a text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Short stable hex digest of any text. */
export function shortHash(text: string, length = 8): string {
  return sha256Hex(text).slice(0, length);
}

const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * A SageMaker/Glue resource name within its length limit: `<project>-<pipeline>-<kind>-<hash of run>`,
 * the pipeline part truncated when needed. The hash keeps names unique per run and deterministic per input.
 * @example jobName({ project: 'mlops', pipeline: 'attrition', kind: 'prep', runId, maxLength: 63 })
 */
export function jobName(args: { project: string; pipeline: string; kind: string; runId: string; maxLength?: number }): string {
  const maxLength = args.maxLength ?? 63;
  const hash = shortHash(`${args.pipeline}/${args.runId}/${args.kind}`);
  const fixed = `${args.project}--${args.kind}-${hash}`;
  const room = Math.max(1, maxLength - fixed.length);
  const pipeline = args.pipeline.slice(0, room).replace(/-+$/, '');
  const name = `${args.project}-${pipeline}-${args.kind}-${hash}`.replace(/[^a-zA-Z0-9-]/g, '-');
  if (!JOB_NAME.test(name) || name.length > maxLength) throw new Error(`cannot build a valid name from ${JSON.stringify(args)}`);
  return name;
}

/** The name prefix every tuning job of a pipeline shares (tuning job names are capped at 32 characters). */
export function tuningJobPrefix(project: string, pipeline: string): string {
  return `${project}-${pipeline.slice(0, 12).replace(/-+$/, '')}-hpo-`;
}

/** Deterministic Step Functions execution name for one object version: a duplicate event maps to the same name. */
export function executionName(pipeline: string, key: string, versionOrEtag: string): string {
  return `${pipeline.slice(0, 31)}-${shortHash(`${key}#${versionOrEtag}`, 16)}`;
}

/**
 * The real-time endpoint of a pipeline: `<project>-<stage>-<pipeline>`, deterministic (the stack's alarms and IAM
 * name it before it exists) and within SageMaker's 63 characters (the pipeline part is cut when needed).
 * @example endpointName('mlops', 'dev', 'churn') // 'mlops-dev-churn'
 */
export function endpointName(project: string, stage: string, pipeline: string): string {
  const prefix = `${project}-${stage}-`;
  const name = `${prefix}${pipeline.slice(0, Math.max(1, 63 - prefix.length))}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-+$/, '');
  if (!JOB_NAME.test(name)) throw new Error(`cannot build a valid endpoint name from ${project}, ${stage}, ${pipeline}`);
  return name;
}

/** The CloudWatch alarms (created by the serving stack) that roll an update of endpoint `endpointName` back. */
export function endpointAlarmNames(endpointName: string): { errors: string; latency: string } {
  return { errors: `${endpointName}-5xx`, latency: `${endpointName}-model-latency` };
}
