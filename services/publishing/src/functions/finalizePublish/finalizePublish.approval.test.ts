import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { InputError } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps } from '@mlops/lambda-kit/testing';
import { finalizePublish, type FinalizePublishEvent } from './finalizePublish';

// The manual approval path: a pipeline whose config asks for a person's approval publishes only what was approved.

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4';

async function finalize(options: { manualApproval: boolean; approval?: FinalizePublishEvent['approval'] }) {
  const t = testDeps();
  const base = runState();
  const prefix = `predictions/pipeline=attrition/run=${base.runId}/`;
  const state: FinalizePublishEvent = {
    ...base,
    registration: {
      modelPackageGroupName: 'mlops-attrition',
      modelPackageArn: PACKAGE,
      version: 4,
      approvalStatus: 'PendingManualApproval',
    },
    publishing: { outputPrefix: prefix, modelName: 'mlops-attrition-model-1c2d3e4f' },
    ...(options.approval ? { approval: options.approval } : {}),
  };
  const config = await sampleConfig();
  serveRunConfig(
    t.mocks.s3,
    state,
    { ...config, evaluation: { ...config.evaluation, manualApproval: options.manualApproval } },
    {
      [`s3://${ARTIFACTS}/runs/attrition/${base.runId}/prepared/summary.json`]: { scoreRows: 1, featureColumns: ['OverTime'] },
      [`s3://${ARTIFACTS}/${prefix}score.csv.out`]: '1001,0.73,1,4,r,OverTime,0.8\n',
    },
  );
  t.mocks.s3
    .on(ListObjectsV2Command)
    .resolves({ Contents: [{ Key: `${prefix}score.csv.out`, Size: 30 }], IsTruncated: false });
  return { ...t, state };
}

describe('finalizePublish with manual approval', () => {
  it.each([
    ['no decision', undefined],
    ['a decision that is not an approval', { decision: 'reject', decidedBy: 'jane' }],
  ])('publishes and approves nothing when approval is required and there is %s', async (_, approval) => {
    // Prepare
    const { deps, mocks, state } = await finalize({ manualApproval: true, approval });

    // Act
    const result = finalizePublish(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InputError);
    await expect(result).rejects.toThrow(/needs a person's approval/);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('approves the package after switching `latest` once a person approved, naming who', async () => {
    // Prepare
    const { deps, mocks, state } = await finalize({
      manualApproval: true,
      approval: { decision: 'approve', decidedBy: 'jane' },
    });

    // Act
    await finalizePublish(state, deps);

    // Assess
    expect(mocks.s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'predictions/pipeline=attrition/latest.json' });
    expect(mocks.sagemaker).toHaveReceivedCommandExactlyOnceWith(UpdateModelPackageCommand, {
      ModelPackageArn: PACKAGE,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: `published by run ${state.runId}, approved by jane`,
    });
  });

  it('needs no decision when the pipeline does not ask for one', async () => {
    // Prepare
    const { deps, mocks, state } = await finalize({ manualApproval: false });

    // Act
    await finalizePublish(state, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, { ModelApprovalStatus: 'Approved' });
  });
});
