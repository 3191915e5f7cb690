import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { AWS_NAME, LONG_PIPELINE, runState, sampleConfig, serveRunConfig, testDeps, TEST_ENV } from '@mlops/lambda-kit/testing';
import { deployEndpoint, type DeployEndpointEvent } from './deployEndpoint';

const MODEL_DATA = 's3://mlops-dev-artifacts-123456789012-eu-west-1/runs/churn/20260302T093000Z-3fa9c1/tuning/best/output/model.tar.gz';
const notFound = Object.assign(new Error('Could not find endpoint "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/mlops-dev-churn".'), { name: 'ValidationException' });

async function setup(options: { pipeline?: string; mode?: 'batch' | 'endpoint' | 'both'; traffic?: object; publishing?: boolean; manualApproval?: boolean } = {}) {
  const t = testDeps();
  const base = runState({ pipeline: options.pipeline ?? 'churn' });
  const config = await sampleConfig('churn', base.pipeline);
  const publish = { ...config.publish, mode: options.mode ?? 'both', endpoint: { ...config.publish.endpoint, traffic: { ...config.publish.endpoint.traffic, ...options.traffic } } };
  serveRunConfig(t.mocks.s3, base, { ...config, publish, evaluation: { ...config.evaluation, manualApproval: options.manualApproval ?? false } });
  const state: DeployEndpointEvent = {
    ...base,
    scoring: { candidate: { modelDataUrl: MODEL_DATA } },
    evaluation: { decision: 'accept', evidenceKey: 'e', threshold: 0.3125, headline: { metric: 'roc_auc', candidate: 0.84, champion: null }, reasons: [] },
    registration: { modelPackageGroupName: 'mlops-churn', modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/3', version: 3, approvalStatus: 'PendingManualApproval' },
    ...(options.publishing === false ? {} : { publishing: { modelName: 'mlops-churn-model-1a2b3c4d' } }),
  };
  t.mocks.sagemaker.on(CreateEndpointConfigCommand).resolves({});
  return { ...t, state };
}

describe('deployEndpoint', () => {
  it('creates the endpoint on the first acceptance, reusing the batch model (mode both)', async () => {
    const { deps, mocks, state } = await setup();
    mocks.sagemaker.on(DescribeEndpointCommand).rejects(notFound);
    mocks.sagemaker.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });

    const result = await deployEndpoint(state, deps);

    expect(result).toMatchObject({ endpointName: 'mlops-dev-churn', action: 'create', previousConfigName: null, status: 'Deploying', attempt: 0, waitSeconds: 60 });
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
    expect(mocks.sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      EndpointConfigName: result.endpointConfigName,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'mlops-churn-model-1a2b3c4d', InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
    });
    expect(mocks.sagemaker).toHaveReceivedCommandWith(CreateEndpointCommand, { EndpointName: 'mlops-dev-churn', EndpointConfigName: result.endpointConfigName });
    expect(result.endpointConfigName).toMatch(AWS_NAME.sagemaker);
  });

  it('updates an InService endpoint blue/green: canary size and bake from the config, rollback on both alarms', async () => {
    const { deps, mocks, state } = await setup({ traffic: { type: 'canary', stepPercent: 20, waitSeconds: 120, terminationWaitSeconds: 60 } });
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'mlops-dev-churn', EndpointStatus: 'InService', EndpointConfigName: 'mlops-churn-epc-00000000' });
    mocks.sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: 'arn' });

    const result = await deployEndpoint(state, deps);

    expect(result).toMatchObject({ action: 'update', previousConfigName: 'mlops-churn-epc-00000000' });
    expect(mocks.sagemaker).toHaveReceivedCommandWith(UpdateEndpointCommand, {
      EndpointName: 'mlops-dev-churn',
      EndpointConfigName: result.endpointConfigName,
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 120, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 20 } },
          TerminationWaitInSeconds: 60,
          MaximumExecutionTimeoutInSeconds: 900,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'mlops-dev-churn-5xx' }, { AlarmName: 'mlops-dev-churn-model-latency' }] },
      },
    });
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateEndpointCommand);
  });

  it.each([
    ['linear', { Type: 'LINEAR', WaitIntervalInSeconds: 300, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 } }],
    ['all-at-once', { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 }],
  ])('maps traffic type %s to the API routing', async (type, routing) => {
    const { deps, mocks, state } = await setup({ traffic: { type, stepPercent: 25 } });
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'old' });
    await deployEndpoint(state, deps);
    const sent = mocks.sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input;
    expect(sent?.DeploymentConfig?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration).toEqual(routing);
  });

  it('endpoint mode: creates the model itself with the operating threshold in its environment', async () => {
    const { deps, mocks, state } = await setup({ mode: 'endpoint', publishing: false });
    mocks.sagemaker.on(DescribeEndpointCommand).rejects(notFound);
    mocks.sagemaker.on(CreateModelCommand).resolves({});
    const result = await deployEndpoint(state, deps);
    const model = mocks.sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input;
    expect(model?.ModelName).toBe(result.modelName);
    expect(model?.ExecutionRoleArn).toBe(TEST_ENV.SAGEMAKER_ROLE_ARN);
    expect(model?.PrimaryContainer?.Environment).toMatchObject({ OPERATING_THRESHOLD: '0.3125', MODEL_VERSION: '3' });
  });

  it('deletes a Failed endpoint (the only operation it allows) to create it again', async () => {
    const { deps, mocks, state } = await setup();
    mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', EndpointConfigName: 'old', FailureReason: 'boom' });
    const result = await deployEndpoint(state, deps);
    expect(result.action).toBe('recreate');
    expect(mocks.sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'mlops-dev-churn' });
  });

  it('refuses to start while another deployment is in progress, and never deploys in batch mode', async () => {
    const busy = await setup();
    busy.mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Updating', EndpointConfigName: 'old' });
    await expect(deployEndpoint(busy.state, busy.deps)).rejects.toMatchObject({ name: 'EndpointDeploymentError', message: expect.stringMatching(/Updating/) });
    const batch = await setup({ mode: 'batch' });
    await expect(deployEndpoint(batch.state, batch.deps)).rejects.toMatchObject({ name: 'InputError' });
  });

  it('never deploys a candidate that waits for a person\'s approval it does not have', async () => {
    const { deps, mocks, state } = await setup({ manualApproval: true });
    await expect(deployEndpoint(state, deps)).rejects.toThrow(/needs a person's approval/);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateEndpointConfigCommand);
    mocks.sagemaker.on(DescribeEndpointCommand).rejects(notFound);
    await expect(deployEndpoint({ ...state, approval: { decision: 'approve' } }, deps)).resolves.toMatchObject({ action: 'create' });
  });

  it('keeps the endpoint name within 63 characters for the longest pipeline name', async () => {
    const { deps, mocks, state } = await setup({ pipeline: LONG_PIPELINE });
    mocks.sagemaker.on(DescribeEndpointCommand).rejects(notFound);
    const result = await deployEndpoint(state, deps);
    expect(result.endpointName).toBe(`mlops-dev-${LONG_PIPELINE}`);
    expect(result.endpointName).toMatch(AWS_NAME.sagemaker);
  });
});
