import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadPipelineConfig } from '@mlops/core';
import { LocalS3 } from '../src/s3';
import { LocalSageMaker, type ContainerEvent, type LocalSageMakerOptions } from '../src/sagemaker';
import { mulberry32 } from '@mlops/core';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/sagemaker-execution`;
export const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/trainer:latest`;
export const BUCKET = 'artifacts';
/** The repository root (where docker/<image> lives). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One bundle cache for every test cloud, so the trainer is bundled once per change, not once per test. */
const IMAGE_CACHE = join(tmpdir(), 'mlops-sagemaker-test-images');

/** Deterministic PRNG for the tiny data generator. */
const prng = mulberry32;

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

/** Attrition-shaped CSV (the columns of pipelines/attrition.yml); leaving depends on overtime, age and satisfaction. */
export function attritionCsv(rows: number, seed = 7): string {
  const r = prng(seed);
  const header = 'Age,Attrition,BusinessTravel,DailyRate,Department,DistanceFromHome,Education,EducationField,EmployeeCount,EmployeeNumber,EnvironmentSatisfaction,Gender,HourlyRate,JobInvolvement,JobLevel,JobRole,JobSatisfaction,MaritalStatus,MonthlyIncome,MonthlyRate,NumCompaniesWorked,Over18,OverTime,PercentSalaryHike,PerformanceRating,RelationshipSatisfaction,StandardHours,StockOptionLevel,TotalWorkingYears,TrainingTimesLastYear,WorkLifeBalance,YearsAtCompany,YearsInCurrentRole,YearsSinceLastPromotion,YearsWithCurrManager';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const age = 18 + Math.floor(r() * 42);
    const overtime = r() < 0.3 ? 'Yes' : 'No';
    const satisfaction = 1 + Math.floor(r() * 4);
    const years = Math.floor(r() * Math.max(1, age - 18));
    const logit = -1.6 + (overtime === 'Yes' ? 1.5 : 0) - 0.04 * (age - 36) - 0.4 * (satisfaction - 2.5) + (r() - 0.5);
    const attrition = r() < 1 / (1 + Math.exp(-logit)) ? 'Yes' : 'No';
    const level = 1 + Math.floor(r() * 5);
    lines.push(
      [age, attrition, pick(r, ['Travel_Rarely', 'Travel_Frequently', 'Non-Travel']), 100 + Math.floor(r() * 1400),
        pick(r, ['Sales', 'Research & Development', 'Human Resources']), 1 + Math.floor(r() * 29), 1 + Math.floor(r() * 5),
        pick(r, ['Life Sciences', 'Medical', 'Marketing', 'Technical Degree', 'Other']), 1, 1000 + i, 1 + Math.floor(r() * 4),
        pick(r, ['Male', 'Female']), 30 + Math.floor(r() * 70), 1 + Math.floor(r() * 4), level,
        pick(r, ['Sales Executive', 'Research Scientist', 'Laboratory Technician', 'Manager']), satisfaction,
        pick(r, ['Single', 'Married', 'Divorced']), level * 2000 + Math.floor(r() * 3000), 2000 + Math.floor(r() * 24000),
        Math.floor(r() * 9), 'Y', overtime, 11 + Math.floor(r() * 14), pick(r, [3, 4]), 1 + Math.floor(r() * 4), 80,
        Math.floor(r() * 4), years, Math.floor(r() * 7), 1 + Math.floor(r() * 4), Math.min(years, Math.floor(r() * 20)),
        Math.floor(r() * 10), Math.floor(r() * 8), Math.floor(r() * 10)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A temp folder with a LocalS3 (bucket `artifacts`) and a LocalSageMaker; records every container pid. */
export async function makeCloud(options: Partial<LocalSageMakerOptions> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'sm-test-'));
  const s3 = new LocalS3({ root: join(root, 's3') });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const sagemaker = new LocalSageMaker({ root: join(root, 'sagemaker'), s3, region: REGION, accountId: ACCOUNT, repoRoot: REPO, imageCacheDir: IMAGE_CACHE, ...options });
  const events: Array<{ type: 'spawn' | 'exit' } & ContainerEvent> = [];
  sagemaker.events.on('spawn', (e: ContainerEvent) => events.push({ type: 'spawn', ...e }));
  sagemaker.events.on('exit', (e: ContainerEvent) => events.push({ type: 'exit', ...e }));
  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const get = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  const pids = () => [...new Set(events.map((e) => e.pid))];
  const dispose = async () => {
    await sagemaker.close();
    await rm(root, { recursive: true, force: true });
  };
  return { root, s3, sagemaker, events, put, get, pids, dispose };
}

export type Cloud = Awaited<ReturnType<typeof makeCloud>>;

/** True while a process with this pid exists. */
export { processAlive as isAlive } from '@mlops/core';

/** The attrition pipeline config, resolved to JSON (what `prepare` and `train` read). */
export async function attritionConfigJson(): Promise<string> {
  return JSON.stringify(await loadPipelineConfig(join(REPO, 'pipelines', 'attrition.yml')));
}

/** Upload dataset + config and return a CreateProcessingJob request running `prepare` into `prepared/`. */
export async function prepareRequest(cloud: Cloud, name: string, rows: number) {
  await cloud.put('input/data/attrition.csv', attritionCsv(rows));
  await cloud.put('config/pipeline.json', await attritionConfigJson());
  const input = (n: string, key: string, path: string) => ({
    InputName: n,
    S3Input: { S3Uri: `s3://${BUCKET}/${key}`, LocalPath: path, S3DataType: 'S3Prefix' as const, S3InputMode: 'File' as const },
  });
  return {
    ProcessingJobName: name,
    RoleArn: ROLE,
    AppSpecification: { ImageUri: IMAGE, ContainerArguments: ['prepare'] },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large' as const, VolumeSizeInGB: 10 } },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ProcessingInputs: [
      input('data', 'input/data/', '/opt/ml/processing/input/data'),
      input('config', 'config/', '/opt/ml/processing/input/config'),
    ],
    ProcessingOutputConfig: {
      Outputs: [{ OutputName: 'prepared', S3Output: { S3Uri: `s3://${BUCKET}/prepared`, LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' as const } }],
    },
  };
}

/** A CreateTrainingJob request on the `prepared/` splits. */
export function trainingRequest(name: string, hyperparameters: Record<string, string> = { model: 'logistic', l2: '1' }) {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    HyperParameters: hyperparameters,
    AlgorithmSpecification: {
      TrainingImage: IMAGE,
      TrainingInputMode: 'File' as const,
      MetricDefinitions: [
        { Name: 'validation:auc', Regex: 'validation:auc=([0-9\\.eE+-]+)' },
        { Name: 'train:auc', Regex: 'train:auc=([0-9\\.eE+-]+)' },
      ],
    },
    InputDataConfig: [
      channel('train', 'prepared/train/'),
      channel('validation', 'prepared/validation/'),
      channel('config', 'config/'),
    ],
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/tuning` },
    ResourceConfig: { InstanceType: 'ml.m5.large' as const, InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
  };
}

function channel(name: string, key: string) {
  return { ChannelName: name, DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: `s3://${BUCKET}/${key}`, S3DataDistributionType: 'FullyReplicated' as const } } };
}
