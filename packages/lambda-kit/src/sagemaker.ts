import type { CreateModelCommandInput, CreateTransformJobCommandInput, VpcConfig } from '@aws-sdk/client-sagemaker';
import { ConfigError, jobName, type PipelineConfig, type RunState } from '@mlops/core';
import type { HandlerEnv } from './env';

/** How a SageMaker job or model reaches the network: isolated or not, and in the stage's VPC when one is set. */
export interface JobNetwork {
  /** EnableNetworkIsolation: the container gets no network access at all (S3 channels still work). */
  isolation: boolean;
  /** The stage's job subnets and security groups (JOB_SUBNET_IDS / JOB_SECURITY_GROUP_IDS), absent when unset. */
  vpc?: VpcConfig;
}

/** SageMaker's limits on a VpcConfig (botocore: Subnets 1–16, SecurityGroupIds 1–5, ids `[-0-9a-zA-Z]+` ≤ 32). */
const VPC_LIMITS = { JOB_SUBNET_IDS: { prefix: 'subnet-', max: 16 }, JOB_SECURITY_GROUP_IDS: { prefix: 'sg-', max: 5 } } as const;

function idList(env: HandlerEnv, name: keyof typeof VPC_LIMITS): string[] {
  const ids = (env.get(name) ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  const { prefix, max } = VPC_LIMITS[name];
  const bad = ids.filter((id) => !new RegExp(`^${prefix}[0-9a-zA-Z]{1,${32 - prefix.length}}$`).test(id));
  if (bad.length > 0) throw new ConfigError(`${name} holds ${bad.map((id) => `"${id}"`).join(', ')}: expected ${prefix}… ids separated by commas`);
  if (ids.length > max) throw new ConfigError(`${name} lists ${ids.length} ids; SageMaker accepts at most ${max}`);
  return [...new Set(ids)];
}

/**
 * The network settings of a run's SageMaker jobs and models: isolation from the pipeline config
 * (`container.networkIsolation`), VPC from the stage (both JOB_SUBNET_IDS and JOB_SECURITY_GROUP_IDS, or neither).
 * @example const network = jobNetwork(config, deps.env); // { isolation: true, vpc: { Subnets: [...], SecurityGroupIds: [...] } }
 */
export function jobNetwork(config: Pick<PipelineConfig, 'container'>, env: HandlerEnv): JobNetwork {
  const subnets = idList(env, 'JOB_SUBNET_IDS');
  const groups = idList(env, 'JOB_SECURITY_GROUP_IDS');
  if ((subnets.length === 0) !== (groups.length === 0)) {
    throw new ConfigError('JOB_SUBNET_IDS and JOB_SECURITY_GROUP_IDS must be set together (stage params jobSubnetIds and jobSecurityGroupIds)');
  }
  const isolation = config.container.networkIsolation;
  return subnets.length === 0 ? { isolation } : { isolation, vpc: { Subnets: subnets, SecurityGroupIds: groups } };
}

/** Number of output columns the container appends per record: probability, label, model_version, run_id, then K pairs. */
export function outputColumnCount(topK: number): number {
  return 4 + 2 * topK;
}

/** A SageMaker model for the container `image` serving `modelDataUrl`, with the scoring settings in its environment. */
export function modelRequest(args: {
  name: string;
  image: string;
  modelDataUrl: string;
  roleArn: string;
  environment: { MODEL_VERSION: string; RUN_ID: string; OPERATING_THRESHOLD: string; TOP_K: string };
  /** Isolation and VPC of the model's containers (batch transforms and endpoints run with the model's settings). */
  network: JobNetwork;
  state: RunState;
}): CreateModelCommandInput {
  return {
    ModelName: args.name,
    PrimaryContainer: { Image: args.image, ModelDataUrl: args.modelDataUrl, Environment: args.environment, Mode: 'SingleModel' },
    ExecutionRoleArn: args.roleArn,
    EnableNetworkIsolation: args.network.isolation,
    ...(args.network.vpc ? { VpcConfig: args.network.vpc } : {}),
    Tags: [
      { Key: 'mlops:pipeline', Value: args.state.pipeline },
      { Key: 'mlops:run', Value: args.state.runId },
    ],
  };
}

/** What serving a run's accepted candidate needs from the state: its artifact, image, version and threshold. */
export type ServedRun = RunState & {
  scoring: { candidate: { modelDataUrl: string; image?: string } };
  registration: { version: number };
  evaluation: { threshold: number };
};

/**
 * The model serving a run's accepted candidate, the same for the batch transform and the endpoint: one name per run,
 * the published version, run id, operating threshold and top-K contributions in its environment.
 */
export function servedModelRequest(state: ServedRun, config: PipelineConfig, env: HandlerEnv): CreateModelCommandInput {
  return modelRequest({
    name: jobName({ project: env.project, pipeline: state.pipeline, kind: 'model', runId: state.runId }),
    image: state.scoring.candidate.image ?? env.imageUri(config.container.image),
    modelDataUrl: state.scoring.candidate.modelDataUrl,
    roleArn: env.need('SAGEMAKER_ROLE_ARN'),
    environment: {
      MODEL_VERSION: String(state.registration.version),
      RUN_ID: state.runId,
      OPERATING_THRESHOLD: String(state.evaluation.threshold),
      TOP_K: String(config.publish.topContributions),
    },
    network: jobNetwork(config, env),
    state,
  });
}

/**
 * A batch transform over headless CSV files `[rowKey, ...features]`: the key is filtered out before the model sees
 * the record and joined back afterwards, so each output line is `rowKey, probability, label, model_version, run_id, …`.
 */
export function transformRequest(args: {
  name: string;
  modelName: string;
  inputUri: string;
  outputUri: string;
  instanceType: string;
  outputColumns: number;
  kmsKeyId?: string;
  state: RunState;
}): CreateTransformJobCommandInput {
  return {
    TransformJobName: args.name,
    ModelName: args.modelName,
    BatchStrategy: 'MultiRecord',
    MaxPayloadInMB: 6,
    MaxConcurrentTransforms: 2,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: args.inputUri } },
      ContentType: 'text/csv',
      SplitType: 'Line',
      CompressionType: 'None',
    },
    TransformOutput: { S3OutputPath: args.outputUri, Accept: 'text/csv', AssembleWith: 'Line', KmsKeyId: args.kmsKeyId },
    TransformResources: { InstanceType: args.instanceType as never, InstanceCount: 1, VolumeKmsKeyId: args.kmsKeyId },
    DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: `$[0,-${args.outputColumns}:]` },
    Tags: [
      { Key: 'mlops:pipeline', Value: args.state.pipeline },
      { Key: 'mlops:run', Value: args.state.runId },
    ],
  };
}
