import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { getJson, getJsonIfExists, headObject, listObjects, putJson } from '@mlops/clients';
import { layout, UnsafePathError, type ResolvedPipelineConfig } from '@mlops/core';
import { MetricUnit, type Deps } from '@mlops/lambda-kit';
import { S3ObjectCreated, startPipeline, type StartPipelineResult } from '@mlops/svc-ingest/start-pipeline';
import { joinPredictions, metricDrop, readLabels, realisedMetrics, type Joined, type RealisedMetrics } from './realised';

/** On demand (`sls invoke`, `mlops monitor`): one labels object, or the pipeline's newest one. */
const MonitorRequest = z.object({
  source: z.literal('mlops'),
  pipeline: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}$/)),
  key: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

/** EventBridge "Object Created" from S3 under `<pipeline>/labels/`, or a request. */
export const MonitorModelEvent = z.union([S3ObjectCreated, MonitorRequest]);
export type MonitorModelEvent = z.infer<typeof MonitorModelEvent>;

const LABELS = /^([a-z][a-z0-9-]{0,30})\/labels\/(.+)$/;

/** The pipeline a labels key belongs to; keys that could escape their prefix are refused. */
export function pipelineOfLabels(key: string): string | undefined {
  const match = LABELS.exec(key);
  if (!match) return undefined;
  const rest = match[2] as string;
  if (rest.split('/').some((s) => s === '..' || s === '.' || s === '') || rest.includes('\\')) {
    throw new UnsafePathError(`refusing labels key ${JSON.stringify(key)}: it is not a plain path under ${match[1]}/labels/`);
  }
  return match[1];
}

/** One model version's realised quality in a window, against what the gate measured on held-out rows. */
export interface VersionReport extends RealisedMetrics {
  metric: string;
  evaluated: number | null;
  realised: number | null;
  /** evaluated − realised for higher-is-better metrics (realised − evaluated otherwise): positive means worse. */
  drop: number | null;
  decayed: boolean;
}

export interface MonitoringReport {
  pipeline: string;
  window: { start: string; end: string; days: number };
  labelKeys: string[];
  labelledKeys: number;
  published: { runId: string; modelVersion: number };
  versions: VersionReport[];
  drift: { runId: string; status: string } | null;
  decision: { retrain: boolean; reasons: string[] };
  retrain: StartPipelineResult | null;
  reportKey: string;
  evaluatedAt: string;
}

export type MonitorModelResult = { monitored: false; reason: string } | ({ monitored: true } & MonitoringReport);

const DAY_MS = 86_400_000;

/** The `windowDays` window (aligned on the Unix epoch) holding `at`. */
export function windowOf(at: Date, days: number): { start: string; end: string; days: number } {
  const size = days * DAY_MS;
  const start = Math.floor(at.getTime() / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString(), days };
}

/** The newest run after `afterRunId` (run ids sort by start time) and its drift status, if it reported one. */
async function driftAfter(deps: Deps, bucket: string, pipeline: string, afterRunId: string): Promise<{ runId: string; status: string } | null> {
  const runIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await deps.clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: layout.runsOf(pipeline), Delimiter: '/', ContinuationToken: token }),
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) runIds.push(p.Prefix.slice(layout.runsOf(pipeline).length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  const newest = runIds.filter((id) => id > afterRunId).sort().at(-1);
  if (newest === undefined) return null;
  const report = await getJsonIfExists<{ status?: string }>(deps.clients.s3, bucket, `${layout.runPrefix(pipeline, newest)}validation/drift.json`);
  return report?.status === undefined ? null : { runId: newest, status: report.status };
}

/** The most recently uploaded labels object of a pipeline (on-demand calls without a key). */
async function newestLabels(deps: Deps, bucket: string, pipeline: string): Promise<string | undefined> {
  const objects = await listObjects(deps.clients.s3, bucket, `${pipeline}/labels/`);
  const time = (o: { lastModified?: Date }) => o.lastModified?.getTime() ?? 0;
  return objects.filter((o) => !o.key.endsWith('/')).sort((a, b) => time(b) - time(a) || b.key.localeCompare(a.key))[0]?.key;
}

/** Labels objects uploaded within the window, oldest first (a later upload's label for a key wins). */
async function labelsInWindow(deps: Deps, bucket: string, pipeline: string, window: { start: string; end: string }) {
  const objects = await listObjects(deps.clients.s3, bucket, `${pipeline}/labels/`);
  const inWindow = objects.filter((o) => {
    const at = o.lastModified?.toISOString();
    return !o.key.endsWith('/') && at !== undefined && at >= window.start && at < window.end;
  });
  return inWindow.sort((a, b) => (a.lastModified as Date).getTime() - (b.lastModified as Date).getTime() || a.key.localeCompare(b.key));
}

function emit(deps: Deps, pipeline: string, report: VersionReport): void {
  const single = deps.metrics.singleMetric();
  single.addDimension('pipeline', pipeline);
  single.addMetric('LabelledPredictions', MetricUnit.Count, report.labelled);
  if (report.realised !== null) single.addMetric('RealisedMetric', MetricUnit.NoUnit, report.realised);
  if (report.metrics?.roc_auc !== undefined) single.addMetric('RealisedRocAuc', MetricUnit.NoUnit, report.metrics.roc_auc);
  if (report.drop !== null) single.addMetric('MetricDrop', MetricUnit.NoUnit, report.drop);
  if (report.calibrationError !== null) single.addMetric('CalibrationError', MetricUnit.NoUnit, report.calibrationError);
  single.addMetric('ModelDecayed', MetricUnit.Count, report.decayed ? 1 : 0);
}

interface Published {
  runId: string;
  files: string[];
  modelVersion: number;
}

interface Context {
  pipeline: string;
  key: string;
  config: ResolvedPipelineConfig;
  latest: Published;
  uploadedAt: Date;
}

/** The labels object, its pipeline's deployed config and published predictions — or why there is nothing to do. */
async function context(event: MonitorModelEvent, deps: Deps): Promise<Context | { reason: string }> {
  const { clients, env } = deps;
  const data = env.need('DATA_BUCKET');
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const fromS3 = 'detail-type' in event;
  const scope = fromS3 ? '<pipeline>' : event.pipeline;
  const key = fromS3 ? event.detail.object.key : (event.key ?? (await newestLabels(deps, data, event.pipeline)));
  if (key === undefined) return { reason: `no labels under ${scope}/labels/` };
  const pipeline = pipelineOfLabels(key);
  if (pipeline === undefined || (!fromS3 && pipeline !== event.pipeline)) return { reason: `key ${key} is not under ${scope}/labels/` };
  const config = await getJsonIfExists<ResolvedPipelineConfig>(clients.s3, artifacts, layout.pipelineConfig(pipeline));
  if (config === undefined) return { reason: `no deployed pipeline named ${pipeline}` };
  const latest = await getJsonIfExists<Published>(clients.s3, artifacts, layout.latestPredictions(pipeline));
  if (latest === undefined) return { reason: `${pipeline} has published no predictions yet` };
  const head = await headObject(clients.s3, data, key, fromS3 ? event.detail.object['version-id'] : undefined);
  if (head === undefined) return { reason: `s3://${data}/${key} does not exist` };
  return { pipeline, key, config, latest, uploadedAt: head.LastModified ?? deps.now() };
}

/** Row key → label over every labels object of the window (the triggering one included). */
async function windowLabels(deps: Deps, ctx: Context, window: { start: string; end: string }) {
  const data = deps.env.need('DATA_BUCKET');
  const objects = await labelsInWindow(deps, data, ctx.pipeline, window);
  const keys = [...new Set([...objects.map((o) => o.key), ctx.key])];
  const labels = new Map<string, number>();
  for (const key of keys) for (const [k, v] of await readLabels(deps, data, key, ctx.config)) labels.set(k, v);
  return { keys, labels };
}

/** The gate's figure for the published model: its threshold and the monitored metric on held-out rows. */
async function evaluatedFigures(deps: Deps, ctx: Context): Promise<{ threshold: number; evaluated: number | null }> {
  const { clients, env } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const record = await getJson<{ evaluation?: { threshold?: number; evidenceKey?: string } }>(clients.s3, artifacts, layout.runRecord(ctx.pipeline, ctx.latest.runId));
  const evidence = record.evaluation?.evidenceKey
    ? await getJsonIfExists<{ candidate?: { report?: { metrics?: Record<string, number> } } }>(clients.s3, artifacts, record.evaluation.evidenceKey)
    : undefined;
  return { threshold: record.evaluation?.threshold ?? 0.5, evaluated: evidence?.candidate?.report?.metrics?.[ctx.config.monitoring.metric] ?? null };
}

function judge(ctx: Context, group: Joined, figures: { threshold: number; evaluated: number | null }): VersionReport {
  const { monitoring } = ctx.config;
  const realisedReport = realisedMetrics(group, figures.threshold);
  const realised = realisedReport.metrics?.[monitoring.metric] ?? null;
  // The evaluated figure belongs to the published version; older versions are reported, not judged.
  const reference = group.modelVersion === ctx.latest.modelVersion ? figures.evaluated : null;
  const drop = reference === null || realised === null ? null : metricDrop(monitoring.metric, reference, realised);
  const decayed = drop !== null && realisedReport.labelled >= monitoring.minLabels && drop >= monitoring.maxDrop;
  return { ...realisedReport, metric: monitoring.metric, evaluated: reference, realised, drop, decayed };
}

function reasonsToRetrain(ctx: Context, versions: VersionReport[], drift: { runId: string; status: string } | null): string[] {
  const { monitoring } = ctx.config;
  const reasons: string[] = [];
  const current = versions.find((v) => v.modelVersion === ctx.latest.modelVersion);
  if (current?.decayed) {
    reasons.push(
      `model version ${current.modelVersion}: realised ${monitoring.metric} ${current.realised?.toFixed(4)} is ${current.drop?.toFixed(4)} below the evaluated ${current.evaluated?.toFixed(4)} (maxDrop ${monitoring.maxDrop}) on ${current.labelled} labelled predictions`,
    );
  }
  if (drift !== null && (drift.status === 'warn' || drift.status === 'fail')) {
    reasons.push(`input drift (${drift.status}) flagged by run ${drift.runId} after the published model`);
  }
  return reasons;
}

/**
 * Join the ground truth uploaded under `<pipeline>/labels/` to the published predictions by row key, compute the
 * realised metrics per model version over the labels' time window, store and emit them, and start a retraining
 * (trigger `model-decay`, through ingest's idempotent entry point) when the model decayed or input drift was flagged.
 */
export async function monitorModel(event: MonitorModelEvent, deps: Deps): Promise<MonitorModelResult> {
  const { clients, env, logger } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const ctx = await context(event, deps);
  if ('reason' in ctx) return { monitored: false, reason: ctx.reason };
  const { pipeline, latest, config } = ctx;
  const window = windowOf(ctx.uploadedAt, config.monitoring.windowDays);
  const { keys, labels } = await windowLabels(deps, ctx, window);
  const figures = await evaluatedFigures(deps, ctx);
  const joined = await joinPredictions(deps, artifacts, latest.files, labels);
  const versions = [...joined.values()].map((group) => judge(ctx, group, figures));
  const drift = config.monitoring.retrainOnDrift ? await driftAfter(deps, artifacts, pipeline, latest.runId) : null;
  const reasons = reasonsToRetrain(ctx, versions, drift);

  const reportKey = `${layout.monitoringWindow(pipeline, window.start)}model-${latest.modelVersion}.json`;
  const retrain =
    reasons.length === 0
      ? null
      : await startPipeline(
          {
            source: 'mlops',
            trigger: 'model-decay',
            pipeline,
            // The labels upload's time names the execution: a redelivered event or a second call starts nothing new.
            time: ctx.uploadedAt.toISOString(),
            detail: { labelsKey: ctx.key, reasons, reportKey, modelVersion: latest.modelVersion },
          },
          deps,
        );
  const report: MonitoringReport = {
    pipeline,
    window,
    labelKeys: keys,
    labelledKeys: labels.size,
    published: { runId: latest.runId, modelVersion: latest.modelVersion },
    versions,
    drift,
    decision: { retrain: reasons.length > 0, reasons },
    retrain,
    reportKey,
    evaluatedAt: deps.now().toISOString(),
  };
  await putJson(clients.s3, artifacts, reportKey, report);
  await putJson(clients.s3, artifacts, layout.monitoringLatest(pipeline), report);
  for (const version of versions) emit(deps, pipeline, version);
  logger.info('model monitored', { pipeline, window: window.start, versions: versions.length, decision: report.decision });
  return { monitored: true, ...report };
}
