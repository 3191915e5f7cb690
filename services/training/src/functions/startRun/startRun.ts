import { CopyObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import {
  assertWithinBudget,
  ConfigError,
  configSnapshot,
  estimateRunCost,
  layout,
  parsePipelineConfig,
  RunInputSchema,
  type RunInfo,
  type RunInput,
} from '@mlops/core';
import { getJsonIfExists, listObjects, putJson, putText } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';

export const StartRunEvent = RunInputSchema;

/** Hex SHA-256 of the object bytes from a copy's full-object checksum (a composite multipart one is not a content hash). */
function contentSha256(result: { ChecksumSHA256?: string; ChecksumType?: string } | undefined): string | null {
  if (!result?.ChecksumSHA256 || result.ChecksumType === 'COMPOSITE' || result.ChecksumSHA256.includes('-')) return null;
  return Buffer.from(result.ChecksumSHA256, 'base64').toString('hex');
}

const SAMPLE_BYTES = 65_536;

/**
 * Rows of a CSV object (header excluded) from its first 64 KiB: exact when that is the whole object, otherwise its
 * size over the sample's bytes per line. One ranged GET, so a 1 GB dataset costs what a small one does.
 */
export async function estimateRows(deps: Deps, bucket: string, key: string): Promise<number> {
  let out;
  try {
    out = await deps.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${SAMPLE_BYTES - 1}` }));
  } catch (error) {
    // S3 answers a range on an empty object with 416 InvalidRange: no rows (validation then says why).
    if ((error as Error).name === 'InvalidRange') return 0;
    throw error;
  }
  const sample = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  const total = Number(/\/(\d+)$/.exec(out.ContentRange ?? '')?.[1] ?? sample.length);
  let newlines = 0;
  for (let i = sample.indexOf(10); i !== -1; i = sample.indexOf(10, i + 1)) newlines++;
  if (total <= sample.length) return Math.max(0, newlines + (sample.at(-1) === 10 || sample.length === 0 ? 0 : 1) - 1);
  return Math.max(0, Math.round(total / (sample.length / Math.max(1, newlines))) - 1);
}

/**
 * Open a run: freeze the dataset version and the pipeline config into the run's folder, find the scoring data,
 * estimate the cost per stage (rows from the dataset's size) and write the first run record with it; then refuse to go
 * on when the run is over `budget.maxRunUsd` or validation / preparation over their stage budgets.
 */
export async function startRun(input: RunInput, deps: Deps): Promise<RunInfo> {
  const { clients, env, now, logger } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const { pipeline, runId, dataset } = input;

  const raw = await getJsonIfExists(clients.s3, artifacts, layout.pipelineConfig(pipeline));
  if (raw === undefined) throw new ConfigError(`pipeline ${pipeline} has no deployed config at ${layout.pipelineConfig(pipeline)}`);
  const config = parsePipelineConfig(raw, `deployed config of ${pipeline}`);
  const configKey = layout.runConfig(pipeline, runId);
  // The validated config, defaults filled in: later tasks trust it by its hash instead of parsing it again.
  const snapshot = configSnapshot(config);
  await putText(clients.s3, artifacts, configKey, snapshot.body, 'application/json');

  const fileName = dataset.key.split('/').pop() as string;
  const frozenKey = `${layout.runInput(pipeline, runId)}${fileName}`;
  // `/bucket/key`: the leading slash satisfies every S3 model's CopySource pattern (`\/.+\/.+`, later `\/?.+\/.+`).
  const source = `/${dataset.bucket}/${encodeURIComponent(dataset.key).replace(/%2F/g, '/')}${dataset.versionId ? `?versionId=${dataset.versionId}` : ''}`;
  // S3 computes the SHA-256 of the frozen copy while copying: the dataset's content hash, for the lineage.
  const copied = await clients.s3.send(
    new CopyObjectCommand({ Bucket: artifacts, Key: frozenKey, CopySource: source, ChecksumAlgorithm: 'SHA256' }),
  );

  const scoreObjects = (await listObjects(clients.s3, dataset.bucket, `${pipeline}/score/`)).filter((o) => o.size > 0);
  // Newest first; S3 times have one-second resolution, so equal times fall back to the key (deterministic).
  const newest = scoreObjects.sort(
    (a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || b.key.localeCompare(a.key),
  )[0];
  const scoreData = newest ? { bucket: dataset.bucket, key: newest.key } : null;

  const estimate = estimateRunCost(config, { rows: await estimateRows(deps, artifacts, frozenKey) });
  const startedAt = now().toISOString();
  const recordKey = layout.runRecord(pipeline, runId);
  await putJson(clients.s3, artifacts, recordKey, {
    runId,
    pipeline,
    status: 'running',
    startedAt,
    trigger: input.trigger,
    dataset: { ...dataset, sha256: contentSha256(copied.CopyObjectResult) },
    scoreData,
    cost: { estimate },
  });
  // Tuning, evaluation and publishing are checked again before tuning, once `prepare` has counted the rows.
  assertWithinBudget(estimate, config.budget, ['validation', 'preparation'], 'StartRun');
  logger.info('run started', { pipeline, runId, estimatedCostUsd: estimate.totalUsd, scoreData: scoreData?.key ?? null });
  return {
    runPrefix: layout.runPrefix(pipeline, runId),
    configKey,
    configSha256: snapshot.sha256,
    recordKey,
    scoreData,
    estimatedCostUsd: estimate.totalUsd,
    startedAt,
    publishMode: config.publish.mode,
  };
}
