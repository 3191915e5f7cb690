import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateHyperParameterTuningJobCommand, ListHyperParameterTuningJobsCommand } from '@aws-sdk/client-sagemaker';
import { extendModel, loadServiceModel, NEWER_API_MEMBERS, validateRequest } from '@mlops/aws-model-check';
import { ConfigError } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps } from '@mlops/lambda-kit/testing';
import { startTuning } from './startTuning';

// The training jobs' network and encryption settings (TrainingJobDefinition): isolation from the pipeline config,
// VPC and KMS key from the stage's environment, each checked against SageMaker's CreateHyperParameterTuningJob model.

const VPC = { JOB_SUBNET_IDS: 'subnet-0a1b2c3d,subnet-4e5f6a7b', JOB_SECURITY_GROUP_IDS: 'sg-0123abcd,sg-4567ef01' };
const KMS = 'alias/mlops-prod';
const sagemaker = extendModel(loadServiceModel('sagemaker'), NEWER_API_MEMBERS.sagemaker ?? {});

/** A prepared run (its summary and record served) whose config has `networkIsolation`. */
async function preparedRun(options: { env?: Record<string, string | undefined>; networkIsolation?: boolean } = {}) {
  const t = testDeps({ env: options.env });
  const state = runState();
  const config = await sampleConfig('attrition');
  serveRunConfig(t.mocks.s3, state, { ...config, container: { ...config.container, networkIsolation: options.networkIsolation ?? true } }, {
    [`s3://${ARTIFACTS}/${state.run.runPrefix}prepared/summary.json`]: { rows: { train: 1029, validation: 221, test: 221 }, scoreRows: 250 },
    [`s3://${ARTIFACTS}/${state.run.recordKey}`]: { runId: state.runId, status: 'running' },
  });
  t.mocks.sagemaker.on(ListHyperParameterTuningJobsCommand).resolves({ HyperParameterTuningJobSummaries: [] });
  t.mocks.sagemaker.on(CreateHyperParameterTuningJobCommand).resolves({ HyperParameterTuningJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:hyper-parameter-tuning-job/x' });
  return { ...t, state };
}

async function trainingDefinition(options: Parameters<typeof preparedRun>[0] = {}) {
  const { deps, mocks, state } = await preparedRun(options);
  await startTuning(state, deps);
  const calls = mocks.sagemaker.commandCalls(CreateHyperParameterTuningJobCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  expect(validateRequest(sagemaker, 'CreateHyperParameterTuningJob', input)).toEqual([]);
  return input.TrainingJobDefinition;
}

describe('startTuning network and encryption', () => {
  it('isolates the training jobs, outside any VPC and with no KMS key, on a default stage', async () => {
    // Act
    const definition = await trainingDefinition();

    // Assess
    expect(definition?.EnableNetworkIsolation).toBe(true);
    expect(definition?.EnableInterContainerTrafficEncryption).toBe(true);
    expect(definition).not.toHaveProperty('VpcConfig');
    expect(definition?.OutputDataConfig?.KmsKeyId).toBeUndefined();
    expect(definition?.ResourceConfig?.VolumeKmsKeyId).toBeUndefined();
  });

  it('gives the training jobs network access when the pipeline sets container.networkIsolation: false', async () => {
    // Act
    const definition = await trainingDefinition({ networkIsolation: false });

    // Assess
    expect(definition?.EnableNetworkIsolation).toBe(false);
  });

  it("runs the training jobs in the stage's subnets and security groups, and encrypts with its key", async () => {
    // Act
    const definition = await trainingDefinition({ env: { ...VPC, KMS_KEY_ARN: KMS } });

    // Assess
    expect(definition?.VpcConfig).toEqual({ Subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroupIds: ['sg-0123abcd', 'sg-4567ef01'] });
    expect(definition?.EnableNetworkIsolation).toBe(true);
    expect(definition?.OutputDataConfig?.KmsKeyId).toBe(KMS);
    expect(definition?.ResourceConfig?.VolumeKmsKeyId).toBe(KMS);
  });

  it('starts no tuning job when only the security groups are set', async () => {
    // Prepare
    const { deps, mocks, state } = await preparedRun({ env: { JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' } });

    // Act
    const started = startTuning(state, deps);

    // Assess
    await expect(started).rejects.toThrow(ConfigError);
    expect(mocks.sagemaker.commandCalls(CreateHyperParameterTuningJobCommand)).toHaveLength(0);
  });
});
