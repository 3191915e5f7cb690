import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type {
  CreateTransformJobRequest,
  CreateTransformJobResponse,
  DescribeTransformJobRequest,
  DataProcessing,
  DescribeTransformJobResponse,
  TransformInput,
  TransformOutput,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerContext } from './context';
import { arnOf, parseS3Uri, resourceInUse, s3Join } from './context';
import { compileFilter } from './filters';
import { ImageError } from './images';
import { downloadInput, JobClientError } from './job-files';
import { readModel } from './models';
import { startModelServer, stopModelServer, type ModelServer } from './serve';
import { ModelServerError, transformFile, type TransformPlan } from './transform-file';
import { nameRule, patterns, validateRequest, validationError, type FieldRule } from './validate';
import { countLines } from '@mlops/core';

/** Persisted state of a transform job: the DescribeTransformJob output. */
export type TransformJobState = DescribeTransformJobResponse & { TransformJobName: string; TransformJobArn: string };

const rules: FieldRule[] = [
  nameRule('TransformJobName'),
  nameRule('ModelName'),
  { path: 'MaxConcurrentTransforms', type: 'number', min: 0 },
  { path: 'MaxPayloadInMB', type: 'number', min: 0, max: 100 },
  { path: 'BatchStrategy', enum: ['MultiRecord', 'SingleRecord'] },
  { path: 'Environment', type: 'object', maxItems: 16 },
  { path: 'Environment{}', type: 'string', maxLength: 10240 },
  { path: 'TransformInput', required: true, type: 'object' },
  { path: 'TransformInput.DataSource', required: true, type: 'object' },
  { path: 'TransformInput.DataSource.S3DataSource', required: true, type: 'object' },
  { path: 'TransformInput.DataSource.S3DataSource.S3DataType', required: true, enum: ['ManifestFile', 'S3Prefix', 'AugmentedManifestFile'] },
  { path: 'TransformInput.DataSource.S3DataSource.S3Uri', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'TransformInput.ContentType', maxLength: 256 },
  { path: 'TransformInput.CompressionType', enum: ['None', 'Gzip'] },
  { path: 'TransformInput.SplitType', enum: ['None', 'Line', 'RecordIO', 'TFRecord'] },
  { path: 'TransformOutput', required: true, type: 'object' },
  { path: 'TransformOutput.S3OutputPath', required: true, pattern: patterns.s3Uri, maxLength: 1024 },
  { path: 'TransformOutput.AssembleWith', enum: ['None', 'Line'] },
  { path: 'TransformResources', required: true, type: 'object' },
  { path: 'TransformResources.InstanceType', required: true, type: 'string' },
  { path: 'TransformResources.InstanceCount', required: true, type: 'number', min: 1 },
  { path: 'DataProcessing.InputFilter', maxLength: 63 },
  { path: 'DataProcessing.OutputFilter', maxLength: 63 },
  { path: 'DataProcessing.JoinSource', enum: ['Input', 'None'] },
];

function isCsv(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'text/csv';
}

/** True when DataProcessing changes records (filters other than `$`, or a join). */
function filtering(dp: DataProcessing | undefined): boolean {
  return (dp?.InputFilter ?? '$') !== '$' || (dp?.OutputFilter ?? '$') !== '$' || dp?.JoinSource === 'Input';
}

function checkSemantics(input: CreateTransformJobRequest): void {
  const transformInput = input.TransformInput as TransformInput;
  if (transformInput.DataSource?.S3DataSource?.S3DataType !== 'S3Prefix') throw validationError('The local backend supports S3DataType S3Prefix only');
  const split = transformInput.SplitType ?? 'None';
  if (split !== 'None' && split !== 'Line') throw validationError(`The local backend supports SplitType None and Line, not ${split}`);
  compileFilter(input.DataProcessing?.InputFilter);
  compileFilter(input.DataProcessing?.OutputFilter);
  if (!filtering(input.DataProcessing)) return;
  if (!isCsv(transformInput.ContentType)) throw validationError('The local backend applies DataProcessing to text/csv input only');
  if (split !== 'Line') throw validationError('DataProcessing needs SplitType Line');
}

/** CreateTransformJob: serves the model, streams every input object through /invocations, writes `<name>.out`. */
export async function createTransformJob(ctx: SageMakerContext, input: CreateTransformJobRequest): Promise<CreateTransformJobResponse> {
  validateRequest(input, rules);
  checkSemantics(input);
  await readModel(ctx, input.ModelName as string);
  const name = input.TransformJobName as string;
  const arn = arnOf(ctx, 'transform-job', name);
  const state: TransformJobState = {
    TransformJobName: name,
    TransformJobArn: arn,
    TransformJobStatus: 'InProgress',
    ModelName: input.ModelName,
    MaxConcurrentTransforms: input.MaxConcurrentTransforms ?? 1,
    MaxPayloadInMB: input.MaxPayloadInMB ?? 6,
    BatchStrategy: input.BatchStrategy ?? 'MultiRecord',
    Environment: input.Environment ?? {},
    TransformInput: input.TransformInput,
    TransformOutput: input.TransformOutput,
    TransformResources: input.TransformResources,
    DataProcessing: {
      InputFilter: input.DataProcessing?.InputFilter ?? '$',
      OutputFilter: input.DataProcessing?.OutputFilter ?? '$',
      JoinSource: input.DataProcessing?.JoinSource ?? 'None',
    },
    CreationTime: new Date(),
  };
  if (!(await ctx.store.create('transform-jobs', name, state))) {
    throw resourceInUse(`Job name must be unique within an AWS account and region, and a job with this name already exists (${arn})`);
  }
  void ctx.background(runTransform(ctx, name));
  return { TransformJobArn: arn };
}

/** DescribeTransformJob: a missing job is a `ValidationException`, as the service answers. */
export async function describeTransformJob(ctx: SageMakerContext, input: DescribeTransformJobRequest): Promise<TransformJobState> {
  validateRequest(input, [nameRule('TransformJobName')]);
  const name = input.TransformJobName as string;
  return ctx.store.get<TransformJobState>('transform-jobs', name, () => validationError(`Could not find requested job with name ${name}`));
}

function planOf(state: TransformJobState, server: ModelServer): TransformPlan {
  const dp = state.DataProcessing as DataProcessing;
  const input = state.TransformInput as TransformInput;
  const output = state.TransformOutput as TransformOutput;
  const joinInput = dp.JoinSource === 'Input';
  return {
    url: server.url,
    contentType: input.ContentType ?? 'application/octet-stream',
    ...(output.Accept === undefined ? {} : { accept: output.Accept }),
    gzip: input.CompressionType === 'Gzip',
    splitLines: input.SplitType === 'Line',
    singleRecord: state.BatchStrategy === 'SingleRecord',
    maxPayloadBytes: (state.MaxPayloadInMB || 6) * 1024 * 1024,
    csv: isCsv(input.ContentType),
    inputFilter: compileFilter(dp.InputFilter),
    inputIsIdentity: (dp.InputFilter ?? '$').replace(/\s+/g, '') === '$',
    outputFilter: compileFilter(dp.OutputFilter),
    joinInput,
    reshapeOutput: joinInput || dp.OutputFilter !== '$',
    assembleLines: output.AssembleWith === 'Line',
    // 0 asks the container (/execution-parameters); ours answers 1, as the local backend assumes.
    concurrency: Math.max(1, state.MaxConcurrentTransforms ?? 1),
  };
}

/** SageMaker's batch environment for the model server. */
function batchEnvironment(state: TransformJobState): Record<string, string> {
  return {
    ...state.Environment,
    SAGEMAKER_BATCH: 'true',
    SAGEMAKER_MAX_PAYLOAD_IN_MB: String(state.MaxPayloadInMB),
    SAGEMAKER_BATCH_STRATEGY: state.BatchStrategy === 'SingleRecord' ? 'SINGLE_RECORD' : 'MULTI_RECORD',
    SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: String(state.MaxConcurrentTransforms),
  };
}

function failureReason(error: unknown): string {
  const message = (error as Error).message;
  if (error instanceof ModelServerError) return `AlgorithmError: ${message}. See job logs for more information`;
  if (error instanceof JobClientError || error instanceof ImageError) return `ClientError: ${message}`;
  return `InternalServerError: ${message}`;
}


/** Transform every input object in key order, each into `<S3OutputPath>/<relative name>.out`. */
async function transformAll(ctx: SageMakerContext, state: TransformJobState, dir: string, server: ModelServer): Promise<void> {
  const inputDir = join(dir, 'input');
  const files = await downloadInput(ctx, state.TransformInput?.DataSource?.S3DataSource?.S3Uri as string, inputDir);
  const failAfter = ctx.faults.transformFailAfterRecords;
  // The progress bar's total, counted while the transform runs (progress is announced once it is known).
  // 1 MiB reads: counting a large file in the default 64 KiB chunks costs three times the CPU.
  let total: number | undefined;
  let announced = -1;
  const counted = Promise.all(files.map((file) => countLines(createReadStream(file, { highWaterMark: 1 << 20 })))).then(
    (counts) => (total = counts.reduce((a, b) => a + b, 0)),
  );
  counted.catch(() => undefined);
  const job = state.TransformJobName as string;
  const plan: TransformPlan = {
    ...planOf(state, server),
    onAnswered: (n: number) => {
      if (total !== undefined) ctx.progress('transform-progress', { job, records: (announced = n), total });
      if (failAfter !== undefined && n >= failAfter) {
        server.container.kill('SIGKILL');
        // Even when the last mini-batch was answered: the job fails once its server died, as on SageMaker.
        throw new ModelServerError(`the model server stopped answering: it was killed after ${n} records`);
      }
    },
  };
  let answered = 0;
  for (const file of files) {
    const relativeName = relative(inputDir, file).split('\\').join('/');
    const outFile = join(dir, 'output', `${relativeName}.out`);
    await mkdir(dirname(outFile), { recursive: true });
    const transformed = await transformFile(file, outFile, plan, answered);
    answered += transformed.records;
    const { bucket, key } = parseS3Uri(s3Join(state.TransformOutput?.S3OutputPath as string, `${relativeName}.out`));
    // Hashed while written: moved into the bucket, not read and copied again.
    await ctx.s3.moveFileIn(bucket, key, outFile, transformed);
  }
  // A transform quicker than the count announces its end now.
  await counted;
  if (announced < answered) ctx.progress('transform-progress', { job, records: answered, total: total as number });
}

async function runTransform(ctx: SageMakerContext, name: string): Promise<void> {
  const dir = ctx.store.dir('transform-jobs', name);
  const state = { ...((await ctx.store.read<TransformJobState>('transform-jobs', name)) as TransformJobState), TransformStartTime: new Date() };
  await ctx.store.write('transform-jobs', name, state);
  let server: ModelServer | undefined;
  let reason: string | undefined;
  try {
    const model = await readModel(ctx, state.ModelName as string);
    server = await startModelServer(ctx, model, join(dir, 'server'), { kind: 'transform', name }, { env: batchEnvironment(state) });
    await transformAll(ctx, state, dir, server);
  } catch (error) {
    reason = failureReason(error);
  } finally {
    await stopModelServer(server);
  }
  await ctx.store.write('transform-jobs', name, {
    ...state,
    TransformJobStatus: reason === undefined ? 'Completed' : 'Failed',
    TransformEndTime: new Date(),
    ...(reason === undefined ? {} : { FailureReason: reason }),
  });
}
