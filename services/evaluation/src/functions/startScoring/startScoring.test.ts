import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  CreateModelCommand,
  CreateTransformJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelPackageCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
  type DescribeHyperParameterTuningJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { InputError, POLLING } from '@mlops/core';
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
} from '@mlops/lambda-kit/testing';
import { modelPackageGroupName, startScoring, type StartScoringEvent } from './startScoring';

const HPO = 'mlops-attrition-hpo-63dd53e6';
const BEST = `${HPO}-006-5d1e0a7c`;
const CHAMPION_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/3';
const CHAMPION_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-trainer@sha256:5d1e0a7c';

function bestJob(name: string | undefined) {
  return {
    HyperParameterTuningJobName: HPO,
    HyperParameterTuningJobStatus: 'Completed',
    BestTrainingJob: name
      ? {
          TrainingJobName: name,
          TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${name}`,
          CreationTime: new Date('2026-03-02T10:00:00Z'),
          TrainingJobStatus: 'Completed',
          TunedHyperParameters: { l2: '0.31' },
          FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.842 },
        }
      : undefined,
  } as DescribeHyperParameterTuningJobCommandOutput;
}

async function score(options: { pipeline?: string; champion?: boolean; best?: string | null } = {}) {
  const t = testDeps();
  const state: StartScoringEvent = {
    ...runState({ pipeline: options.pipeline }),
    tuning: { kind: 'tuning', names: [HPO], status: 'Completed', attempt: 9, waitSeconds: 0 },
  };
  serveRunConfig(t.mocks.s3, state, await sampleConfig('attrition', options.pipeline));
  t.mocks.sagemaker
    .on(DescribeHyperParameterTuningJobCommand)
    .resolves(bestJob(options.best === null ? undefined : (options.best ?? BEST)));
  t.mocks.sagemaker.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: BEST,
    ModelArtifacts: {
      S3ModelArtifacts: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/tuning/${BEST}/output/model.tar.gz`,
    },
    HyperParameters: { l2: '0.31', model: 'logistic', seed: '42' },
  });
  t.mocks.sagemaker.on(ListModelPackagesCommand).resolves({
    ModelPackageSummaryList: options.champion
      ? [{ ModelPackageArn: CHAMPION_ARN, ModelPackageStatus: 'Completed', CreationTime: new Date() }]
      : [],
  });
  t.mocks.sagemaker.on(DescribeModelPackageCommand).resolves({
    ModelPackageArn: CHAMPION_ARN,
    ModelPackageVersion: 3,
    InferenceSpecification: {
      Containers: [
        {
          Image: CHAMPION_IMAGE,
          ModelDataUrl: `s3://${ARTIFACTS}/runs/attrition/20260201T080000Z-0b9f33/model.tar.gz`,
        },
      ],
    },
  });
  return { ...t, state };
}

const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((c) => c.args[0].input);

describe('startScoring', () => {
  it('finds the best trial and the champion, then creates a model and a batch transform for each', async () => {
    // Prepare
    const { deps, sent, state } = await score({ champion: true });

    // Act
    await startScoring(state, deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'DescribeHyperParameterTuningJobCommand',
      'DescribeTrainingJobCommand',
      'ListModelPackagesCommand',
      'DescribeModelPackageCommand',
      'CreateModelCommand',
      'CreateTransformJobCommand',
      'CreateModelCommand',
      'CreateTransformJobCommand',
    ]);
  });

  it('takes the champion from the newest approved package of the pipeline group', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: true });

    // Act
    await startScoring(state, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandWith(ListModelPackagesCommand, {
      ModelPackageGroupName: 'mlops-attrition',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    });
    expect(mocks.sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: CHAMPION_ARN });
  });

  it("serves the candidate with the run's image and the champion with its own, both isolated", async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: true });

    // Act
    await startScoring(state, deps);

    // Assess
    const [candidate, champion] = inputs(mocks.sagemaker.commandCalls(CreateModelCommand));
    expect(candidate?.PrimaryContainer).toMatchObject({
      Image: TRAINER_IMAGE,
      ModelDataUrl: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/tuning/${BEST}/output/model.tar.gz`,
      Environment: { MODEL_VERSION: 'candidate', RUN_ID: state.runId, OPERATING_THRESHOLD: '0.5', TOP_K: '0' },
    });
    expect(champion?.PrimaryContainer).toMatchObject({
      Image: CHAMPION_IMAGE,
      Environment: expect.objectContaining({ MODEL_VERSION: '3' }),
    });
    for (const model of [candidate, champion]) {
      expect(model?.ExecutionRoleArn).toBe(TEST_ENV.SAGEMAKER_ROLE_ARN);
      expect(model?.EnableNetworkIsolation).toBe(true);
    }
  });

  it('scores the same prepared eval files for both, keeping the row key out of the model input and joining it back', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: true });

    // Act
    await startScoring(state, deps);

    // Assess
    const models = inputs(mocks.sagemaker.commandCalls(CreateModelCommand)).map((m) => m.ModelName);
    const transforms = inputs(mocks.sagemaker.commandCalls(CreateTransformJobCommand));
    const run = `s3://${ARTIFACTS}/runs/attrition/${state.runId}`;
    expect(
      transforms.map((t) => [
        t.ModelName,
        t.TransformInput?.DataSource?.S3DataSource?.S3Uri,
        t.TransformOutput?.S3OutputPath,
      ]),
    ).toEqual([
      [models[0], `${run}/prepared/transform/eval/`, `${run}/scoring/candidate/`],
      [models[1], `${run}/prepared/transform/eval/`, `${run}/scoring/champion/`],
    ]);
    for (const transform of transforms) {
      expect(transform.DataProcessing).toEqual({ InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-4:]' });
      expect(transform.TransformInput).toMatchObject({ ContentType: 'text/csv', SplitType: 'Line' });
      expect(transform.TransformOutput).toMatchObject({ Accept: 'text/csv', AssembleWith: 'Line' });
      expect(transform.TransformResources).toMatchObject({ InstanceType: 'ml.m5.large', InstanceCount: 1 });
    }
  });

  it('hands the jobs, the candidate and the champion to the next state', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: true });

    // Act
    const ref = await startScoring(state, deps);

    // Assess
    const transforms = inputs(mocks.sagemaker.commandCalls(CreateTransformJobCommand));
    const models = inputs(mocks.sagemaker.commandCalls(CreateModelCommand));
    expect(ref).toEqual({
      kind: 'transform',
      names: transforms.map((t) => t.TransformJobName),
      status: 'InProgress',
      attempt: 0,
      waitSeconds: POLLING.transform.base,
      candidate: {
        trainingJobName: BEST,
        modelDataUrl: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/tuning/${BEST}/output/model.tar.gz`,
        hyperparameters: { l2: '0.31', model: 'logistic', seed: '42' },
        objective: 0.842,
        modelName: models[0]?.ModelName,
        image: TRAINER_IMAGE,
      },
      champion: {
        modelPackageArn: CHAMPION_ARN,
        version: 3,
        image: CHAMPION_IMAGE,
        modelDataUrl: expect.stringMatching(/model\.tar\.gz$/),
        modelName: models[1]?.ModelName,
      },
      outputs: {
        candidate: `runs/attrition/${state.runId}/scoring/candidate/`,
        champion: `runs/attrition/${state.runId}/scoring/champion/`,
      },
    });
  });

  it('scores only the candidate when the pipeline has no approved model yet', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: false });

    // Act
    const ref = await startScoring(state, deps);

    // Assess
    expect(mocks.sagemaker).not.toHaveReceivedCommand(DescribeModelPackageCommand);
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(CreateTransformJobCommand);
    expect(ref.names).toHaveLength(1);
    expect(ref.champion).toBeNull();
    expect(ref.outputs.champion).toBeNull();
  });

  it('stops with InputError when the tuning job has no best trial, creating nothing', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ best: null });

    // Act
    const result = startScoring(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InputError);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
  });

  it('stops with InputError when the champion package has no inference container', async () => {
    // Prepare
    const { deps, mocks, state } = await score({ champion: true });
    mocks.sagemaker.on(DescribeModelPackageCommand).resolves({ ModelPackageArn: CHAMPION_ARN, ModelPackageVersion: 3 });

    // Act
    const result = startScoring(state, deps);

    // Assess
    await expect(result).rejects.toThrow(InputError);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateTransformJobCommand);
  });

  it.each(['attrition', LONG_PIPELINE])(
    'keeps every model, job and group name within SageMaker limits for pipeline %s',
    async (pipeline) => {
      // Prepare
      const { deps, mocks, state } = await score({ pipeline, champion: true });

      // Act
      await startScoring(state, deps);

      // Assess
      const names = [
        ...inputs(mocks.sagemaker.commandCalls(CreateModelCommand)).map((m) => m.ModelName),
        ...inputs(mocks.sagemaker.commandCalls(CreateTransformJobCommand)).map((t) => t.TransformJobName),
        mocks.sagemaker.commandCalls(ListModelPackagesCommand)[0]?.args[0].input.ModelPackageGroupName,
      ];
      expect(new Set(names).size).toBe(5);
      for (const name of names) {
        expect(name).toMatch(AWS_NAME.sagemaker);
        expect(name?.length).toBeLessThanOrEqual(63);
      }
      expect(modelPackageGroupName('mlops', pipeline)).toBe(`mlops-${pipeline}`);
    },
  );
});
