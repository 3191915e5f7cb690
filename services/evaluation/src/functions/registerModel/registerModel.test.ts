import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageGroupCommand,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { RegistrationStateSchema } from '@mlops/core';
import {
  ARTIFACTS,
  AWS_NAME,
  LONG_PIPELINE,
  runState,
  sampleConfig,
  serveRunConfig,
  testDeps,
  TRAINER_IMAGE,
} from '@mlops/lambda-kit/testing';
import { registerModel, type RegisterModelEvent } from './registerModel';

const CANDIDATE_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-trainer@sha256:63dd53e6';
const MODEL_DATA =
  's3://mlops-dev-artifacts-123456789012-eu-west-1/runs/attrition/20260302T093000Z-3fa9c1/tuning/best/output/model.tar.gz';

const sageMakerError = (name: string, message: string) =>
  new SageMakerServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });

async function register(
  options: {
    decision?: 'accept' | 'reject';
    groupExists?: boolean;
    pipeline?: string;
    image?: string | null;
    manualApproval?: boolean;
  } = {},
) {
  const t = testDeps();
  const base = runState({ pipeline: options.pipeline });
  const pipeline = base.pipeline;
  const decision = options.decision ?? 'accept';
  const state: RegisterModelEvent = {
    ...base,
    scoring: {
      kind: 'transform',
      names: ['mlops-attrition-cand-score-db2e28f8'],
      status: 'Completed',
      attempt: 4,
      waitSeconds: 0,
      candidate: {
        trainingJobName: 'mlops-attrition-hpo-63dd53e6-006-5d1e0a7c',
        modelDataUrl: MODEL_DATA,
        hyperparameters: { l2: '0.31' },
        objective: 0.84,
        ...(options.image === null ? {} : { image: options.image ?? CANDIDATE_IMAGE }),
      },
      champion: null,
      outputs: { candidate: `runs/${pipeline}/${base.runId}/scoring/candidate/`, champion: null },
    },
    evaluation: {
      decision,
      evidenceKey: `runs/${pipeline}/${base.runId}/evaluation/evidence.json`,
      threshold: 0.4137,
      headline: { metric: 'roc_auc', candidate: 0.84213, champion: null },
      reasons: [],
    },
  };
  const config = await sampleConfig('attrition', options.pipeline);
  const manualApproval = options.manualApproval ?? config.evaluation.manualApproval;
  serveRunConfig(t.mocks.s3, state, { ...config, evaluation: { ...config.evaluation, manualApproval } });
  if (options.groupExists) {
    t.mocks.sagemaker.on(DescribeModelPackageGroupCommand).resolves({ ModelPackageGroupName: `mlops-${pipeline}` });
  } else {
    t.mocks.sagemaker
      .on(DescribeModelPackageGroupCommand)
      .rejects(sageMakerError('ValidationException', `ModelPackageGroup mlops-${pipeline} does not exist.`));
  }
  t.mocks.sagemaker.on(CreateModelPackageCommand).callsFake((input: { ModelPackageGroupName: string }) => ({
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${input.ModelPackageGroupName}/4`,
  }));
  const created = () => t.mocks.sagemaker.commandCalls(CreateModelPackageCommand)[0]!.args[0].input;
  return { ...t, state, created };
}

describe('registerModel', () => {
  it("creates the pipeline's model package group when it is missing, then registers the candidate", async () => {
    // Prepare
    const { deps, sent, mocks, state } = await register();

    // Act
    await registerModel(state, deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'DescribeModelPackageGroupCommand',
      'CreateModelPackageGroupCommand',
      'CreateModelPackageCommand',
    ]);
    expect(mocks.sagemaker).toHaveReceivedCommandWith(CreateModelPackageGroupCommand, {
      ModelPackageGroupName: 'mlops-attrition',
      Tags: [{ Key: 'mlops:pipeline', Value: 'attrition' }],
    });
  });

  it('goes on when a concurrent first run created the group between Describe and Create', async () => {
    // Prepare
    const { deps, mocks, state } = await register();
    const raced = Object.assign(new Error('Model Package Group already exists: arn:aws:sagemaker:eu-west-1:1:model-package-group/mlops-attrition'), {
      name: 'ValidationException',
    });
    mocks.sagemaker.on(CreateModelPackageGroupCommand).rejects(raced);

    // Act
    await registerModel(state, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(CreateModelPackageCommand);
  });

  it('registers into an existing group without recreating it', async () => {
    // Prepare
    const { deps, mocks, state } = await register({ groupExists: true });

    // Act
    await registerModel(state, deps);

    // Assess
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(CreateModelPackageCommand);
  });

  it('registers an accepted candidate PendingManualApproval: publishing approves it once done', async () => {
    // Prepare
    const { deps, state, created } = await register({ decision: 'accept' });

    // Act
    const result = await registerModel(state, deps);

    // Assess
    expect(created().ModelApprovalStatus).toBe('PendingManualApproval');
    expect(RegistrationStateSchema.parse(result)).toEqual({
      modelPackageGroupName: 'mlops-attrition',
      modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4',
      version: 4,
      approvalStatus: 'PendingManualApproval',
    });
  });

  it.each([
    ['accept', true, true],
    ['accept', false, false],
    ['reject', true, false],
  ] as const)(
    'asks the state machine to wait for a person only for an accepted candidate of a pipeline that wants it (%s, manualApproval %s)',
    async (decision, manualApproval, expected) => {
      // Prepare
      const { deps, state } = await register({ decision, manualApproval });

      // Act
      const result = await registerModel(state, deps);

      // Assess
      expect(result.approvalRequired).toBe(expected);
    },
  );

  it('registers a rejected candidate Rejected, so it can never become the champion', async () => {
    // Prepare
    const { deps, state, created } = await register({ decision: 'reject' });

    // Act
    const result = await registerModel(state, deps);

    // Assess
    expect(created().ModelApprovalStatus).toBe('Rejected');
    expect(result.approvalStatus).toBe('Rejected');
  });

  it('records the model, its evidence and its lineage with the package, idempotently per run', async () => {
    // Prepare
    const { deps, state, created } = await register();

    // Act
    await registerModel(state, deps);

    // Assess
    expect(created()).toMatchObject({
      ModelPackageGroupName: 'mlops-attrition',
      ModelPackageDescription: `run ${state.runId}: accept (roc_auc 0.8421)`,
      InferenceSpecification: {
        Containers: [{ Image: CANDIDATE_IMAGE, ModelDataUrl: MODEL_DATA }],
        SupportedContentTypes: ['text/csv', 'application/json'],
        SupportedTransformInstanceTypes: ['ml.m5.large'],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/evaluation/evidence.json`,
          },
        },
      },
      CustomerMetadataProperties: {
        runId: state.runId,
        trainingJobName: 'mlops-attrition-hpo-63dd53e6-006-5d1e0a7c',
        threshold: '0.4137',
        roc_auc: '0.84213',
        decision: 'accept',
        runRecord: `runs/attrition/${state.runId}/record.json`,
      },
      ClientToken: state.runId,
    });
  });

  it("falls back to the stage's image when scoring did not say which one served the candidate", async () => {
    // Prepare
    const { deps, state, created } = await register({ image: null });

    // Act
    await registerModel(state, deps);

    // Assess
    expect(created().InferenceSpecification?.Containers?.[0]?.Image).toBe(TRAINER_IMAGE);
  });

  it('stops on any other registry error, registering nothing', async () => {
    // Prepare
    const { deps, mocks, state } = await register();
    mocks.sagemaker
      .on(DescribeModelPackageGroupCommand)
      .rejects(sageMakerError('AccessDeniedException', 'not authorized'));

    // Act
    const result = registerModel(state, deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  it('names the group within SageMaker limits for a 31-character pipeline name', async () => {
    // Prepare
    const { deps, state, created } = await register({ pipeline: LONG_PIPELINE });

    // Act
    const result = await registerModel(state, deps);

    // Assess
    expect(result.modelPackageGroupName).toBe(`mlops-${LONG_PIPELINE}`);
    expect(result.modelPackageGroupName).toMatch(AWS_NAME.sagemaker);
    expect(created().ModelPackageGroupName).toBe(result.modelPackageGroupName);
  });
});
