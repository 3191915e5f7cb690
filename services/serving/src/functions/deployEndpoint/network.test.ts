import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { loadServiceModel, validateRequest } from '@mlops/aws-model-check';
import { runState, sampleConfig, serveRunConfig, testDeps } from '@mlops/lambda-kit/testing';
import { deployEndpoint, type DeployEndpointEvent } from './deployEndpoint';

// The model an endpoint-only pipeline serves: its containers' isolation from the pipeline config, its VPC and the
// endpoint's storage key from the stage's environment, checked against SageMaker's CreateModel model.

const VPC = { JOB_SUBNET_IDS: 'subnet-0a1b2c3d', JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' };
const KMS = 'alias/mlops-prod';
const MODEL_DATA = 's3://mlops-dev-artifacts-123456789012-eu-west-1/runs/churn/20260302T093000Z-3fa9c1/tuning/best/output/model.tar.gz';
const notFound = Object.assign(new Error('Could not find endpoint "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/mlops-dev-churn".'), { name: 'ValidationException' });
const sagemaker = loadServiceModel('sagemaker');

async function deploy(options: { env?: Record<string, string | undefined>; networkIsolation?: boolean } = {}) {
  const t = testDeps({ env: options.env });
  const base = runState({ pipeline: 'churn' });
  const config = await sampleConfig('churn');
  serveRunConfig(t.mocks.s3, base, {
    ...config,
    container: { ...config.container, networkIsolation: options.networkIsolation ?? true },
    publish: { ...config.publish, mode: 'endpoint' },
    evaluation: { ...config.evaluation, manualApproval: false },
  });
  const state: DeployEndpointEvent = {
    ...base,
    scoring: { candidate: { modelDataUrl: MODEL_DATA } },
    evaluation: { decision: 'accept', evidenceKey: 'e', threshold: 0.3125, headline: { metric: 'roc_auc', candidate: 0.84, champion: null }, reasons: [] },
    registration: { modelPackageGroupName: 'mlops-churn', modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/3', version: 3, approvalStatus: 'PendingManualApproval' },
  };
  t.mocks.sagemaker.on(CreateModelCommand).resolves({});
  t.mocks.sagemaker.on(CreateEndpointConfigCommand).resolves({});
  t.mocks.sagemaker.on(DescribeEndpointCommand).rejects(notFound);
  t.mocks.sagemaker.on(CreateEndpointCommand).resolves({ EndpointArn: 'arn' });
  await deployEndpoint(state, t.deps);
  const model = t.mocks.sagemaker.commandCalls(CreateModelCommand).map((c) => c.args[0].input);
  const endpointConfig = t.mocks.sagemaker.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input);
  expect(model).toHaveLength(1);
  expect(endpointConfig).toHaveLength(1);
  expect(validateRequest(sagemaker, 'CreateModel', model[0])).toEqual([]);
  expect(validateRequest(sagemaker, 'CreateEndpointConfig', endpointConfig[0])).toEqual([]);
  return { model: model[0]!, endpointConfig: endpointConfig[0]! };
}

describe('deployEndpoint network and encryption', () => {
  it('isolates the served model, outside any VPC, on a default stage', async () => {
    // Act
    const { model, endpointConfig } = await deploy();

    // Assess
    expect(model.EnableNetworkIsolation).toBe(true);
    expect(model).not.toHaveProperty('VpcConfig');
    expect(endpointConfig).not.toHaveProperty('KmsKeyId');
  });

  it('gives the served model network access when the pipeline sets container.networkIsolation: false', async () => {
    // Act
    const { model } = await deploy({ networkIsolation: false });

    // Assess
    expect(model.EnableNetworkIsolation).toBe(false);
  });

  it("puts the served model in the stage's VPC and the endpoint's storage under its key", async () => {
    // Act
    const { model, endpointConfig } = await deploy({ env: { ...VPC, KMS_KEY_ARN: KMS } });

    // Assess
    expect(model.VpcConfig).toEqual({ Subnets: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0123abcd'] });
    expect(model.EnableNetworkIsolation).toBe(true);
    expect(endpointConfig.KmsKeyId).toBe(KMS);
  });
});
