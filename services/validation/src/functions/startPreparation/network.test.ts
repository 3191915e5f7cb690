import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateProcessingJobCommand } from '@aws-sdk/client-sagemaker';
import { loadServiceModel, validateRequest } from '@mlops/aws-model-check';
import { ConfigError } from '@mlops/core';
import { runState, sampleConfig, serveRunConfig, testDeps } from '@mlops/lambda-kit/testing';
import { startPreparation } from './startPreparation';

// The processing job's network and encryption settings: isolation from the pipeline config, VPC and KMS key from
// the stage's environment, each checked against SageMaker's CreateProcessingJob model.

const VPC = { JOB_SUBNET_IDS: 'subnet-0a1b2c3d, subnet-4e5f6a7b', JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' };
const KMS = 'alias/mlops-prod';
const sagemaker = loadServiceModel('sagemaker');

async function prepare(options: { env?: Record<string, string | undefined>; networkIsolation?: boolean } = {}) {
  const t = testDeps({ env: options.env });
  const state = runState();
  const config = await sampleConfig('attrition');
  serveRunConfig(t.mocks.s3, state, { ...config, container: { ...config.container, networkIsolation: options.networkIsolation ?? true } });
  return { ...t, state };
}

async function createdJob(options: Parameters<typeof prepare>[0] = {}) {
  const { deps, mocks, state } = await prepare(options);
  await startPreparation(state, deps);
  const calls = mocks.sagemaker.commandCalls(CreateProcessingJobCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  expect(validateRequest(sagemaker, 'CreateProcessingJob', input)).toEqual([]);
  return input;
}

describe('startPreparation network and encryption', () => {
  it('isolates the job, outside any VPC and with no KMS key, on a default stage', async () => {
    // Act
    const job = await createdJob();

    // Assess
    expect(job.NetworkConfig).toEqual({ EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true });
    expect(job.ProcessingOutputConfig?.KmsKeyId).toBeUndefined();
    expect(job.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBeUndefined();
  });

  it('gives the job network access when the pipeline sets container.networkIsolation: false', async () => {
    // Act
    const job = await createdJob({ networkIsolation: false });

    // Assess
    expect(job.NetworkConfig?.EnableNetworkIsolation).toBe(false);
  });

  it("runs the job in the stage's subnets and security groups, and encrypts with its key", async () => {
    // Act
    const job = await createdJob({ env: { ...VPC, KMS_KEY_ARN: KMS } });

    // Assess
    expect(job.NetworkConfig).toEqual({
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      VpcConfig: { Subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroupIds: ['sg-0123abcd'] },
    });
    expect(job.ProcessingOutputConfig?.KmsKeyId).toBe(KMS);
    expect(job.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBe(KMS);
  });

  it('starts no job when only the subnets are set', async () => {
    // Prepare
    const { deps, mocks, state } = await prepare({ env: { JOB_SUBNET_IDS: 'subnet-0a1b2c3d' } });

    // Act
    const started = startPreparation(state, deps);

    // Assess
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/JOB_SUBNET_IDS and JOB_SECURITY_GROUP_IDS must be set together/);
    expect(mocks.sagemaker.commandCalls(CreateProcessingJobCommand)).toHaveLength(0);
  });
});
