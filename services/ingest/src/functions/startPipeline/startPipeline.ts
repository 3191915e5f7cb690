import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { executionName, layout, newRunId, shortHash, UnsafePathError, type RunInput, type Trigger } from '@mlops/core';
import { getJsonIfExists, headObject, listObjects } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';

/** EventBridge "Object Created" from S3 (the retrain-by-upload path; the decay monitor's labels path too). */
export const S3ObjectCreated = z.object({
  'detail-type': z.literal('Object Created'),
  source: z.literal('aws.s3'),
  time: z.string(),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string().check(z.minLength(1), z.maxLength(1024)), etag: z.optional(z.string()), 'version-id': z.optional(z.string()) }),
  }),
});

/**
 * A run asked for by a person, a schedule or the decay monitor, for an object already in the data bucket: the
 * object `key`, or a `pipeline` whose newest upload under `<pipeline>/incoming/` is used (see latestUpload).
 */
const RequestedRun = z
  .object({
    source: z.literal('mlops'),
    trigger: z.enum(['manual', 'schedule', 'model-decay']),
    time: z.optional(z.string()),
    bucket: z.optional(z.string()),
    key: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
    pipeline: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}$/))),
    detail: z._default(z.record(z.string(), z.unknown()), {}),
  })
  .check(
    z.refine((e) => e.key !== undefined || e.pipeline !== undefined, {
      message: 'a requested run names the dataset `key` or the `pipeline` (its newest upload is used)',
    }),
  );

export const StartPipelineEvent = z.union([S3ObjectCreated, RequestedRun]);
export type StartPipelineEvent = z.infer<typeof StartPipelineEvent>;

export type StartPipelineResult =
  | { started: true; duplicate: boolean; executionArn: string; runId: string; pipeline: string }
  | { started: false; reason: string };

const INCOMING = /^([a-z][a-z0-9-]{0,30})\/incoming\/(.+)$/;

/** The pipeline an incoming key belongs to; keys that could escape their prefix are refused. */
export function pipelineOfKey(key: string): string | undefined {
  const match = INCOMING.exec(key);
  if (!match) return undefined;
  const rest = match[2] as string;
  const segments = rest.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '') || rest.includes('\\') || /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(rest)) {
    throw new UnsafePathError(`refusing object key ${JSON.stringify(key)}: it is not a plain path under ${match[1]}/incoming/`);
  }
  return match[1];
}

/**
 * The newest object under `<pipeline>/incoming/` (by LastModified, then key): the dataset a schedule or the decay
 * monitor retrains on. The newest upload, not the last accepted one: retraining on the published model's own data
 * would rebuild the same model, while the newest upload carries the most recent behaviour.
 */
export async function latestUpload(deps: Deps, bucket: string, pipeline: string): Promise<string | undefined> {
  const objects = await listObjects(deps.clients.s3, bucket, `${pipeline}/incoming/`);
  const time = (o: { lastModified?: Date }) => o.lastModified?.getTime() ?? 0;
  const sorted = objects.filter((o) => !o.key.endsWith('/')).sort((a, b) => time(b) - time(a) || b.key.localeCompare(a.key));
  return sorted[0]?.key;
}

/** The object a run is for: the uploaded one, the requested key, or the requested pipeline's newest upload. */
async function datasetOf(event: StartPipelineEvent, deps: Deps): Promise<{ bucket: string; key: string; pipeline: string } | { reason: string }> {
  if ('detail-type' in event) {
    const pipeline = pipelineOfKey(event.detail.object.key);
    if (pipeline === undefined) return { reason: `key ${event.detail.object.key} is not under <pipeline>/incoming/` };
    return { bucket: event.detail.bucket.name, key: event.detail.object.key, pipeline };
  }
  const bucket = event.bucket ?? deps.env.need('DATA_BUCKET');
  const key = event.key ?? (await latestUpload(deps, bucket, event.pipeline as string));
  if (key === undefined) return { reason: `nothing uploaded under ${event.pipeline}/incoming/ yet` };
  const pipeline = pipelineOfKey(key);
  if (pipeline === undefined) return { reason: `key ${key} is not under <pipeline>/incoming/` };
  if (event.pipeline !== undefined && event.pipeline !== pipeline) return { reason: `key ${key} does not belong to pipeline ${event.pipeline}` };
  return { bucket, key, pipeline };
}

/**
 * Start one pipeline execution for one object version. The execution name and run id derive from the object
 * version, so a duplicate delivery of the same event starts nothing new.
 */
export async function startPipeline(event: StartPipelineEvent, deps: Deps): Promise<StartPipelineResult> {
  const { clients, env, logger } = deps;
  const fromS3 = 'detail-type' in event;
  const dataset = await datasetOf(event, deps);
  if ('reason' in dataset) return { started: false, reason: dataset.reason };
  const { bucket, key, pipeline } = dataset;

  const config = await getJsonIfExists(clients.s3, env.need('ARTIFACTS_BUCKET'), layout.pipelineConfig(pipeline));
  if (config === undefined) {
    logger.warn('object for an unknown pipeline ignored', { pipeline, key });
    return { started: false, reason: `no deployed pipeline named ${pipeline}` };
  }
  const head = await headObject(clients.s3, bucket, key, fromS3 ? event.detail.object['version-id'] : undefined);
  if (head === undefined) return { started: false, reason: `s3://${bucket}/${key} does not exist` };

  const version = head.VersionId ?? head.ETag ?? 'unversioned';
  const at = event.time ?? deps.now().toISOString();
  const trigger: Trigger = fromS3
    ? { type: 's3-upload', at, detail: { bucket, key } }
    : { type: event.trigger, at, detail: event.detail };
  const input: RunInput = {
    runId: newRunId(new Date(at), shortHash(`${key}#${version}#${trigger.type}#${at}`, 6)),
    pipeline,
    trigger,
    dataset: { bucket, key, versionId: head.VersionId, etag: head.ETag },
  };
  // An upload is identified by its object version; a schedule, manual or decay request also by its time, so a
  // redelivered event starts nothing twice while the next scheduled run on the same data still runs.
  const name = executionName(pipeline, key, fromS3 ? `${version}#${trigger.type}` : `${version}#${trigger.type}#${at}`);
  try {
    const out = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: env.need('STATE_MACHINE_ARN'), name, input: JSON.stringify(input) }),
    );
    logger.info('pipeline execution started', { pipeline, runId: input.runId, executionArn: out.executionArn });
    return { started: true, duplicate: false, executionArn: out.executionArn as string, runId: input.runId, pipeline };
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
    logger.info('duplicate event: this object version already has an execution', { pipeline, name });
    const arn = `${env.need('STATE_MACHINE_ARN').replace(':stateMachine:', ':execution:')}:${name}`;
    return { started: true, duplicate: true, executionArn: arn, runId: input.runId, pipeline };
  }
}
