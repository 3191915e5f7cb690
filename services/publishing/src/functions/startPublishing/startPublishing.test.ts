import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateModelCommand, CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { POLLING } from '@mlops/core';
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
import { ScoringDataError } from '../../lib/published';
import { startPublishing, type StartPublishingEvent } from './startPublishing';

const CANDIDATE_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-trainer@sha256:63dd53e6';
const MODEL_DATA =
  's3://mlops-dev-artifacts-123456789012-eu-west-1/runs/attrition/20260302T093000Z-3fa9c1/tuning/best/output/model.tar.gz';
const KMS = 'arn:aws:kms:eu-west-1:123456789012:key/0f3c2a9e-5b7d-4e1f-9a8b-6c4d2e0f1a3b';

async function publish(
  options: {
    pipeline?: string;
    image?: string | null;
    env?: Record<string, string | undefined>;
    runId?: string;
    /** `summary.json` as prepare wrote it. */
    summary?: { scoreRows: number; featureColumns: string[] };
    /** `score-problem.json`, when prepare found the scoring file unusable. */
    problem?: object;
  } = {},
) {
  const t = testDeps({ env: options.env });
  const base = runState({ pipeline: options.pipeline, runId: options.runId });
  const state: StartPublishingEvent = {
    ...base,
    scoring: {
      candidate: {
        modelDataUrl: MODEL_DATA,
        ...(options.image === null ? {} : { image: options.image ?? CANDIDATE_IMAGE }),
      },
    },
    evaluation: {
      decision: 'accept',
      evidenceKey: `runs/${base.pipeline}/${base.runId}/evaluation/evidence.json`,
      threshold: 0.4137,
      headline: { metric: 'roc_auc', candidate: 0.842, champion: 0.815 },
      reasons: [],
    },
    registration: {
      modelPackageGroupName: `mlops-${base.pipeline}`,
      modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-${base.pipeline}/4`,
      version: 4,
      approvalStatus: 'PendingManualApproval',
    },
  };
  const prepared = `s3://${ARTIFACTS}/runs/${base.pipeline}/${base.runId}/prepared/`;
  serveRunConfig(t.mocks.s3, state, await sampleConfig('attrition', options.pipeline), {
    [`${prepared}summary.json`]: options.summary ?? { scoreRows: 250, featureColumns: ['Age', 'OverTime', 'JobLevel', 'Department'] },
    ...(options.problem ? { [`${prepared}score-problem.json`]: options.problem } : {}),
  });
  const model = () => t.mocks.sagemaker.commandCalls(CreateModelCommand)[0]!.args[0].input;
  const transform = () => t.mocks.sagemaker.commandCalls(CreateTransformJobCommand)[0]!.args[0].input;
  return { ...t, state, model, transform };
}

describe('startPublishing', () => {
  it('creates the published model, then the batch transform that uses it', async () => {
    // Prepare
    const { deps, sent, state, model, transform } = await publish();

    // Act
    const ref = await startPublishing(state, deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'GetObjectCommand',
      'GetObjectCommand',
      'CreateModelCommand',
      'CreateTransformJobCommand',
    ]);
    expect(transform().ModelName).toBe(model().ModelName);
    expect(ref).toEqual({
      kind: 'transform',
      names: [transform().TransformJobName],
      status: 'InProgress',
      attempt: 0,
      waitSeconds: POLLING.transform.base,
      modelName: model().ModelName,
      outputPrefix: `runs/attrition/${state.runId}/publishing/transform/`,
    });
  });

  it('serves the scored candidate with its version, run, operating threshold and top contributions', async () => {
    // Prepare
    const { deps, state, model } = await publish();

    // Act
    await startPublishing(state, deps);

    // Assess
    expect(model()).toMatchObject({
      PrimaryContainer: {
        Image: CANDIDATE_IMAGE,
        ModelDataUrl: MODEL_DATA,
        Mode: 'SingleModel',
        Environment: { MODEL_VERSION: '4', RUN_ID: state.runId, OPERATING_THRESHOLD: '0.4137', TOP_K: '3' },
      },
      ExecutionRoleArn: TEST_ENV.SAGEMAKER_ROLE_ARN,
      EnableNetworkIsolation: true,
    });
  });

  it("uses the stage's image when scoring did not record one", async () => {
    // Prepare
    const { deps, state, model } = await publish({ image: null });

    // Act
    await startPublishing(state, deps);

    // Assess
    expect(model().PrimaryContainer?.Image).toBe(TRAINER_IMAGE);
  });

  it("scores the prepared scoring file into the run's staging prefix (never under predictions/), keyed by row", async () => {
    // Prepare
    const { deps, state, transform } = await publish();

    // Act
    await startPublishing(state, deps);

    // Assess
    expect(transform()).toMatchObject({
      TransformInput: {
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/prepared/transform/score/`,
          },
        },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: {
        S3OutputPath: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/publishing/transform/`,
        Accept: 'text/csv',
        AssembleWith: 'Line',
      },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      // key dropped before the model, joined back after; kept: key + probability, label, version, run + 3 contribution pairs
      DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-10:]' },
      Tags: [
        { Key: 'mlops:pipeline', Value: 'attrition' },
        { Key: 'mlops:run', Value: state.runId },
      ],
    });
  });

  it('encrypts the predictions and the transform volume with the project key when there is one', async () => {
    // Prepare
    const { deps, state, transform } = await publish({ env: { KMS_KEY_ARN: KMS } });

    // Act
    await startPublishing(state, deps);

    // Assess
    expect(transform().TransformOutput?.KmsKeyId).toBe(KMS);
    expect(transform().TransformResources?.VolumeKmsKeyId).toBe(KMS);
  });

  it.each(['attrition', LONG_PIPELINE])(
    'names the model and the job within SageMaker limits for pipeline %s, one pair per run',
    async (pipeline) => {
      // Prepare
      const first = await publish({ pipeline });
      const other = await publish({ pipeline, runId: '20260302T101500Z-77b0e2' });

      // Act
      await startPublishing(first.state, first.deps);
      await startPublishing(other.state, other.deps);

      // Assess
      const names = [first.model().ModelName, first.transform().TransformJobName];
      for (const name of names) {
        expect(name).toMatch(AWS_NAME.sagemaker);
        expect(name?.length).toBeLessThanOrEqual(63);
      }
      expect(other.model().ModelName).not.toBe(names[0]);
      expect(other.transform().TransformJobName).not.toBe(names[1]);
    },
  );
  it('keeps only the contribution pairs the container writes when K exceeds the features', async () => {
    // Prepare
    const { deps, state, transform } = await publish({ summary: { scoreRows: 3, featureColumns: ['Age', 'OverTime'] } });

    // Act
    await startPublishing(state, deps);

    // Assess: key + 4 fixed columns + 2 pairs (K = 3 in the config)
    expect(transform().DataProcessing?.OutputFilter).toBe('$[0,-8:]');
  });

  it('fails with a ScoringDataError naming the columns and the file when prepare found the scoring file unusable', async () => {
    // Prepare
    const scoreData = { bucket: 'mlops-dev-data', key: 'attrition/score/current.csv', versionId: 'v1', etag: '"e"' };
    const { deps, mocks, state } = await publish({
      problem: { file: 'current.csv', missingColumns: ['Age'], message: 'scoring file current.csv lacks required column Age' },
    });
    state.run.scoreData = scoreData as never;

    // Act
    const result = startPublishing(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ScoringDataError);
    await expect(result).rejects.toThrow(
      'scoring file current.csv lacks required column Age (s3://mlops-dev-data/attrition/score/current.csv): nothing published, `latest` unchanged',
    );
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateTransformJobCommand);
  });

  it('fails with a ScoringDataError when the scoring data holds no rows', async () => {
    const { deps, mocks, state } = await publish({ summary: { scoreRows: 0, featureColumns: ['Age'] } });
    await expect(startPublishing(state, deps)).rejects.toThrow('the scoring data (the dataset itself) holds no rows');
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
  });
});
