import { CopyObjectCommand } from '@aws-sdk/client-s3';
import {
  BudgetExceededError,
  ConfigError,
  estimateRunCost,
  layout,
  parsePipelineConfig,
  RunInputSchema,
  type RunInfo,
  type RunInput,
} from '@mlops/core';
import { getJsonIfExists, listObjects, putJson } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';

export const StartRunEvent = RunInputSchema;

/** Hex SHA-256 of the object bytes from a copy's full-object checksum (a composite multipart one is not a content hash). */
function contentSha256(result: { ChecksumSHA256?: string; ChecksumType?: string } | undefined): string | null {
  if (!result?.ChecksumSHA256 || result.ChecksumType === 'COMPOSITE' || result.ChecksumSHA256.includes('-')) return null;
  return Buffer.from(result.ChecksumSHA256, 'base64').toString('hex');
}

/**
 * Open a run: freeze the dataset version and the pipeline config into the run's folder, find the scoring data,
 * estimate the cost and refuse to go on when it is over the pipeline's budget, and write the first run record.
 */
export async function startRun(input: RunInput, deps: Deps): Promise<RunInfo> {
  const { clients, env, now, logger } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const { pipeline, runId, dataset } = input;

  const raw = await getJsonIfExists(clients.s3, artifacts, layout.pipelineConfig(pipeline));
  if (raw === undefined) throw new ConfigError(`pipeline ${pipeline} has no deployed config at ${layout.pipelineConfig(pipeline)}`);
  const config = parsePipelineConfig(raw, `deployed config of ${pipeline}`);
  const configKey = layout.runConfig(pipeline, runId);
  await putJson(clients.s3, artifacts, configKey, raw);

  const fileName = dataset.key.split('/').pop() as string;
  // `/bucket/key`: the leading slash satisfies every S3 model's CopySource pattern (`\/.+\/.+`, later `\/?.+\/.+`).
  const source = `/${dataset.bucket}/${encodeURIComponent(dataset.key).replace(/%2F/g, '/')}${dataset.versionId ? `?versionId=${dataset.versionId}` : ''}`;
  // S3 computes the SHA-256 of the frozen copy while copying: the dataset's content hash, for the lineage.
  const copied = await clients.s3.send(
    new CopyObjectCommand({ Bucket: artifacts, Key: `${layout.runInput(pipeline, runId)}${fileName}`, CopySource: source, ChecksumAlgorithm: 'SHA256' }),
  );

  const scoreObjects = (await listObjects(clients.s3, dataset.bucket, `${pipeline}/score/`)).filter((o) => o.size > 0);
  // Newest first; S3 times have one-second resolution, so equal times fall back to the key (deterministic).
  const newest = scoreObjects.sort(
    (a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || b.key.localeCompare(a.key),
  )[0];
  const scoreData = newest ? { bucket: dataset.bucket, key: newest.key } : null;

  const estimate = estimateRunCost(config);
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
  if (estimate.totalUsd > config.budget.maxRunUsd) {
    throw new BudgetExceededError(
      `estimated cost $${estimate.totalUsd.toFixed(2)} is over the pipeline budget of $${config.budget.maxRunUsd.toFixed(2)}`,
    );
  }
  logger.info('run started', { pipeline, runId, estimatedCostUsd: estimate.totalUsd, scoreData: scoreData?.key ?? null });
  return {
    runPrefix: layout.runPrefix(pipeline, runId),
    configKey,
    recordKey,
    scoreData,
    estimatedCostUsd: estimate.totalUsd,
    startedAt,
  };
}
