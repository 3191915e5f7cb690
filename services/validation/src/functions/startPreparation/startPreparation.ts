import { CreateProcessingJobCommand, type CreateProcessingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { jobName, layout, nextWait, POLLING, RunStateSchema, s3Uri, type JobRef, type PipelineConfig, type RunState } from '@mlops/core';
import { jobNetwork, runConfig, type Deps, type JobNetwork } from '@mlops/lambda-kit';

export const StartPreparationEvent = RunStateSchema;

const ROOT = '/opt/ml/processing';

/** The processing job that splits the dataset with the container's `prepare` entry point. */
export function preparationRequest(args: {
  name: string;
  state: RunState;
  config: PipelineConfig;
  image: string;
  roleArn: string;
  artifacts: string;
  kmsKeyId?: string;
  network: JobNetwork;
}): CreateProcessingJobCommandInput {
  const { state, config, artifacts } = args;
  const input = (name: string, uri: string, local: string) => ({
    InputName: name,
    S3Input: { S3Uri: uri, LocalPath: local, S3DataType: 'S3Prefix' as const, S3InputMode: 'File' as const, S3DataDistributionType: 'FullyReplicated' as const },
  });
  const inputs = [
    input('data', s3Uri(artifacts, layout.runInput(state.pipeline, state.runId)), `${ROOT}/input/data`),
    input('config', s3Uri(artifacts, layout.runConfigPrefix(state.pipeline, state.runId)), `${ROOT}/input/config`),
  ];
  if (state.run.scoreData) inputs.push(input('score', s3Uri(state.run.scoreData.bucket, state.run.scoreData.key), `${ROOT}/input/score`));
  return {
    ProcessingJobName: args.name,
    AppSpecification: { ImageUri: args.image, ContainerArguments: ['prepare'] },
    RoleArn: args.roleArn,
    ProcessingInputs: inputs,
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: 'prepared',
          S3Output: { S3Uri: s3Uri(artifacts, layout.prepared(state.pipeline, state.runId).replace(/\/$/, '')), LocalPath: `${ROOT}/output`, S3UploadMode: 'EndOfJob' },
        },
      ],
      KmsKeyId: args.kmsKeyId,
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: 1,
        InstanceType: config.container.instanceType as never,
        VolumeSizeInGB: config.container.volumeSizeGb,
        VolumeKmsKeyId: args.kmsKeyId,
      },
    },
    StoppingCondition: { MaxRuntimeInSeconds: config.container.maxRuntimeSeconds },
    NetworkConfig: {
      EnableNetworkIsolation: args.network.isolation,
      EnableInterContainerTrafficEncryption: true,
      ...(args.network.vpc ? { VpcConfig: args.network.vpc } : {}),
    },
    Tags: [
      { Key: 'mlops:pipeline', Value: state.pipeline },
      { Key: 'mlops:run', Value: state.runId },
    ],
  };
}

/** Start the split of the validated dataset into train / validation / test (and the transform-ready files). */
export async function startPreparation(state: RunState, deps: Deps): Promise<JobRef> {
  const { clients, env, logger } = deps;
  const config = await runConfig(state, deps);
  const name = jobName({ project: env.project, pipeline: state.pipeline, kind: 'prep', runId: state.runId });
  await clients.sagemaker.send(
    new CreateProcessingJobCommand(
      preparationRequest({
        name,
        state,
        config,
        image: env.imageUri(config.container.image),
        roleArn: env.need('SAGEMAKER_ROLE_ARN'),
        artifacts: env.need('ARTIFACTS_BUCKET'),
        kmsKeyId: env.get('KMS_KEY_ARN'),
        network: jobNetwork(config, env),
      }),
    ),
  );
  logger.info('preparation started', { name });
  return { kind: 'processing', names: [name], status: 'InProgress', attempt: 0, waitSeconds: nextWait(0, POLLING.processing) };
}
