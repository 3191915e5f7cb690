import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateHyperParameterTuningJobCommand, ListHyperParameterTuningJobsCommand } from '@aws-sdk/client-sagemaker';
import { BudgetExceededError, ConfigError, estimateRunCost, POLLING, type PipelineConfig } from '@mlops/core';
import {
  ARTIFACTS,
  AWS_NAME,
  LONG_PIPELINE,
  runState,
  sampleConfig,
  serveRunConfig,
  testDeps,
  TEST_ENV,
  TRAINER_IMAGE,
  writtenObjects,
} from '@mlops/lambda-kit/testing';
import { startTuning } from './startTuning';

type Tuning = PipelineConfig['tuning'];

async function tune(
  options: {
    pipeline?: string;
    runId?: string;
    env?: Record<string, string | undefined>;
    tuning?: Partial<Tuning>;
    budget?: PipelineConfig['budget'];
    trainRows?: number;
    previous?: string[];
  } = {},
) {
  const t = await preparedRun(options);
  const { state } = t;
  t.mocks.sagemaker.on(ListHyperParameterTuningJobsCommand).resolves({
    HyperParameterTuningJobSummaries: (options.previous ?? []).map((name) => ({
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:hyper-parameter-tuning-job/${name}`,
      HyperParameterTuningJobStatus: 'Completed',
      Strategy: 'Bayesian',
      CreationTime: new Date('2026-02-01T10:00:00Z'),
      TrainingJobStatusCounters: {},
      ObjectiveStatusCounters: {},
    })),
  });
  t.mocks.sagemaker
    .on(CreateHyperParameterTuningJobCommand)
    .resolves({ HyperParameterTuningJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:hyper-parameter-tuning-job/x' });
  const result = await startTuning(state, t.deps);
  const calls = t.mocks.sagemaker.commandCalls(CreateHyperParameterTuningJobCommand);
  expect(calls).toHaveLength(1);
  return { ...t, state, result, request: calls[0]!.args[0].input };
}

/** A run whose `prepare` counted `trainRows` (70/15/15 split) and whose record StartRun opened. */
async function preparedRun(options: { pipeline?: string; runId?: string; env?: Record<string, string | undefined>; tuning?: Partial<Tuning>; budget?: PipelineConfig['budget']; trainRows?: number } = {}) {
  const t = testDeps({ env: options.env });
  const state = runState({ pipeline: options.pipeline, runId: options.runId });
  const config = await sampleConfig('attrition', options.pipeline);
  const train = options.trainRows ?? 1029;
  const held = Math.round((train / 0.7) * 0.15);
  serveRunConfig(t.mocks.s3, state, { ...config, tuning: { ...config.tuning, ...options.tuning }, budget: options.budget ?? config.budget }, {
    [`s3://${ARTIFACTS}/${state.run.runPrefix}prepared/summary.json`]: { rows: { train, validation: held, test: held }, scoreRows: 250 },
    [`s3://${ARTIFACTS}/${state.run.recordKey}`]: { runId: state.runId, status: 'running', cost: { estimate: { totalUsd: 0.1 } } },
  });
  return { ...t, state, config };
}

describe('startTuning', () => {
  it('reads the run config, looks for a previous completed tuning job of the pipeline, then creates the tuning job', async () => {
    // Act
    const { sent, result, request, mocks } = await tune();

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'GetObjectCommand', // the prepared dataset's profile, for the drift check (drift.test.ts)
      'GetObjectCommand', // prepared/summary.json: the rows the cost is estimated again with
      'GetObjectCommand', // the run record, which keeps that estimate
      'PutObjectCommand',
      'ListHyperParameterTuningJobsCommand',
      'CreateHyperParameterTuningJobCommand',
    ]);
    expect(mocks.sagemaker).toHaveReceivedCommandWith(ListHyperParameterTuningJobsCommand, {
      NameContains: 'mlops-attrition-hpo-',
      StatusEquals: 'Completed',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    });
    expect(result).toEqual({
      kind: 'tuning',
      names: [request.HyperParameterTuningJobName],
      status: 'InProgress',
      attempt: 0,
      waitSeconds: POLLING.tuning.base,
      parent: null,
      drift: expect.objectContaining({ status: 'unavailable' }),
    });
  });

  it('takes strategy, objective, limits and ranges from the pipeline config', async () => {
    // Act
    const { request } = await tune();

    // Assess
    expect(request.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.0001', MaxValue: '100', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [],
        CategoricalParameterRanges: [],
      },
      TrainingJobEarlyStoppingType: 'Off',
      RandomSeed: 42,
    });
    expect(request.TrainingJobDefinition?.AlgorithmSpecification?.MetricDefinitions).toContainEqual({
      Name: 'validation:auc',
      Regex: 'validation:auc=([0-9\\.eE+-]+)',
    });
  });

  it('passes every static hyperparameter as a string, with the seed', async () => {
    // Act
    const { request } = await tune({
      tuning: { staticHyperparameters: { model: 'gbt', n_estimators: 200, learning_rate: 0.05 } },
    });

    // Assess
    const statics = request.TrainingJobDefinition?.StaticHyperParameters ?? {};
    expect(statics).toEqual({ seed: '42', model: 'gbt', n_estimators: '200', learning_rate: '0.05' });
    for (const value of Object.values(statics)) expect(typeof value).toBe('string');
  });

  it('trains on the prepared train and validation splits with the run config, isolated from the network', async () => {
    // Act
    const { request, state } = await tune();

    // Assess
    const run = `s3://${ARTIFACTS}/runs/attrition/${state.runId}`;
    const definition = request.TrainingJobDefinition;
    expect(
      definition?.InputDataConfig?.map((c) => [c.ChannelName, c.ContentType, c.DataSource?.S3DataSource?.S3Uri]),
    ).toEqual([
      ['train', 'text/csv', `${run}/prepared/train/`],
      ['validation', 'text/csv', `${run}/prepared/validation/`],
      ['config', 'application/json', `${run}/config/`],
    ]);
    expect(definition?.EnableNetworkIsolation).toBe(true);
    expect(definition?.AlgorithmSpecification).toMatchObject({
      TrainingImage: TRAINER_IMAGE,
      TrainingInputMode: 'File',
    });
    expect(definition?.RoleArn).toBe(TEST_ENV.SAGEMAKER_ROLE_ARN);
    expect(definition?.OutputDataConfig?.S3OutputPath).toBe(`${run}/tuning/`);
    expect(definition?.ResourceConfig).toMatchObject({
      InstanceType: 'ml.m5.large',
      InstanceCount: 1,
      VolumeSizeInGB: 10,
    });
    expect(definition?.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
  });

  it('starts cold when no previous completed tuning job is listed', async () => {
    // Act
    const { request, result } = await tune({ previous: [] });

    // Assess
    expect(request).not.toHaveProperty('WarmStartConfig');
    expect(result.parent).toBeNull();
  });

  it('warm-starts from the newest previous completed tuning job of the pipeline', async () => {
    // Act
    const { request, result } = await tune({
      previous: ['mlops-attrition-hpo-5d1e0a7c', 'mlops-attrition-hpo-0b9f33a1'],
    });

    // Assess
    expect(request.WarmStartConfig).toEqual({
      ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'mlops-attrition-hpo-5d1e0a7c' }],
      WarmStartType: 'TransferLearning',
    });
    expect(result.parent).toBe('mlops-attrition-hpo-5d1e0a7c');
  });

  it('never warm-starts from itself or from a job that only contains the prefix', async () => {
    // Prepare
    const own = (await tune()).request.HyperParameterTuningJobName as string;

    // Act
    const { request, result } = await tune({ previous: [own, 'old-mlops-attrition-hpo-5d1e0a7c'] });

    // Assess
    expect(request).not.toHaveProperty('WarmStartConfig');
    expect(result.parent).toBeNull();
  });

  it('does not look for a parent when the pipeline turns warm start off', async () => {
    // Act
    const { request, mocks } = await tune({ tuning: { warmStart: false }, previous: ['mlops-attrition-hpo-5d1e0a7c'] });

    // Assess
    expect(mocks.sagemaker).not.toHaveReceivedCommand(ListHyperParameterTuningJobsCommand);
    expect(request).not.toHaveProperty('WarmStartConfig');
  });

  it('leaves the job count and seed out of a grid search, which SageMaker derives from the grid', async () => {
    // Act
    const { request } = await tune({
      tuning: {
        strategy: 'Grid',
        ranges: { continuous: [], integer: [], categorical: [{ name: 'model', values: ['logistic', 'gbt'] }] },
      },
    });

    // Assess
    const config = request.HyperParameterTuningJobConfig;
    expect(config?.Strategy).toBe('Grid');
    expect(config?.ResourceLimits).toEqual({ MaxParallelTrainingJobs: 2 });
    expect(config).not.toHaveProperty('RandomSeed');
    expect(config?.ParameterRanges?.CategoricalParameterRanges).toEqual([
      { Name: 'model', Values: ['logistic', 'gbt'] },
    ]);
  });

  it.each([
    ['mlops', 'attrition'],
    ['mlops', LONG_PIPELINE],
    ['acme-prod', 'attrition'],
    ['acme-prod', LONG_PIPELINE],
    ['data-science', LONG_PIPELINE],
  ])('names the tuning job within 32 characters (project %s, pipeline %s)', async (project, pipeline) => {
    // Act
    const first = await tune({ env: { PROJECT: project }, pipeline, runId: '20260302T093000Z-3fa9c1' });
    const other = await tune({ env: { PROJECT: project }, pipeline, runId: '20260302T101500Z-77b0e2' });

    // Assess
    const name = first.request.HyperParameterTuningJobName as string;
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name).toMatch(AWS_NAME.tuningJob);
    expect(other.request.HyperParameterTuningJobName).not.toBe(name);
    const listed = first.mocks.sagemaker.commandCalls(ListHyperParameterTuningJobsCommand)[0]?.args[0].input
      .NameContains as string;
    expect(name.startsWith(listed)).toBe(true);
  });

  it('keeps the names earlier runs used when the project is short, so their jobs stay warm-start parents', async () => {
    // Act
    const short = await tune();
    const long = await tune({ pipeline: LONG_PIPELINE });

    // Assess
    expect(short.request.HyperParameterTuningJobName).toMatch(/^mlops-attrition-hpo-[0-9a-f]{8}$/);
    expect(long.request.HyperParameterTuningJobName).toMatch(/^mlops-employee-att-hpo-[0-9a-f]{8}$/);
  });

  it('refuses a project name too long for any tuning job name, before creating anything', async () => {
    // Prepare
    const t = testDeps({ env: { PROJECT: 'machine-learning-platform' } });
    const state = runState();
    serveRunConfig(t.mocks.s3, state, await sampleConfig());

    // Act
    const result = startTuning(state, t.deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    expect(t.mocks.sagemaker).not.toHaveReceivedCommand(CreateHyperParameterTuningJobCommand);
  });
});

describe('startTuning budget', () => {
  const budget = (stages: PipelineConfig['budget']['stages'], maxRunUsd = 10): PipelineConfig['budget'] => ({ maxRunUsd, stages });

  it('estimates tuning again with the prepared row counts and keeps that estimate in the run record', async () => {
    // Act
    const { mocks, state, config } = await tune({ trainRows: 700_000 });

    // Assess
    const record = JSON.parse(writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/${state.run.recordKey}`) ?? 'null');
    expect(record.cost.estimate).toEqual({ totalUsd: 0.1 });
    expect(record.cost.beforeTuning).toEqual(estimateRunCost(config, { rows: 1_000_000, trainRows: 700_000, scoreRows: 250 }));
    expect(record.cost.beforeTuning.basis.secondsPerTrial).toBe(120 + 84);
  });

  it('refuses to create the tuning job when tuning is over its stage budget, saying estimate, budget and the setting', async () => {
    // Prepare
    const { deps, mocks, state } = await preparedRun({ budget: budget({ tuning: 0.01 }) });

    // Act
    const result = startTuning(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(result).rejects.toThrow(/before tuning: the tuning stage is estimated at \$0\.0\d{3}, over budget\.stages\.tuning of \$0\.0100 \(1471 rows, 1029 to train on, 120 s per trial/);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateHyperParameterTuningJobCommand);
    const record = JSON.parse(writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/${state.run.recordKey}`) ?? 'null');
    expect(record.cost.beforeTuning.stages.tuning).toBeGreaterThan(0.01);
  });

  it('refuses when the data grew so much that the whole run is over budget.maxRunUsd', async () => {
    // Prepare
    const { deps, mocks, state } = await preparedRun({ budget: budget({}, 0.5), trainRows: 70_000_000 });

    // Act
    const result = startTuning(state, deps);

    // Assess
    await expect(result).rejects.toThrow(/the run is estimated at \$\d+\.\d+, over budget\.maxRunUsd of \$0\.5000/);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateHyperParameterTuningJobCommand);
  });

  it('creates the job when every stage is within its budget', async () => {
    // Act
    const { request } = await tune({ budget: budget({ tuning: 1, evaluation: 1, publishing: 1 }, 5) });

    // Assess
    expect(request.HyperParameterTuningJobName).toMatch(/^mlops-attrition-hpo-/);
  });
});
