import { StartCrawlerCommand } from '@aws-sdk/client-glue';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { InputError, layout, RegistrationStateSchema, RunStateSchema, type RunState } from '@mlops/core';
import { getJson, getJsonIfExists, listObjects, putJson } from '@mlops/clients';
import { MetricUnit, runConfig, type Deps } from '@mlops/lambda-kit';
import { predictionsHeader } from '@mlops/report/dashboard/aggregate';
import { predictionsFileKey, type PreparedSummary } from '../../lib/published';
import { withLatestSwitched } from '../../lib/latest';
import { fieldCount, scanObject, writeConcatenated } from './concat';

export const FinalizePublishEvent = z.extend(RunStateSchema, {
  registration: RegistrationStateSchema,
  publishing: z.looseObject({ outputPrefix: z.string(), modelName: z.string() }),
  /** A person's decision (WaitForApproval's output), present when the config asks for manual approval. */
  approval: z.optional(z.looseObject({ decision: z.string(), decidedBy: z.optional(z.string()) })),
});
export type FinalizePublishEvent = z.infer<typeof FinalizePublishEvent>;

export interface LatestPointer {
  runId: string;
  pipeline: string;
  prefix: string;
  files: string[];
  rows: number;
  modelVersion: number;
  modelPackageArn: string;
  publishedAt: string;
}

async function startCrawler(deps: Deps): Promise<string | null> {
  const name = deps.env.get('CRAWLER_NAME');
  if (name === undefined) return null;
  try {
    await deps.clients.glue.send(new StartCrawlerCommand({ Name: name }));
    return name;
  } catch (error) {
    // A crawler already running will pick the new partition up on its next run.
    if ((error as Error).name === 'CrawlerRunningException') return name;
    throw error;
  }
}

/**
 * Publish atomically: check the whole transform output is there (one prediction per scoring row), write it with a
 * header row as the run's `predictions.csv` (the only file of its Athena partition), then switch the `latest`
 * pointer, then approve the model package (the champion moves last). Finally start the crawler.
 */
export async function finalizePublish(state: FinalizePublishEvent, deps: Deps) {
  const { clients, env, logger, now } = deps;
  const config = await runConfig(state as RunState, deps);
  if (config.evaluation.manualApproval && state.approval?.decision !== 'approve') {
    throw new InputError(`run ${state.runId} needs a person's approval before publishing, and has none`);
  }
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const summary = await getJson<PreparedSummary>(clients.s3, artifacts, `${layout.prepared(state.pipeline, state.runId)}summary.json`);
  const files = await listObjects(clients.s3, artifacts, state.publishing.outputPrefix);
  const outputs = files.filter((f) => f.key.endsWith('.out'));
  if (outputs.length === 0) throw new InputError(`no predictions under ${state.publishing.outputPrefix}`);
  const scanned = [];
  for (const file of outputs) scanned.push(await scanObject(clients.s3, artifacts, file));
  const rows = scanned.reduce((sum, f) => sum + f.lines, 0);
  if (rows !== summary.scoreRows) {
    throw new InputError(`predictions hold ${rows} rows but the scoring data has ${summary.scoreRows}: not publishing a partial run`);
  }
  // Readable columns for people, Athena and the dashboard: the container writes min(K, features) pairs.
  const header = predictionsHeader(config.dataset.rowKey, Math.min(config.publish.topContributions, summary.featureColumns?.length ?? Infinity));
  const first = scanned.find((f) => f.firstLine !== '');
  if (first && fieldCount(first.firstLine) !== header.length) {
    throw new InputError(`${first.key}: ${fieldCount(first.firstLine)} columns per prediction, expected ${header.length} (${header.join(',')})`);
  }
  const predictionsKey = predictionsFileKey(state.pipeline, state.runId);
  await writeConcatenated(clients.s3, artifacts, predictionsKey, `${header.join(',')}\n`, scanned);

  const pointer: LatestPointer = {
    runId: state.runId,
    pipeline: state.pipeline,
    prefix: layout.predictions(state.pipeline, state.runId),
    files: [predictionsKey],
    rows,
    modelVersion: state.registration.version,
    modelPackageArn: state.registration.modelPackageArn,
    publishedAt: now().toISOString(),
  };
  // Two runs publishing at once: `latest` (and the drift baseline) follow the newer model version, whichever finishes
  // last. Should the baseline or the approval fail, `latest` goes back to what it was: a failed run moves nothing.
  await withLatestSwitched(clients.s3, artifacts, layout.latestPredictions(state.pipeline), pointer, async (switched) => {
    if (!switched) logger.warn('a newer model is already published: latest stays on it', { runId: state.runId });
    // The published dataset becomes the drift baseline of the next run (StartTuning compares against it).
    const profile = switched ? await getJsonIfExists(clients.s3, artifacts, `${layout.prepared(state.pipeline, state.runId)}profile.json`) : undefined;
    if (profile !== undefined) await putJson(clients.s3, artifacts, layout.acceptedProfile(state.pipeline), profile);
    await clients.sagemaker.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: state.registration.modelPackageArn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: `published by run ${state.runId}${state.approval ? `, approved by ${state.approval.decidedBy}` : ''}`,
      }),
    );
  });
  const crawler = await startCrawler(deps);
  const scoredMetric = deps.metrics.singleMetric();
  scoredMetric.addDimensions({ pipeline: state.pipeline });
  scoredMetric.addMetric('RowsScored', MetricUnit.Count, rows);
  logger.info('published', { runId: state.runId, rows, crawler });
  return { latestKey: layout.latestPredictions(state.pipeline), prefix: pointer.prefix, files: pointer.files, rows, crawler };
}
