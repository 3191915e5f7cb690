import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateProcessingJobRequest,
  CreateProcessingJobResponse,
  DescribeProcessingJobRequest,
  DescribeProcessingJobResponse,
  ProcessingInput,
  AppSpecification,
  ProcessingS3Output,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerContext } from './context';
import { arnOf, parseS3Uri, resourceInUse } from './context';
import { ImageError } from './images';
import { algorithmError, downloadInput, JobClientError, settleInOrder } from './job-files';
import { limitRuntime } from './runtime-limit';
import { nameRule, patterns, validateRequest, validationError, type FieldRule } from './validate';

/** Persisted state of a processing job: the DescribeProcessingJob output. */
export type ProcessingJobState = DescribeProcessingJobResponse & { ProcessingJobName: string; ProcessingJobArn: string };

const rules: FieldRule[] = [
  nameRule('ProcessingJobName'),
  { path: 'ProcessingResources', required: true, type: 'object' },
  { path: 'ProcessingResources.ClusterConfig', required: true, type: 'object' },
  { path: 'ProcessingResources.ClusterConfig.InstanceCount', required: true, type: 'number', min: 1, max: 100 },
  { path: 'ProcessingResources.ClusterConfig.InstanceType', required: true, type: 'string' },
  { path: 'ProcessingResources.ClusterConfig.VolumeSizeInGB', required: true, type: 'number', min: 1, max: 16384 },
  { path: 'AppSpecification', required: true, type: 'object' },
  { path: 'AppSpecification.ImageUri', required: true, pattern: patterns.image, maxLength: 256 },
  { path: 'AppSpecification.ContainerArguments', type: 'list', maxItems: 100 },
  { path: 'AppSpecification.ContainerArguments[]', type: 'string', maxLength: 256 },
  { path: 'RoleArn', required: true, pattern: patterns.roleArn, maxLength: 2048 },
  { path: 'ProcessingInputs', type: 'list', maxItems: 10 },
  { path: 'ProcessingInputs[].InputName', required: true, type: 'string' },
  { path: 'ProcessingInputs[].S3Input.S3Uri', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'ProcessingInputs[].S3Input.LocalPath', required: true, maxLength: 256 },
  { path: 'ProcessingInputs[].S3Input.S3DataType', required: true, enum: ['ManifestFile', 'S3Prefix'] },
  { path: 'ProcessingInputs[].S3Input.S3InputMode', enum: ['Pipe', 'File'] },
  { path: 'ProcessingInputs[].S3Input.S3DataDistributionType', enum: ['FullyReplicated', 'ShardedByS3Key'] },
  { path: 'ProcessingOutputConfig.Outputs', required: true, type: 'list', maxItems: 10 },
  { path: 'ProcessingOutputConfig.Outputs[].OutputName', required: true, type: 'string' },
  { path: 'ProcessingOutputConfig.Outputs[].S3Output.S3Uri', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'ProcessingOutputConfig.Outputs[].S3Output.LocalPath', required: true, maxLength: 256 },
  { path: 'ProcessingOutputConfig.Outputs[].S3Output.S3UploadMode', required: true, enum: ['Continuous', 'EndOfJob'] },
  { path: 'StoppingCondition.MaxRuntimeInSeconds', required: true, type: 'number', min: 1, max: 777600 },
  { path: 'Environment', type: 'object', maxItems: 100 },
  { path: 'Environment{}', type: 'string', maxLength: 256 },
];

/** Host path of a container path under `/opt/ml/processing/`. */
function hostPath(jobDir: string, localPath: string): string {
  if (!/^\/opt\/ml\/processing\/[^]+/.test(localPath)) throw validationError(`LocalPath ${localPath} must begin with /opt/ml/processing/`);
  return join(jobDir, localPath);
}

function checkInput(input: ProcessingInput): void {
  if (input.S3Input === undefined) throw validationError(`Input ${input.InputName}: the local backend supports S3Input only`);
  if (input.S3Input.S3DataType !== 'S3Prefix') throw validationError(`Input ${input.InputName}: the local backend supports S3DataType S3Prefix only`);
  hostPath('/', input.S3Input.LocalPath as string);
}

function checkSemantics(input: CreateProcessingJobRequest): void {
  const inputs = input.ProcessingInputs ?? [];
  const outputs = input.ProcessingOutputConfig?.Outputs ?? [];
  const names = [...inputs.map((i) => i.InputName), ...outputs.map((o) => o.OutputName)];
  if (new Set(names).size !== names.length) throw validationError('ProcessingInputs and Outputs must have unique names');
  inputs.forEach(checkInput);
  for (const o of outputs) hostPath('/', o.S3Output?.LocalPath as string);
}

/** CreateProcessingJob: inputs copied to their LocalPath, outputs uploaded from theirs when the job completes. */
export async function createProcessingJob(ctx: SageMakerContext, input: CreateProcessingJobRequest): Promise<CreateProcessingJobResponse> {
  validateRequest(input, rules);
  checkSemantics(input);
  const name = input.ProcessingJobName as string;
  const arn = arnOf(ctx, 'processing-job', name);
  const now = new Date();
  const state: ProcessingJobState = {
    ProcessingJobName: name,
    ProcessingJobArn: arn,
    ProcessingInputs: input.ProcessingInputs,
    ProcessingOutputConfig: input.ProcessingOutputConfig,
    ProcessingResources: input.ProcessingResources,
    StoppingCondition: input.StoppingCondition,
    AppSpecification: input.AppSpecification,
    Environment: input.Environment,
    RoleArn: input.RoleArn,
    ProcessingJobStatus: 'InProgress',
    CreationTime: now,
    LastModifiedTime: now,
  };
  if (!(await ctx.store.create('processing-jobs', name, state))) {
    throw resourceInUse(`Processing job names must be unique within an AWS account and region, and a processing job with this name already exists (${arn})`);
  }
  void ctx.background(runProcessing(ctx, name));
  return { ProcessingJobArn: arn };
}

/** DescribeProcessingJob: a missing job is a `ValidationException`, as the service answers. */
export async function describeProcessingJob(ctx: SageMakerContext, input: DescribeProcessingJobRequest): Promise<ProcessingJobState> {
  validateRequest(input, [nameRule('ProcessingJobName')]);
  const name = input.ProcessingJobName as string;
  return ctx.store.get<ProcessingJobState>('processing-jobs', name, () => validationError(`Could not find requested job with name ${name}`));
}

type Outcome = { status: 'Completed' | 'Failed' | 'Stopped'; reason?: string };

/** Copy inputs, run the container under its runtime limit, upload outputs when it succeeded. */
async function execute(ctx: SageMakerContext, state: ProcessingJobState, dir: string): Promise<Outcome> {
  const inputs = state.ProcessingInputs ?? [];
  const outputs = (state.ProcessingOutputConfig?.Outputs ?? []).map((o) => o.S3Output as ProcessingS3Output);
  await settleInOrder(inputs.map((i) => downloadInput(ctx, i.S3Input?.S3Uri as string, hostPath(dir, i.S3Input?.LocalPath as string))));
  await Promise.all(outputs.map((o) => mkdir(hostPath(dir, o.LocalPath as string), { recursive: true })));
  const app = state.AppSpecification as AppSpecification;
  const container = await ctx.runner.start({
    imageUri: app.ImageUri as string,
    args: app.ContainerArguments ?? [],
    env: state.Environment ?? {},
    mlRoot: join(dir, 'opt', 'ml'),
    cwd: dir,
    logDir: join(dir, 'logs'),
    job: { kind: 'processing', name: state.ProcessingJobName },
  });
  const limit = limitRuntime(container, state.StoppingCondition?.MaxRuntimeInSeconds, ctx.timeScale);
  const exit = await container.exited;
  limit.clear();
  if (limit.exceeded()) return { status: 'Stopped', reason: 'Processing job runtime exceeded MaxRuntimeInSeconds provided' };
  if (exit.code !== 0) return { status: 'Failed', reason: exit.error ?? algorithmError(undefined, exit, container.stderrTail()) };
  for (const output of outputs) {
    const { bucket, key } = parseS3Uri(output.S3Uri as string);
    await ctx.s3.uploadDir(hostPath(dir, output.LocalPath as string), bucket, key);
  }
  return { status: 'Completed' };
}

async function runProcessing(ctx: SageMakerContext, name: string): Promise<void> {
  const dir = ctx.store.dir('processing-jobs', name);
  const started = new Date();
  const state = { ...((await ctx.store.read<ProcessingJobState>('processing-jobs', name)) as ProcessingJobState), ProcessingStartTime: started, LastModifiedTime: started };
  await ctx.store.write('processing-jobs', name, state);
  let outcome: Outcome;
  try {
    outcome = await execute(ctx, state, dir);
  } catch (error) {
    const client = error instanceof JobClientError || error instanceof ImageError;
    outcome = { status: 'Failed', reason: `${client ? 'ClientError' : 'InternalServerError'}: ${(error as Error).message}` };
  }
  const end = new Date();
  await ctx.store.write('processing-jobs', name, {
    ...state,
    ProcessingJobStatus: outcome.status,
    ProcessingEndTime: end,
    LastModifiedTime: end,
    ...(outcome.reason === undefined ? {} : { FailureReason: outcome.reason }),
  });
}
