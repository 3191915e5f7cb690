// One batch transform of a generated scoring file through the local SageMaker (the path `mlops run` publishes with):
// prepare (split + scoring input) and a logistic model on a small training file, then CreateTransformJob over every
// scoring row with the publishing job's settings. Prints {rows, seconds, wallSeconds} as JSON. Run by scoring.ts in a
// fresh process per run, its process tree watched for peak RSS.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DescribeTransformJobCommand,
} from '@aws-sdk/client-sagemaker';
import { loadPipelineConfig } from '@mlops/core';
import { generateAttrition } from '@mlops/sample-data';
import { LocalS3 } from '../packages/local-backend/src/s3';
import { LocalSageMaker } from '../packages/local-backend/src/sagemaker';

const [scoreFile, trainRowsText = '20000'] = process.argv.slice(2);
const repo = join(import.meta.dirname, '..');
const BUCKET = 'bench';
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const IMAGE = '000000000000.dkr.ecr.eu-west-1.amazonaws.com/trainer:latest';
const uri = (key: string) => `s3://${BUCKET}/${key}`;

async function text(source: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of source) all += chunk;
  return all;
}

function fail(what: string, reason: string | undefined): never {
  throw new Error(`${what} failed: ${reason ?? 'no reason given'}`);
}

const root = await mkdtemp(join(tmpdir(), 'mlops-bench-scoring-'));
const s3 = new LocalS3({ root: join(root, 's3') });
const sagemaker = new LocalSageMaker({ root: join(root, 'sagemaker'), s3, region: 'eu-west-1', accountId: '000000000000', repoRoot: repo, imageCacheDir: join(tmpdir(), 'mlops-bench-images') });
try {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const config = await loadPipelineConfig(join(repo, 'pipelines', 'attrition.yml'));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'config/pipeline.json', Body: JSON.stringify(config) }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/train.csv', Body: await text(generateAttrition({ rows: Number(trainRowsText), seed: 5 })) }));
  await s3.putFile(BUCKET, 'score/score.csv', scoreFile as string);
  const input = (name: string, key: string, path: string) => ({ InputName: name, S3Input: { S3Uri: uri(key), LocalPath: path, S3DataType: 'S3Prefix' as const, S3InputMode: 'File' as const } });
  await sagemaker.send(
    new CreateProcessingJobCommand({
      ProcessingJobName: 'prep',
      RoleArn: ROLE,
      AppSpecification: { ImageUri: IMAGE, ContainerArguments: ['prepare'] },
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 10 } },
      ProcessingInputs: [
        input('data', 'data/', '/opt/ml/processing/input/data'),
        input('score', 'score/', '/opt/ml/processing/input/score'),
        input('config', 'config/', '/opt/ml/processing/input/config'),
      ],
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'prepared', S3Output: { S3Uri: uri('prepared'), LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
    }),
  );
  await sagemaker.settled();
  const channel = (name: string, key: string) => ({ ChannelName: name, DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: uri(key), S3DataDistributionType: 'FullyReplicated' as const } } });
  await sagemaker.send(
    new CreateTrainingJobCommand({
      TrainingJobName: 'train',
      RoleArn: ROLE,
      HyperParameters: { model: 'logistic', l2: '1' },
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      InputDataConfig: [channel('train', 'prepared/train/'), channel('validation', 'prepared/validation/'), channel('config', 'config/')],
      OutputDataConfig: { S3OutputPath: uri('models') },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    }),
  );
  await sagemaker.settled();
  await sagemaker.send(new CreateModelCommand({ ModelName: 'bench', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE, ModelDataUrl: uri('models/train/output/model.tar.gz'), Environment: { MODEL_VERSION: '1', RUN_ID: 'bench' } } }));
  const started = performance.now();
  // The publishing job's settings (services/…/startPublishing): key dropped on the way in, joined back on the way out.
  await sagemaker.send(
    new CreateTransformJobCommand({
      TransformJobName: 'score',
      ModelName: 'bench',
      BatchStrategy: 'MultiRecord',
      MaxConcurrentTransforms: 2,
      MaxPayloadInMB: 6,
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri('prepared/transform/score/') } }, ContentType: 'text/csv', SplitType: 'Line' },
      TransformOutput: { S3OutputPath: uri('scored'), AssembleWith: 'Line', Accept: 'text/csv' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-10:]' },
    }),
  );
  await sagemaker.settled();
  const wallSeconds = (performance.now() - started) / 1000;
  const job = await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: 'score' }));
  if (job.TransformJobStatus !== 'Completed') fail('the transform job', job.FailureReason);
  const summary = JSON.parse(await readFile(join(await s3.localPathOf(BUCKET, 'prepared/summary.json')), 'utf8')) as { scoreRows: number };
  const seconds = ((job.TransformEndTime as Date).getTime() - (job.TransformStartTime as Date).getTime()) / 1000;
  process.stdout.write(`${JSON.stringify({ rows: summary.scoreRows, seconds, wallSeconds })}\n`);
} finally {
  await sagemaker.close();
  await rm(root, { recursive: true, force: true });
}
