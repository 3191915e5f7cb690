import { CreateModelCommand, CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { getJson, getJsonIfExists } from '@mlops/clients';
import { EvaluationStateSchema, jobName, layout, nextWait, POLLING, RegistrationStateSchema, RunStateSchema, s3Uri, type RunState } from '@mlops/core';
import { outputColumnCount, runConfig, servedModelRequest, transformRequest, type Deps, type ServedRun } from '@mlops/lambda-kit';
import { SCORE_PROBLEM_FILE, ScoringDataError, transformOutputPrefix, type PreparedSummary } from '../../lib/published';

export const StartPublishingEvent = z.extend(RunStateSchema, {
  scoring: z.looseObject({ candidate: z.looseObject({ modelDataUrl: z.string(), image: z.optional(z.string()) }) }),
  evaluation: EvaluationStateSchema,
  registration: RegistrationStateSchema,
});
export type StartPublishingEvent = z.infer<typeof StartPublishingEvent>;

/**
 * The prepared scoring data, or a ScoringDataError when `prepare` found it unusable (a required column missing)
 * or it holds no row: the publish stage fails before creating anything.
 */
async function checkScoringData(state: StartPublishingEvent, deps: Deps, artifacts: string): Promise<PreparedSummary> {
  const prepared = layout.prepared(state.pipeline, state.runId);
  const scoreData = state.run.scoreData;
  const source = scoreData ? s3Uri(scoreData.bucket, scoreData.key) : 'the dataset itself';
  const problem = await getJsonIfExists<{ message: string }>(deps.clients.s3, artifacts, `${prepared}${SCORE_PROBLEM_FILE}`);
  if (problem) throw new ScoringDataError(`${problem.message} (${source}): nothing published, \`latest\` unchanged`);
  const summary = await getJson<PreparedSummary>(deps.clients.s3, artifacts, `${prepared}summary.json`);
  if (summary.scoreRows === 0) throw new ScoringDataError(`the scoring data (${source}) holds no rows: nothing published, \`latest\` unchanged`);
  return summary;
}

/**
 * Create the model that will be published (its operating threshold, version and top-k contributions in its
 * environment) and run the batch transform over the scoring data into the run's staging prefix; FinalizePublish
 * checks it and writes the readable predictions file into the run's partition.
 */
export async function startPublishing(state: StartPublishingEvent, deps: Deps) {
  const { clients, env, logger } = deps;
  const config = await runConfig(state as RunState, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const summary = await checkScoringData(state, deps, artifacts);
  const model = servedModelRequest(state as ServedRun, config, env);
  const modelName = model.ModelName as string;
  const topK = config.publish.topContributions;
  await clients.sagemaker.send(new CreateModelCommand(model));
  const name = jobName({ project: env.project, pipeline: state.pipeline, kind: 'publish', runId: state.runId });
  const outputPrefix = transformOutputPrefix(state.pipeline, state.runId);
  // The container writes min(K, features) pairs: the output filter must keep exactly those columns.
  const pairs = Math.min(topK, summary.featureColumns?.length ?? topK);
  await clients.sagemaker.send(
    new CreateTransformJobCommand(
      transformRequest({
        name,
        modelName,
        inputUri: s3Uri(artifacts, `${layout.prepared(state.pipeline, state.runId)}transform/score/`),
        outputUri: s3Uri(artifacts, outputPrefix),
        instanceType: config.container.instanceType,
        outputColumns: outputColumnCount(pairs),
        kmsKeyId: env.get('KMS_KEY_ARN'),
        state,
      }),
    ),
  );
  logger.info('batch transform started', { name, modelName, outputPrefix });
  return {
    kind: 'transform' as const,
    names: [name],
    status: 'InProgress' as const,
    attempt: 0,
    waitSeconds: nextWait(0, POLLING.transform),
    modelName,
    outputPrefix,
  };
}
