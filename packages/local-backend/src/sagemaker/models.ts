import type { CreateModelInput, CreateModelOutput, DeleteModelInput, DescribeModelInput, DescribeModelOutput } from '@aws-sdk/client-sagemaker';
import { rm } from 'node:fs/promises';
import type { SageMakerContext } from './context';
import { arnOf } from './context';
import { imageNameOf } from './images';
import { patterns, validateRequest, validationError, type FieldRule } from './validate';

/** Persisted model: the DescribeModel output. */
export type ModelState = DescribeModelOutput & { ModelName: string; ModelArn: string };

const modelName = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const nameRule: FieldRule = { path: 'ModelName', required: true, pattern: modelName, maxLength: 63 };

const rules: FieldRule[] = [
  nameRule,
  { path: 'ExecutionRoleArn', pattern: patterns.roleArn, maxLength: 2048 },
  { path: 'PrimaryContainer.Image', pattern: patterns.image, maxLength: 255 },
  { path: 'PrimaryContainer.ModelDataUrl', pattern: /^(https|s3):\/\/([^/]+)\/?(.*)$/, maxLength: 1024 },
  { path: 'PrimaryContainer.Mode', enum: ['SingleModel', 'MultiModel'] },
  { path: 'PrimaryContainer.Environment{}', type: 'string', maxLength: 1024 },
  { path: 'Containers', type: 'list', maxItems: 15 },
  { path: 'Containers[].Image', pattern: patterns.image, maxLength: 255 },
  { path: 'Containers[].ModelDataUrl', pattern: /^(https|s3):\/\/([^/]+)\/?(.*)$/, maxLength: 1024 },
  { path: 'Tags', type: 'list', maxItems: 50 },
];

const notFound = (ctx: SageMakerContext, name: string) => validationError(`Could not find model "${arnOf(ctx, 'model', name)}".`);

/** CreateModel: records the container (image + model data + environment) a transform job or endpoint serves. */
export async function createModel(ctx: SageMakerContext, input: CreateModelInput): Promise<CreateModelOutput> {
  validateRequest(input, rules);
  const container = input.PrimaryContainer ?? input.Containers?.[0];
  if (container === undefined) throw validationError('Either PrimaryContainer or Containers must be specified');
  if (container.Image === undefined || imageNameOf(container.Image) === undefined) {
    throw validationError(`The local backend needs an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<image>:<tag>), got ${container.Image}`);
  }
  if (container.ModelDataUrl !== undefined && !container.ModelDataUrl.startsWith('s3://')) throw validationError('ModelDataUrl must be an s3:// URI');
  const name = input.ModelName as string;
  const arn = arnOf(ctx, 'model', name);
  const state: ModelState = {
    ModelName: name,
    ModelArn: arn,
    ...(input.PrimaryContainer === undefined ? {} : { PrimaryContainer: input.PrimaryContainer }),
    ...(input.Containers === undefined ? {} : { Containers: input.Containers }),
    ExecutionRoleArn: input.ExecutionRoleArn,
    EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
    CreationTime: new Date(),
  };
  if (!(await ctx.store.create('models', name, state))) throw validationError(`Cannot create already existing model "${arn}".`);
  return { ModelArn: arn };
}

export async function readModel(ctx: SageMakerContext, name: string): Promise<ModelState> {
  return ctx.store.get<ModelState>('models', name, () => notFound(ctx, name));
}

/** DescribeModel: a missing model is a `ValidationException` 'Could not find model "<arn>".'. */
export async function describeModel(ctx: SageMakerContext, input: DescribeModelInput): Promise<DescribeModelOutput> {
  validateRequest(input, [nameRule]);
  return readModel(ctx, input.ModelName as string);
}

/** DeleteModel. */
export async function deleteModel(ctx: SageMakerContext, input: DeleteModelInput): Promise<Record<string, never>> {
  validateRequest(input, [nameRule]);
  const name = input.ModelName as string;
  await readModel(ctx, name);
  await rm(ctx.store.dir('models', name), { recursive: true, force: true });
  return {};
}
