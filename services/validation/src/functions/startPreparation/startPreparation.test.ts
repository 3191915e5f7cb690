import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateProcessingJobCommand } from '@aws-sdk/client-sagemaker';
import { ConfigError, POLLING } from '@mlops/core';
import {
  ARTIFACTS,
  AWS_NAME,
  DATA,
  LONG_PIPELINE,
  runState,
  sampleConfig,
  serveRunConfig,
  testDeps,
  TEST_ENV,
  TRAINER_IMAGE,
} from '@mlops/lambda-kit/testing';
import { startPreparation } from './startPreparation';

async function prepare(
  options: { pipeline?: string; runId?: string; env?: Record<string, string | undefined>; withScore?: boolean } = {},
) {
  const t = testDeps({ env: options.env });
  const state = runState({
    pipeline: options.pipeline,
    runId: options.runId,
    scoreData: options.withScore
      ? { bucket: DATA, key: `${options.pipeline ?? 'attrition'}/score/hr-2026-03.csv` }
      : null,
  });
  serveRunConfig(t.mocks.s3, state, await sampleConfig('attrition', options.pipeline));
  return { ...t, state };
}

function createdJob(mocks: ReturnType<typeof testDeps>['mocks']) {
  const calls = mocks.sagemaker.commandCalls(CreateProcessingJobCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

describe('startPreparation', () => {
  it('reads the run config, then starts one processing job running the container with `prepare`', async () => {
    // Prepare
    const { deps, mocks, sent, state } = await prepare();

    // Act
    const ref = await startPreparation(state, deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual(['GetObjectCommand', 'CreateProcessingJobCommand']);
    expect(sent()[0]?.input).toEqual({ Bucket: ARTIFACTS, Key: `runs/attrition/${state.runId}/config/pipeline.json` });
    const job = createdJob(mocks);
    expect(job.AppSpecification).toEqual({ ImageUri: TRAINER_IMAGE, ContainerArguments: ['prepare'] });
    expect(job.RoleArn).toBe(TEST_ENV.SAGEMAKER_ROLE_ARN);
    expect(ref).toEqual({
      kind: 'processing',
      names: [job.ProcessingJobName],
      status: 'InProgress',
      attempt: 0,
      waitSeconds: POLLING.processing.base,
    });
  });

  it('reads the frozen dataset and config folders and writes every prepared file under the run', async () => {
    // Prepare
    const { deps, mocks, state } = await prepare();
    const run = `s3://${ARTIFACTS}/runs/attrition/${state.runId}`;

    // Act
    await startPreparation(state, deps);

    // Assess
    const job = createdJob(mocks);
    expect(job.ProcessingInputs).toEqual([
      {
        InputName: 'data',
        S3Input: {
          S3Uri: `${run}/input/`,
          LocalPath: '/opt/ml/processing/input/data',
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
        },
      },
      {
        InputName: 'config',
        S3Input: {
          S3Uri: `${run}/config/`,
          LocalPath: '/opt/ml/processing/input/config',
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
        },
      },
    ]);
    expect(job.ProcessingOutputConfig?.Outputs).toEqual([
      {
        OutputName: 'prepared',
        S3Output: { S3Uri: `${run}/prepared`, LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' },
      },
    ]);
  });

  it('sizes the job from the pipeline config and isolates it from the network', async () => {
    // Prepare
    const { deps, mocks, state } = await prepare();

    // Act
    await startPreparation(state, deps);

    // Assess
    const job = createdJob(mocks);
    expect(job.ProcessingResources?.ClusterConfig).toMatchObject({
      InstanceCount: 1,
      InstanceType: 'ml.m5.large',
      VolumeSizeInGB: 10,
    });
    expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(job.NetworkConfig).toEqual({ EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true });
    expect(job.Tags).toEqual([
      { Key: 'mlops:pipeline', Value: 'attrition' },
      { Key: 'mlops:run', Value: state.runId },
    ]);
  });

  it('adds the scoring data as a third input when the run found one', async () => {
    // Prepare
    const { deps, mocks, state } = await prepare({ withScore: true });

    // Act
    await startPreparation(state, deps);

    // Assess
    expect(
      createdJob(mocks).ProcessingInputs?.map((i) => [i.InputName, i.S3Input?.S3Uri, i.S3Input?.LocalPath]),
    ).toEqual([
      ['data', expect.any(String), '/opt/ml/processing/input/data'],
      ['config', expect.any(String), '/opt/ml/processing/input/config'],
      ['score', `s3://${DATA}/attrition/score/hr-2026-03.csv`, '/opt/ml/processing/input/score'],
    ]);
  });

  it('encrypts outputs and volumes with the project key when one is configured, and not otherwise', async () => {
    // Prepare
    const kms = `arn:aws:kms:eu-west-1:123456789012:key/0f3c2a9e-5b7d-4e1f-9a8b-6c4d2e0f1a3b`;
    const withKey = await prepare({ env: { KMS_KEY_ARN: kms } });
    const withoutKey = await prepare();

    // Act
    await startPreparation(withKey.state, withKey.deps);
    await startPreparation(withoutKey.state, withoutKey.deps);

    // Assess
    expect(createdJob(withKey.mocks).ProcessingOutputConfig?.KmsKeyId).toBe(kms);
    expect(createdJob(withKey.mocks).ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBe(kms);
    expect(createdJob(withoutKey.mocks).ProcessingOutputConfig?.KmsKeyId).toBeUndefined();
    expect(createdJob(withoutKey.mocks).ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBeUndefined();
  });

  it.each(['attrition', LONG_PIPELINE])(
    'names the job within SageMaker limits for pipeline %s, one name per run',
    async (pipeline) => {
      // Prepare
      const first = await prepare({ pipeline, runId: '20260302T093000Z-3fa9c1' });
      const retry = await prepare({ pipeline, runId: '20260302T093000Z-3fa9c1' });
      const other = await prepare({ pipeline, runId: '20260302T101500Z-77b0e2' });

      // Act
      await startPreparation(first.state, first.deps);
      await startPreparation(retry.state, retry.deps);
      await startPreparation(other.state, other.deps);

      // Assess
      const name = createdJob(first.mocks).ProcessingJobName as string;
      expect(name).toMatch(AWS_NAME.sagemaker);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(createdJob(retry.mocks).ProcessingJobName).toBe(name);
      expect(createdJob(other.mocks).ProcessingJobName).not.toBe(name);
    },
  );

  it('refuses to start when the config names an image the stage does not provide', async () => {
    // Prepare
    const { deps, mocks, state } = await prepare({ env: { CONTAINER_IMAGES: JSON.stringify({ other: 'x' }) } });

    // Act
    const result = startPreparation(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    await expect(result).rejects.toThrow(/trainer/);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateProcessingJobCommand);
  });
});
