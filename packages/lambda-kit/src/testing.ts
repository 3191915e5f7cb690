/**
 * Test support for domain functions: `Deps` built from real AWS SDK v3 clients whose traffic is intercepted by
 * aws-sdk-client-mock, realistic settings, quiet Powertools instances and a fixed clock.
 * Imported by tests only (`@mlops/lambda-kit/testing`); no handler bundles it.
 */
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { configSnapshot, layout, loadPipelineConfig, type PipelineConfig, type ResolvedPipelineConfig, type RunState } from '@mlops/core';
import { readEnv } from './env';
import { Metrics } from './metrics';
import type { Deps } from './index';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** The settings a deployed `dev` stage gives every handler. */
export const TEST_ENV = {
  STAGE: 'dev',
  PROJECT: 'mlops',
  AWS_REGION: REGION,
  DATA_BUCKET: `mlops-dev-data-${ACCOUNT}-${REGION}`,
  ARTIFACTS_BUCKET: `mlops-dev-artifacts-${ACCOUNT}-${REGION}`,
  SAGEMAKER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/mlops-dev-sagemaker-${REGION}`,
  GLUE_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/mlops-dev-glue-${REGION}`,
  NOTIFY_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:mlops-dev-notifications`,
  STATE_MACHINE_ARN: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:mlops-dev-pipeline`,
  CRAWLER_NAME: 'mlops-dev-predictions',
  CONTAINER_IMAGES: JSON.stringify({ trainer: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/mlops-trainer:latest` }),
} as const;

export const ARTIFACTS = TEST_ENV.ARTIFACTS_BUCKET;
export const DATA = TEST_ENV.DATA_BUCKET;
export const TRAINER_IMAGE = JSON.parse(TEST_ENV.CONTAINER_IMAGES).trainer as string;

/** AWS naming rules the pipeline's generated names must meet. */
export const AWS_NAME = {
  /** SageMaker jobs, models, model package groups: ≤ 63 characters. */
  sagemaker: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
  /** Hyperparameter tuning jobs: ≤ 32 characters. */
  tuningJob: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/,
  /** Step Functions execution names: ≤ 80 characters of letters, digits, `-` and `_`. */
  execution: /^[a-zA-Z0-9_-]{1,80}$/,
};

/** A pipeline name at the schema's 31-character limit, to check every generated name still fits. */
export const LONG_PIPELINE = 'employee-attrition-emea-monthly';

export interface ClientMocks {
  readonly s3: AwsClientStub<S3Client>;
  readonly sagemaker: AwsClientStub<SageMakerClient>;
  readonly sagemakerRuntime: AwsClientStub<SageMakerRuntimeClient>;
  readonly glue: AwsClientStub<GlueClient>;
  readonly sfn: AwsClientStub<SFNClient>;
  readonly sns: AwsClientStub<SNSClient>;
}

export interface SentCommand {
  readonly client: keyof ClientMocks;
  readonly command: string;
  readonly input: Record<string, unknown>;
}

export interface TestDeps {
  readonly deps: Deps;
  readonly mocks: ClientMocks;
  /** Every command sent through any client, in the order it was sent. */
  sent(): SentCommand[];
}

/**
 * Deps over real SDK clients whose `send` is intercepted (nothing leaves the process).
 * `env` entries override TEST_ENV (undefined removes one); `now` fixes the clock.
 * @example const { deps, mocks } = testDeps(); mocks.sagemaker.on(CreateProcessingJobCommand).resolves({});
 */
export function testDeps(options: { env?: Record<string, string | undefined>; now?: Date } = {}): TestDeps {
  const source: Record<string, string | undefined> = { ...TEST_ENV, ...options.env };
  const env = readEnv(source);
  const config = { region: env.region };
  const clients = {
    s3: new S3Client(config),
    sagemaker: new SageMakerClient(config),
    sagemakerRuntime: new SageMakerRuntimeClient(config),
    glue: new GlueClient(config),
    sfn: new SFNClient(config),
    sns: new SNSClient(config),
  };
  const mocks: ClientMocks = {
    s3: mockClient(clients.s3),
    sagemaker: mockClient(clients.sagemaker),
    sagemakerRuntime: mockClient(clients.sagemakerRuntime),
    glue: mockClient(clients.glue),
    sfn: mockClient(clients.sfn),
    sns: mockClient(clients.sns),
  };
  const at = options.now ?? new Date('2026-03-02T09:30:00.000Z');
  const deps: Deps = {
    clients,
    env,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'mlops-test', serviceName: 'test', disabled: true }),
    now: () => new Date(at),
  };
  const sent = () =>
    (Object.entries(mocks) as [keyof ClientMocks, AwsClientStub<S3Client>][])
      .flatMap(([client, mock]) => mock.calls().map((call) => ({ client, call })))
      .sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))
      .map(({ client, call }) => {
        const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
        return { client, command: command.constructor.name, input: command.input };
      });
  return { deps, mocks, sent };
}

/** An S3 GetObject body (an SDK stream over a Node Readable), as the real client returns it. */
export function s3Body(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text, 'utf8')]));
}

/**
 * Answer GetObject from a map of `s3://bucket/key` → content (a non-string value is served as JSON); any other key is
 * `NoSuchKey`, like S3. Each call gets a fresh stream.
 */
export function serveObjects(s3: ClientMocks['s3'], objects: Record<string, string | object>): void {
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    const content = objects[`s3://${input.Bucket}/${input.Key}`];
    if (content === undefined) {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    }
    return { Body: s3Body(typeof content === 'string' ? content : JSON.stringify(content)) };
  });
}

/** The bodies of every PutObject sent, by `s3://bucket/key` (a later put of the same key wins). */
export function writtenObjects(s3: ClientMocks['s3']): Map<string, string> {
  const written = new Map<string, string>();
  for (const call of s3.commandCalls(PutObjectCommand)) {
    const { Bucket, Key, Body } = call.args[0].input;
    written.set(`s3://${Bucket}/${Key}`, String(Body));
  }
  return written;
}

/** The repository's sample pipeline config (`pipelines/<name>.yml`), DQDL rules resolved, optionally renamed. */
export async function sampleConfig(file = 'attrition', name?: string): Promise<ResolvedPipelineConfig> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const config = await loadPipelineConfig(join(root, 'pipelines', `${file}.yml`));
  return name === undefined ? config : { ...config, name };
}

/**
 * The state every task after StartRun receives, for a dataset uploaded to `<pipeline>/incoming/`.
 * @example const state = runState({ pipeline: LONG_PIPELINE })
 */
export function runState(
  options: { pipeline?: string; runId?: string; scoreData?: RunState['run']['scoreData'] } = {},
): RunState {
  const pipeline = options.pipeline ?? 'attrition';
  const runId = options.runId ?? '20260302T093000Z-3fa9c1';
  return {
    runId,
    pipeline,
    trigger: {
      type: 's3-upload',
      at: '2026-03-02T09:29:58Z',
      detail: { bucket: DATA, key: `${pipeline}/incoming/hr-2026-03.csv` },
    },
    dataset: {
      bucket: DATA,
      key: `${pipeline}/incoming/hr-2026-03.csv`,
      versionId: 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a',
      etag: '"9b2cf535f27731c974343645a3985328"',
    },
    run: {
      runPrefix: layout.runPrefix(pipeline, runId),
      configKey: layout.runConfig(pipeline, runId),
      recordKey: layout.runRecord(pipeline, runId),
      scoreData: options.scoreData ?? null,
      estimatedCostUsd: 1.38,
      startedAt: '2026-03-02T09:30:01.000Z',
    },
  };
}

/**
 * Serve `config` as the run's frozen config (`runs/<p>/<runId>/config/pipeline.json`) plus any other objects, and
 * record its hash in `state.run.configSha256`, as StartRun does.
 */
export function serveRunConfig(
  s3: ClientMocks['s3'],
  state: RunState,
  config: object,
  others: Record<string, string | object> = {},
): void {
  const snapshot = configSnapshot(config as PipelineConfig);
  state.run.configSha256 = snapshot.sha256;
  serveObjects(s3, { [`s3://${ARTIFACTS}/${state.run.configKey}`]: snapshot.body, ...others });
}
