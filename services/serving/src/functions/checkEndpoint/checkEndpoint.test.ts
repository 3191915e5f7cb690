import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateEndpointCommand, DescribeEndpointCommand, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { ARTIFACTS, runState, serveObjects, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { checkEndpoint, type CheckEndpointEvent } from './checkEndpoint';
import type { EndpointState } from '../deployEndpoint/deployEndpoint';

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/3';

const PROFILE = { rows: 3000, columns: { age: { mean: 41.2 } } };

function setup(endpoint: Partial<EndpointState> = {}, published = false) {
  const t = testDeps();
  const base = runState({ pipeline: 'churn' });
  serveObjects(t.mocks.s3, {
    [`s3://${ARTIFACTS}/${base.run.recordKey}`]: { runId: base.runId, status: 'running' },
    [`s3://${ARTIFACTS}/runs/churn/${base.runId}/prepared/profile.json`]: PROFILE,
  });
  const state: CheckEndpointEvent = {
    ...base,
    endpoint: {
      endpointName: 'mlops-dev-churn',
      endpointConfigName: 'mlops-churn-epc-11111111',
      modelName: 'mlops-churn-model-22222222',
      action: 'update',
      previousConfigName: 'mlops-churn-epc-00000000',
      status: 'Deploying',
      attempt: 0,
      waitSeconds: 60,
      ...endpoint,
    },
    evaluation: { decision: 'accept', evidenceKey: 'e', threshold: 0.3125, headline: { metric: 'roc_auc', candidate: 0.84, champion: 0.83 }, reasons: [] },
    registration: { modelPackageGroupName: 'mlops-churn', modelPackageArn: PACKAGE, version: 3, approvalStatus: 'PendingManualApproval' },
    ...(published ? { published: { rows: 120 } } : {}),
  };
  return { ...t, state };
}

describe('checkEndpoint', () => {
  it('waits with a growing, bounded back-off while the update is in progress', async () => {
    const { deps, mocks, state } = setup({ attempt: 3 });
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Updating', EndpointConfigName: 'mlops-churn-epc-00000000' });
    const result = await checkEndpoint(state, deps);
    expect(result).toMatchObject({ status: 'Deploying', attempt: 4, waitSeconds: 300 });
  });

  it('InService on this run\'s config: writes the pointer and the run record, approves the package (endpoint mode)', async () => {
    const { deps, mocks, state } = setup();
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'mlops-churn-epc-11111111' });
    const result = await checkEndpoint(state, deps);
    expect(result).toMatchObject({ status: 'InService', waitSeconds: 0 });
    const written = writtenObjects(mocks.s3);
    const pointer = JSON.parse(written.get(`s3://${ARTIFACTS}/endpoints/churn/current.json`) as string);
    expect(pointer).toMatchObject({ endpointName: 'mlops-dev-churn', runId: state.runId, threshold: 0.3125, modelVersion: 3, configKey: state.run.configKey });
    const record = JSON.parse(written.get(`s3://${ARTIFACTS}/${state.run.recordKey}`) as string);
    expect(record).toMatchObject({ status: 'running', endpoint: { endpointName: 'mlops-dev-churn', action: 'update', previousConfigName: 'mlops-churn-epc-00000000' } });
    expect(mocks.sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, { ModelPackageArn: PACKAGE, ModelApprovalStatus: 'Approved' });
    // No FinalizePublish in endpoint mode: the published dataset becomes the drift baseline here.
    expect(JSON.parse(written.get(`s3://${ARTIFACTS}/datasets/churn/accepted/profile.json`) as string)).toEqual(PROFILE);
  });

  it('mode both: the batch path approved the package already', async () => {
    const { deps, mocks, state } = setup({}, true);
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'mlops-churn-epc-11111111' });
    await checkEndpoint(state, deps);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
    expect([...writtenObjects(mocks.s3).keys()].some((k) => k.includes('/datasets/'))).toBe(false);
  });

  it('a rolled-back update fails the run with the cause; nothing is recorded as deployed', async () => {
    const { deps, mocks, state } = setup();
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'InService',
      EndpointConfigName: 'mlops-churn-epc-00000000',
      FailureReason: 'Alarm mlops-dev-churn-5xx went into ALARM during the canary',
    });
    await expect(checkEndpoint(state, deps)).rejects.toMatchObject({
      name: 'EndpointDeploymentError',
      message: expect.stringMatching(/rolled back; mlops-churn-epc-00000000 keeps serving\. Reason: Alarm mlops-dev-churn-5xx/),
    });
    expect(writtenObjects(mocks.s3).size).toBe(0);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('a Failed endpoint fails the run with SageMaker\'s reason', async () => {
    const { deps, mocks, state } = setup({ action: 'create', previousConfigName: null });
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', FailureReason: 'The primary container did not pass the ping health check.' });
    await expect(checkEndpoint(state, deps)).rejects.toThrow(/is Failed: The primary container did not pass the ping health check/);
  });

  it('creates the endpoint again once a Failed one is deleted', async () => {
    const { deps, mocks, state } = setup({ action: 'recreate', previousConfigName: null });
    mocks.sagemaker
      .on(DescribeEndpointCommand)
      .rejects(Object.assign(new Error('Could not find endpoint "x".'), { name: 'ValidationException' }));
    const result = await checkEndpoint(state, deps);
    expect(result).toMatchObject({ action: 'create', status: 'Deploying' });
    expect(mocks.sagemaker).toHaveReceivedCommandWith(CreateEndpointCommand, { EndpointName: 'mlops-dev-churn', EndpointConfigName: 'mlops-churn-epc-11111111' });
  });
});
