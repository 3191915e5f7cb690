import { CreateModelCommand, CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { EvaluationStateSchema, jobName, layout, nextWait, POLLING, RegistrationStateSchema, RunStateSchema, s3Uri, type RunState } from '@mlops/core';
import { modelRequest, outputColumnCount, runConfig, transformRequest, type Deps } from '@mlops/lambda-kit';

export const StartPublishingEvent = z.extend(RunStateSchema, {
  scoring: z.looseObject({ candidate: z.looseObject({ modelDataUrl: z.string(), image: z.optional(z.string()) }) }),
  evaluation: EvaluationStateSchema,
  registration: RegistrationStateSchema,
});
export type StartPublishingEvent = z.infer<typeof StartPublishingEvent>;

/**
 * Create the model that will be published (its operating threshold, version and top-k contributions in its
 * environment) and run the batch transform over the scoring data into the run's own predictions partition.
 */
export async function startPublishing(state: StartPublishingEvent, deps: Deps) {
  const { clients, env, logger } = deps;
  const config = await runConfig(state as RunState, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const image = state.scoring.candidate.image ?? env.imageUri(config.container.image);
  const modelName = jobName({ project: env.project, pipeline: state.pipeline, kind: 'model', runId: state.runId });
  const topK = config.publish.topContributions;
  await clients.sagemaker.send(
    new CreateModelCommand(
      modelRequest({
        name: modelName,
        image,
        modelDataUrl: state.scoring.candidate.modelDataUrl,
        roleArn: env.need('SAGEMAKER_ROLE_ARN'),
        environment: {
          MODEL_VERSION: String(state.registration.version),
          RUN_ID: state.runId,
          OPERATING_THRESHOLD: String(state.evaluation.threshold),
          TOP_K: String(topK),
        },
        state,
      }),
    ),
  );
  const name = jobName({ project: env.project, pipeline: state.pipeline, kind: 'publish', runId: state.runId });
  const outputPrefix = layout.predictions(state.pipeline, state.runId);
  await clients.sagemaker.send(
    new CreateTransformJobCommand(
      transformRequest({
        name,
        modelName,
        inputUri: s3Uri(artifacts, `${layout.prepared(state.pipeline, state.runId)}transform/score/`),
        outputUri: s3Uri(artifacts, outputPrefix),
        instanceType: config.container.instanceType,
        outputColumns: outputColumnCount(topK),
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
