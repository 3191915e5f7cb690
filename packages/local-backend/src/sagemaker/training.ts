import { join } from 'node:path';
import type {
  AlgorithmSpecification,
  CreateTrainingJobRequest,
  CreateTrainingJobResponse,
  DescribeTrainingJobRequest,
  DescribeTrainingJobResponse,
  MetricData,
  MetricDefinition,
  SecondaryStatus,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerContext } from './context';
import { arnOf, parseS3Uri, resourceInUse, s3Join, secondsBetween } from './context';
import { ImageError } from './images';
import { algorithmError, JobClientError, prepareTrainingTree, readFailureFile, tarDir } from './job-files';
import { limitRuntime } from './runtime-limit';
import { nameRule, patterns, validateRequest, validationError, type FieldRule } from './validate';

/** Persisted state of a training job: the DescribeTrainingJob output. */
export type TrainingJobState = DescribeTrainingJobResponse & { TrainingJobName: string; TrainingJobArn: string };

const inputModes = ['Pipe', 'File', 'FastFile'] as const;

/** Request rules of CreateTrainingJob (from the SageMaker API model). */
export const trainingJobRules: FieldRule[] = [
  nameRule('TrainingJobName'),
  { path: 'AlgorithmSpecification', required: true, type: 'object' },
  { path: 'AlgorithmSpecification.TrainingImage', required: true, pattern: patterns.image, maxLength: 255 },
  { path: 'AlgorithmSpecification.TrainingInputMode', required: true, enum: inputModes },
  { path: 'AlgorithmSpecification.MetricDefinitions', type: 'list', maxItems: 40 },
  { path: 'AlgorithmSpecification.MetricDefinitions[].Name', required: true, maxLength: 255, pattern: /^.+$/ },
  { path: 'AlgorithmSpecification.MetricDefinitions[].Regex', required: true, maxLength: 500, pattern: /^.+$/ },
  { path: 'RoleArn', required: true, pattern: patterns.roleArn, maxLength: 2048 },
  { path: 'HyperParameters', type: 'object', maxItems: 100 },
  { path: 'HyperParameters{}', type: 'string', maxLength: 2500 },
  { path: 'InputDataConfig', type: 'list', maxItems: 20 },
  { path: 'InputDataConfig[].ChannelName', required: true, pattern: patterns.channelName, maxLength: 64 },
  { path: 'InputDataConfig[].DataSource', required: true, type: 'object' },
  { path: 'InputDataConfig[].DataSource.S3DataSource.S3DataType', required: true, enum: ['ManifestFile', 'S3Prefix', 'AugmentedManifestFile'] },
  { path: 'InputDataConfig[].DataSource.S3DataSource.S3Uri', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'InputDataConfig[].DataSource.S3DataSource.S3DataDistributionType', enum: ['FullyReplicated', 'ShardedByS3Key'] },
  { path: 'InputDataConfig[].CompressionType', enum: ['None', 'Gzip'] },
  { path: 'InputDataConfig[].InputMode', enum: inputModes },
  { path: 'OutputDataConfig', required: true, type: 'object' },
  { path: 'OutputDataConfig.S3OutputPath', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'ResourceConfig', required: true, type: 'object' },
  { path: 'ResourceConfig.InstanceCount', type: 'number', min: 0 },
  { path: 'ResourceConfig.VolumeSizeInGB', required: true, type: 'number', min: 0 },
  { path: 'StoppingCondition', required: true, type: 'object' },
  { path: 'StoppingCondition.MaxRuntimeInSeconds', type: 'number', min: 1 },
  { path: 'Environment', type: 'object', maxItems: 48 },
  { path: 'Environment{}', type: 'string', maxLength: 512 },
  { path: 'Tags', type: 'list', maxItems: 50 },
  { path: 'Tags[].Key', required: true, maxLength: 128 },
  { path: 'Tags[].Value', required: true, maxLength: 256 },
];

/** Checks beyond member rules: what the local backend can run, unique channels, valid regexes. */
export function checkTrainingSemantics(input: CreateTrainingJobRequest): void {
  const channels = input.InputDataConfig ?? [];
  const names = channels.map((c) => c.ChannelName);
  if (new Set(names).size !== names.length) throw validationError(`Channel names must be unique: ${names.join(', ')}`);
  const unsupported = channels.find((c) => c.DataSource?.S3DataSource?.S3DataType !== 'S3Prefix');
  if (unsupported !== undefined) throw validationError(`Channel ${unsupported.ChannelName}: the local backend supports S3DataType S3Prefix only`);
  if (input.AlgorithmSpecification?.TrainingInputMode === 'Pipe') throw validationError('The local backend supports TrainingInputMode File and FastFile only');
  for (const metric of input.AlgorithmSpecification?.MetricDefinitions ?? []) compileMetricRegex(metric);
}

function compileMetricRegex(metric: MetricDefinition): RegExp {
  try {
    return new RegExp(metric.Regex ?? '');
  } catch {
    throw validationError(`Metric definition ${metric.Name} has an invalid Regex: ${metric.Regex}`);
  }
}

/** Extra facts of a training job started by a tuning job. */
export interface TrialOrigin {
  tuningJobArn: string;
  trialIndex: number;
}

/** Validate, persist and start a training job; `done` settles with the final state. */
export async function startTrainingJob(
  ctx: SageMakerContext,
  input: CreateTrainingJobRequest,
  origin?: TrialOrigin,
): Promise<{ arn: string; done: Promise<TrainingJobState> }> {
  validateRequest(input, trainingJobRules);
  checkTrainingSemantics(input);
  const name = input.TrainingJobName as string;
  const arn = arnOf(ctx, 'training-job', name);
  const now = new Date();
  const state: TrainingJobState = {
    TrainingJobName: name,
    TrainingJobArn: arn,
    ...(origin === undefined ? {} : { TuningJobArn: origin.tuningJobArn }),
    HyperParameters: input.HyperParameters ?? {},
    AlgorithmSpecification: { ...input.AlgorithmSpecification, EnableSageMakerMetricsTimeSeries: false } as AlgorithmSpecification,
    RoleArn: input.RoleArn,
    InputDataConfig: input.InputDataConfig,
    OutputDataConfig: input.OutputDataConfig,
    ResourceConfig: input.ResourceConfig,
    StoppingCondition: input.StoppingCondition,
    Environment: input.Environment,
    EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
    EnableInterContainerTrafficEncryption: false,
    EnableManagedSpotTraining: false,
    TrainingJobStatus: 'InProgress',
    SecondaryStatus: 'Starting',
    SecondaryStatusTransitions: [{ Status: 'Starting', StartTime: now, StatusMessage: 'Launching requested ML instances' }],
    CreationTime: now,
    LastModifiedTime: now,
    ModelArtifacts: undefined,
  };
  if (!(await ctx.store.create('training-jobs', name, state))) {
    throw resourceInUse(
      `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
    );
  }
  const done = ctx.background(runTraining(ctx, name, origin?.trialIndex));
  return { arn, done };
}

/** CreateTrainingJob. */
export async function createTrainingJob(ctx: SageMakerContext, input: CreateTrainingJobRequest): Promise<CreateTrainingJobResponse> {
  const { arn } = await startTrainingJob(ctx, input);
  return { TrainingJobArn: arn };
}

/** DescribeTrainingJob: a missing job is a `ValidationException` "Requested resource not found." (as the service does). */
export async function describeTrainingJob(ctx: SageMakerContext, input: DescribeTrainingJobRequest): Promise<TrainingJobState> {
  validateRequest(input, [nameRule('TrainingJobName')]);
  return ctx.store.get<TrainingJobState>('training-jobs', input.TrainingJobName as string, () =>
    validationError('Requested resource not found.'),
  );
}

function transition(state: TrainingJobState, status: SecondaryStatus, message: string): TrainingJobState {
  const now = new Date();
  const transitions = (state.SecondaryStatusTransitions ?? []).map((t) => (t.EndTime === undefined ? { ...t, EndTime: now } : t));
  return { ...state, SecondaryStatus: status, LastModifiedTime: now, SecondaryStatusTransitions: [...transitions, { Status: status, StartTime: now, StatusMessage: message }] };
}

/** Collects the last value of every metric definition from the container's stdout lines. */
function metricCollector(definitions: MetricDefinition[]): { onLine(line: string): void; final(): MetricData[] } {
  const compiled = definitions.map((d) => ({ name: d.Name as string, regex: compileMetricRegex(d) }));
  const last = new Map<string, MetricData>();
  return {
    onLine: (line) => {
      for (const { name, regex } of compiled) {
        const value = Number.parseFloat(regex.exec(line)?.[1] ?? '');
        if (Number.isFinite(value)) last.set(name, { MetricName: name, Value: value, Timestamp: new Date() });
      }
    },
    final: () => [...last.values()],
  };
}

/** Run `train` under the runtime limit and end the job from how the container ended. */
async function trainAndFinish(ctx: SageMakerContext, state: TrainingJobState, dir: string, trialIndex?: number): Promise<TrainingJobState> {
  const mlRoot = join(dir, 'opt', 'ml');
  const algorithm = state.AlgorithmSpecification as AlgorithmSpecification;
  const metrics = metricCollector(algorithm.MetricDefinitions ?? []);
  const container = await ctx.runner.start({
    imageUri: algorithm.TrainingImage as string,
    args: ['train'],
    env: state.Environment ?? {},
    mlRoot,
    cwd: dir,
    logDir: join(dir, 'logs'),
    job: { kind: 'training', name: state.TrainingJobName, ...(trialIndex === undefined ? {} : { trialIndex }) },
    onStdoutLine: metrics.onLine,
  });
  const limit = limitRuntime(container, state.StoppingCondition?.MaxRuntimeInSeconds, ctx.timeScale);
  const exit = await container.exited;
  limit.clear();
  const ended = { ...state, FinalMetricDataList: metrics.final() };
  if (limit.exceeded()) return finish(ctx, ended, mlRoot, 'Stopped', 'MaxRuntimeExceeded', 'Training job runtime exceeded MaxRuntimeInSeconds provided');
  if (exit.code === 0) return finish(ctx, ended, mlRoot, 'Completed', 'Completed', 'Training job completed');
  const reason = exit.error ?? algorithmError(await readFailureFile(mlRoot), exit, container.stderrTail());
  return finish(ctx, ended, mlRoot, 'Failed', 'Failed', reason);
}

async function runTraining(ctx: SageMakerContext, name: string, trialIndex?: number): Promise<TrainingJobState> {
  const dir = ctx.store.dir('training-jobs', name);
  const save = async (state: TrainingJobState): Promise<TrainingJobState> => {
    await ctx.store.write('training-jobs', name, state);
    return state;
  };
  let state = (await ctx.store.read<TrainingJobState>('training-jobs', name)) as TrainingJobState;
  try {
    state = await save({ ...transition(state, 'Downloading', 'Downloading input data'), TrainingStartTime: new Date() });
    await prepareTrainingTree(ctx, join(dir, 'opt', 'ml'), { ...state, TrainingInputMode: state.AlgorithmSpecification?.TrainingInputMode });
    state = await save(transition(state, 'Training', 'Training image download completed. Training in progress.'));
    return await save(await trainAndFinish(ctx, state, dir, trialIndex));
  } catch (error) {
    const client = error instanceof JobClientError || error instanceof ImageError;
    const reason = `${client ? 'ClientError' : 'InternalServerError'}: ${(error as Error).message}`;
    return save(await finish(ctx, state, join(dir, 'opt', 'ml'), 'Failed', 'Failed', reason, false));
  }
}

async function finish(
  ctx: SageMakerContext,
  state: TrainingJobState,
  mlRoot: string,
  status: 'Completed' | 'Failed' | 'Stopped',
  secondary: SecondaryStatus,
  message: string,
  upload = true,
): Promise<TrainingJobState> {
  let next = state;
  if (upload && status !== 'Failed') {
    next = transition(next, 'Uploading', 'Uploading generated training model');
    const output = s3Join(state.OutputDataConfig?.S3OutputPath as string, state.TrainingJobName, 'output');
    const modelTar = join(mlRoot, '..', 'model.tar.gz');
    if (await tarDir(join(mlRoot, 'model'), modelTar)) {
      const { bucket, key } = parseS3Uri(s3Join(output, 'model.tar.gz'));
      await ctx.s3.putFile(bucket, key, modelTar);
      next = { ...next, ModelArtifacts: { S3ModelArtifacts: s3Join(output, 'model.tar.gz') } };
    }
    const outputTar = join(mlRoot, '..', 'output.tar.gz');
    if (await tarDir(join(mlRoot, 'output', 'data'), outputTar)) {
      const { bucket, key } = parseS3Uri(s3Join(output, 'output.tar.gz'));
      await ctx.s3.putFile(bucket, key, outputTar);
    }
  }
  const end = new Date();
  next = transition(next, secondary, message);
  const seconds = secondsBetween(next.TrainingStartTime ?? next.CreationTime ?? end, end);
  return {
    ...next,
    TrainingJobStatus: status,
    ...(status === 'Completed' ? {} : { FailureReason: message }),
    TrainingEndTime: end,
    LastModifiedTime: end,
    TrainingTimeInSeconds: seconds,
    BillableTimeInSeconds: seconds,
    SecondaryStatusTransitions: (next.SecondaryStatusTransitions ?? []).map((t) => (t.Status === secondary ? { ...t, EndTime: end } : t)),
  };
}
