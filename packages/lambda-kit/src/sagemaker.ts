import type { CreateModelCommandInput, CreateTransformJobCommandInput } from '@aws-sdk/client-sagemaker';
import type { RunState } from '@mlops/core';

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
  state: RunState;
}): CreateModelCommandInput {
  return {
    ModelName: args.name,
    PrimaryContainer: { Image: args.image, ModelDataUrl: args.modelDataUrl, Environment: args.environment, Mode: 'SingleModel' },
    ExecutionRoleArn: args.roleArn,
    EnableNetworkIsolation: true,
    Tags: [
      { Key: 'mlops:pipeline', Value: args.state.pipeline },
      { Key: 'mlops:run', Value: args.state.runId },
    ],
  };
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
