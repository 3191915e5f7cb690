import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getJsonIfExists, listObjects, resetClients } from '@mlops/clients';
import { layout, loadPipelineConfig, MlopsError } from '@mlops/core';
import { applyFaults, localCloud, parseFaults, repoRoot, type FaultPlan, type LocalCloud } from '@mlops/local-backend';
import { loadDefinition } from './definition';
import { LOCAL_BUCKETS, localEnvironment } from './environment';
import { objectCreatedEvent } from './events';
import { createExecutor, type StateEvent } from './executor';
import { discoverHandlers, HandlerInvoker } from './handlers';
import { markNotifications, notificationsSince, type RunNotification } from './notifications';
import { deployLocally } from './setup';
import { checkPipelineRules } from '@mlops/data-quality';

export interface RunPipelineOptions {
  pipeline: string;
  data: string;
  score?: string;
  workdir: string;
  trace?: string;
  stateMachine?: string;
  waitMs?: number;
  onEvent?: (event: StateEvent) => void;
  /** Told the seconds each Wait state would wait on AWS (see ExecutorOptions.onWait). */
  onWait?: (state: string, seconds: number) => void;
  /** Faults to inject (reliability tests, `pnpm soak`); default: parsed from `MLOPS_FAULTS` (none when unset). */
  faults?: FaultPlan;
}

export type RunStatus = 'published' | 'rejected' | 'invalid-data' | 'failed';

export interface RunOutcome {
  runId: string;
  pipeline: string;
  status: RunStatus;
  executionArn: string;
  executionStatus: string;
  error?: string;
  cause?: string;
  record: Record<string, unknown> | undefined;
  workdir: string;
  lambdaInvocations: number;
  trace: { service: string; command: string; input: unknown }[];
  /** What the run published to the notification topics (printed by `mlops run`, stored under cloud/sns/). */
  notifications: RunNotification[];
}

/** Raised when the local run could not even start an execution (the trigger ignored the file). */
export class RunNotStartedError extends MlopsError {
  override readonly name = 'RunNotStartedError';
}

/** Prepare the local cloud under `<workdir>/cloud` and the process environment the functions read. */
export async function openLocalCloud(workdir: string, trace?: string): Promise<{ cloud: LocalCloud; env: Record<string, string> }> {
  const root = resolve(workdir, 'cloud');
  await mkdir(root, { recursive: true });
  const images = await readdir(join(repoRoot(), 'docker'));
  const env = localEnvironment(root, images);
  Object.assign(process.env, env);
  resetClients();
  // Container bundles are keyed by their sources' hash: one cache for every workdir saves an esbuild run per new workdir.
  const imageCacheDir = join(repoRoot(), 'node_modules', '.cache', 'mlops-images');
  const cloud = await localCloud({ root, traceFile: trace ? resolve(trace) : undefined, sagemaker: { imageCacheDir } });
  if (trace) cloud.traceFile = resolve(trace);
  return { cloud, env };
}

/**
 * The handlers as the CLI's cached esbuild bundle holds them (`MLOPS_HANDLERS_DIR`, set by packages/cli/bin/mlops.mjs):
 * the same sources, bundled with the CLI into shared chunks so that both use one copy of every module. Without it
 * (tests, tsx) the handler.ts files themselves.
 */
function bundledHandlers(handlers: ReturnType<typeof discoverHandlers>): ReturnType<typeof discoverHandlers> {
  const dir = process.env.MLOPS_HANDLERS_DIR;
  if (!dir) return handlers;
  return Object.fromEntries(
    Object.entries(handlers).map(([fnKey, entry]) => {
      const bundled = join(dir, `${fnKey}.js`);
      return [fnKey, existsSync(bundled) ? { ...entry, file: bundled } : entry];
    }),
  );
}

/** The local cloud plus the real handlers wired to the deployed state machine: what `sls deploy` gives on AWS. */
export async function openLocalRuntime(options: { workdir: string; trace?: string; stateMachine?: string; waitMs?: number; onEvent?: (event: StateEvent) => void; onWait?: RunPipelineOptions['onWait']; faults?: FaultPlan }) {
  const { cloud, env } = await openLocalCloud(options.workdir, options.trace);
  const faults = options.faults ?? parseFaults(process.env.MLOPS_FAULTS ?? '');
  applyFaults(cloud, faults);
  const root = repoRoot();
  const definition = await loadDefinition(options.stateMachine ?? join(root, 'state-machines', 'pipeline.asl.yml'), {
    region: cloud.region,
    account: cloud.accountId,
  });
  const invoker = new HandlerInvoker(bundledHandlers(discoverHandlers(root)), cloud.region, cloud.accountId, { lambdaFaults: faults.lambda });
  cloud.sfn.setExecutor(
    createExecutor({ definition, invoker, waitMs: options.waitMs ?? 20, retryMs: 10, onEvent: options.onEvent, onWait: options.onWait }),
  );
  return { cloud, env, invoker };
}

/**
 * Run a pipeline end to end on this machine: deploy it into the local cloud, upload the dataset under
 * `<pipeline>/incoming/` as a user would, let the real ingest function start the real state machine, and wait.
 * @example const outcome = await runPipeline({ pipeline: 'pipelines/attrition.yml', data: 'data/attrition.csv', workdir: '.work' })
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunOutcome> {
  const config = checkPipelineRules(await loadPipelineConfig(options.pipeline), options.pipeline);
  const { cloud, env, invoker } = await openLocalRuntime(options);
  const traceStart = cloud.trace.length;
  await deployLocally(cloud, config, env);
  const notificationMark = await markNotifications(cloud);

  if (options.score) {
    // `--score` names the rows to score: the only current object under <p>/score/ (S3 keeps older ones as versions).
    const scoreKey = `${config.name}/score/${basename(options.score)}`;
    for (const old of await listObjects(cloud.s3 as never, LOCAL_BUCKETS.data, `${config.name}/score/`)) {
      if (old.key !== scoreKey) await cloud.s3.send(new DeleteObjectCommand({ Bucket: LOCAL_BUCKETS.data, Key: old.key }));
    }
    await cloud.s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.data, Key: scoreKey, Body: createReadStream(options.score) }));
  }
  const key = `${config.name}/incoming/${basename(options.data)}`;
  const put = (await cloud.s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.data, Key: key, Body: createReadStream(options.data) }))) as {
    VersionId?: string;
    ETag?: string;
  };
  const event = objectCreatedEvent(cloud, key, put);
  const started = (await invoker.invoke('startPipeline', event)) as { started: boolean; executionArn?: string; runId?: string; reason?: string };
  if (!started.started || !started.executionArn || !started.runId) {
    throw new RunNotStartedError(`the ingest function started no execution: ${started.reason ?? 'unknown reason'}`);
  }
  const execution = await cloud.sfn.waitFor(started.executionArn);
  const record = await getJsonIfExists<Record<string, unknown>>(
    cloud.s3 as never,
    LOCAL_BUCKETS.artifacts,
    layout.runRecord(config.name, started.runId),
  );
  const status = (record?.status as RunStatus | undefined) ?? 'failed';
  return {
    runId: started.runId,
    pipeline: config.name,
    status,
    executionArn: started.executionArn,
    executionStatus: execution.status,
    error: execution.error,
    cause: execution.cause,
    record,
    workdir: resolve(options.workdir),
    lambdaInvocations: invoker.invocations,
    trace: cloud.trace.slice(traceStart),
    notifications: await notificationsSince(cloud, notificationMark, started.runId),
  };
}
