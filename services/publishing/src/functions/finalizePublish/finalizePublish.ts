import { StartCrawlerCommand } from '@aws-sdk/client-glue';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { InputError, layout, RegistrationStateSchema, RunStateSchema, type RunState } from '@mlops/core';
import { countObjectLines, getJson, getJsonIfExists, listObjects, putJson } from '@mlops/clients';
import { runConfig, type Deps } from '@mlops/lambda-kit';

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
 * Publish atomically: check the whole transform output is there (one prediction per scoring row), then switch the
 * `latest` pointer, then approve the model package (the champion moves last). Finally start the crawler.
 */
export async function finalizePublish(state: FinalizePublishEvent, deps: Deps) {
  const { clients, env, logger, now } = deps;
  const config = await runConfig(state as RunState, deps);
  if (config.evaluation.manualApproval && state.approval?.decision !== 'approve') {
    throw new InputError(`run ${state.runId} needs a person's approval before publishing, and has none`);
  }
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const summary = await getJson<{ scoreRows: number }>(clients.s3, artifacts, `${layout.prepared(state.pipeline, state.runId)}summary.json`);
  const files = await listObjects(clients.s3, artifacts, state.publishing.outputPrefix);
  const outputs = files.filter((f) => f.key.endsWith('.out'));
  if (outputs.length === 0) throw new InputError(`no predictions under ${state.publishing.outputPrefix}`);
  let rows = 0;
  for (const file of outputs) rows += await countObjectLines(clients.s3, artifacts, file.key);
  if (rows !== summary.scoreRows) {
    throw new InputError(`predictions hold ${rows} rows but the scoring data has ${summary.scoreRows}: not publishing a partial run`);
  }

  const pointer: LatestPointer = {
    runId: state.runId,
    pipeline: state.pipeline,
    prefix: state.publishing.outputPrefix,
    files: outputs.map((f) => f.key),
    rows,
    modelVersion: state.registration.version,
    modelPackageArn: state.registration.modelPackageArn,
    publishedAt: now().toISOString(),
  };
  await putJson(clients.s3, artifacts, layout.latestPredictions(state.pipeline), pointer);
  // The published dataset becomes the drift baseline of the next run (StartTuning compares against it).
  const profile = await getJsonIfExists(clients.s3, artifacts, `${layout.prepared(state.pipeline, state.runId)}profile.json`);
  if (profile !== undefined) await putJson(clients.s3, artifacts, layout.acceptedProfile(state.pipeline), profile);
  await clients.sagemaker.send(
    new UpdateModelPackageCommand({
      ModelPackageArn: state.registration.modelPackageArn,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: `published by run ${state.runId}${state.approval ? `, approved by ${state.approval.decidedBy}` : ''}`,
    }),
  );
  const crawler = await startCrawler(deps);
  logger.info('published', { runId: state.runId, rows, crawler });
  return { latestKey: layout.latestPredictions(state.pipeline), prefix: pointer.prefix, files: pointer.files, rows, crawler };
}
