import {
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalServiceError } from '../src/service';
import { makeCloud, trainingRequest, type Cloud } from './sagemaker-helpers';

let cloud: Cloud;
beforeEach(async () => {
  cloud = await makeCloud();
});
afterEach(async () => {
  await cloud.dispose();
});

/** The error a send() rejects with. */
async function errorOf(command: object): Promise<LocalServiceError> {
  try {
    await cloud.sagemaker.send(command as never);
  } catch (error) {
    return error as LocalServiceError;
  }
  throw new Error('expected the call to fail');
}

const missingImage = '000000000000.dkr.ecr.eu-west-1.amazonaws.com/no-such-image:1';

function tuning(name: string, overrides: Record<string, unknown> = {}) {
  const { TrainingJobName: _n, HyperParameters: _h, ...definition } = trainingRequest('unused');
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Random',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.01', MaxValue: '10' }] },
      ...overrides,
    },
    TrainingJobDefinition: { ...definition, StaticHyperParameters: { model: 'logistic' } },
  };
}

describe('request validation', () => {
  it.each([
    ['bad_name', /Value 'bad_name' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern/],
    ['-leading-dash', /regular expression pattern: \^\[a-zA-Z0-9\]\(-\*\[a-zA-Z0-9\]\)\{0,62\}\$/],
    ['a'.repeat(64), /Member must have length less than or equal to 63/],
  ])('rejects the training job name %s', async (name, message) => {
    const error = await errorOf(new CreateTrainingJobCommand(trainingRequest(name)));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(message);
    expect(error.$fault).toBe('client');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('lists every violation: missing members and enums', async () => {
    const { RoleArn: _role, ...request } = trainingRequest('ok-name');
    const error = await errorOf(
      new CreateTrainingJobCommand({ ...request, AlgorithmSpecification: { ...request.AlgorithmSpecification, TrainingInputMode: 'Streaming' as never } } as never),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/^2 validation errors detected: /);
    expect(error.message).toContain("Value 'Streaming' at 'algorithmSpecification.trainingInputMode' failed to satisfy constraint: Member must satisfy enum value set: [Pipe, File, FastFile]");
    expect(error.message).toContain("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  });

  it('checks nested list members with their position', async () => {
    const request = trainingRequest('channels');
    request.InputDataConfig[1]!.ChannelName = 'bad channel';
    const error = await errorOf(new CreateTrainingJobCommand(request));
    expect(error.message).toContain("at 'inputDataConfig.2.member.channelName'");
  });

  it('answers duplicates with ResourceInUse, names being case-insensitive', async () => {
    const request = { ...trainingRequest('Job-A'), AlgorithmSpecification: { ...trainingRequest('x').AlgorithmSpecification, TrainingImage: missingImage } };
    await cloud.sagemaker.send(new CreateTrainingJobCommand(request));
    const error = await errorOf(new CreateTrainingJobCommand({ ...request, TrainingJobName: 'job-a' }));
    expect(error.name).toBe('ResourceInUse');
    expect(error.message).toContain('arn:aws:sagemaker:eu-west-1:000000000000:training-job/job-a');
    await cloud.sagemaker.settled();
    const job = (await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'Job-A' }))) as { TrainingJobStatus: string; FailureReason: string };
    expect(job.TrainingJobStatus).toBe('Failed');
    expect(job.FailureReason).toMatch(/^ClientError: Data download failed:No S3 objects found under S3 URL "s3:\/\/artifacts\/prepared\/train\/"/);
  });

  it('words "not found" the way each API does', async () => {
    expect(await errorOf(new DescribeTrainingJobCommand({ TrainingJobName: 'nope' }))).toMatchObject({ name: 'ValidationException', message: 'Requested resource not found.' });
    expect(await errorOf(new DescribeProcessingJobCommand({ ProcessingJobName: 'nope' }))).toMatchObject({ name: 'ValidationException', message: 'Could not find requested job with name nope' });
    expect(await errorOf(new DescribeTransformJobCommand({ TransformJobName: 'nope' }))).toMatchObject({ name: 'ValidationException' });
    expect(await errorOf(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'nope' }))).toMatchObject({
      name: 'ResourceNotFound',
      message: "Amazon SageMaker can't find a tuning job with name nope",
    });
    expect(await errorOf(new DescribeModelCommand({ ModelName: 'nope' }))).toMatchObject({
      name: 'ValidationException',
      message: 'Could not find model "arn:aws:sagemaker:eu-west-1:000000000000:model/nope".',
    });
    expect(await errorOf(new DescribeEndpointCommand({ EndpointName: 'nope' }))).toMatchObject({ name: 'ValidationException' });
  });

  it('refuses operations it does not implement, by name', async () => {
    const error = await errorOf(new StopTrainingJobCommand({ TrainingJobName: 'x' }));
    expect(error.name).toBe('UnsupportedOperation');
    expect(error.message).toContain('StopTrainingJob');
  });

  it.each([
    ['a 33-character name', { HyperParameterTuningJobName: 'a'.repeat(33) }, /at 'hyperParameterTuningJobName'/],
    ['an unknown strategy', { HyperParameterTuningJobConfig: { ...tuning('t').HyperParameterTuningJobConfig, Strategy: 'Genetic' } }, /enum value set: \[Bayesian, Random, Hyperband, Grid\]/],
    ['an objective no metric defines', { HyperParameterTuningJobConfig: { ...tuning('t').HyperParameterTuningJobConfig, HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'test:f1' } } }, /The objective metric for the hyperparameter tuning job, \[test:f1\], isn't valid/],
    ['Grid over a continuous range', { HyperParameterTuningJobConfig: { ...tuning('t').HyperParameterTuningJobConfig, Strategy: 'Grid' } }, /Only categorical parameters are supported when using the Grid strategy/],
    ['a missing warm-start parent', { WarmStartConfig: { WarmStartType: 'TransferLearning', ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'ghost' }] } }, /parent hyperparameter tuning job \[ghost\] does not exist/],
  ])('rejects a tuning job with %s', async (_what, overrides, message) => {
    const error = await errorOf(new CreateHyperParameterTuningJobCommand({ ...tuning('t'), ...overrides } as never));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(message);
  });
});
