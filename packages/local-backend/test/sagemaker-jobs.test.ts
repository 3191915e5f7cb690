import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  type DescribeProcessingJobResponse,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { list as tarList } from 'tar';
import { isAlive, makeCloud, prepareRequest, trainingRequest, type Cloud } from './sagemaker-helpers';

let cloud: Cloud;

afterEach(async () => {
  const pids = cloud.pids();
  await cloud.dispose();
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} left running`).toBe(false);
});

type Job = DescribeTrainingJobResponse;

async function train(request: ReturnType<typeof trainingRequest>): Promise<Job> {
  await cloud.sagemaker.send(new CreateTrainingJobCommand(request));
  await cloud.sagemaker.settled();
  return (await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: request.TrainingJobName }))) as Job;
}

async function preparedCloud(options: Parameters<typeof makeCloud>[0] = {}): Promise<Cloud> {
  const c = await makeCloud(options);
  await c.sagemaker.send(new CreateProcessingJobCommand(await prepareRequest(c, 'prep', 200)));
  await c.sagemaker.settled();
  return c;
}

describe('processing and training jobs', () => {
  it('runs prepare as a processing job and uploads its outputs', async () => {
    // Prepare
    cloud = await makeCloud();
    const request = await prepareRequest(cloud, 'prepare-1', 300);
    // Act
    const { ProcessingJobArn } = await cloud.sagemaker.send(new CreateProcessingJobCommand(request)) as { ProcessingJobArn: string };
    await cloud.sagemaker.settled();
    const job = (await cloud.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'prepare-1' }))) as DescribeProcessingJobResponse;
    // Assess
    expect(ProcessingJobArn).toBe('arn:aws:sagemaker:eu-west-1:000000000000:processing-job/prepare-1');
    expect(job.FailureReason).toBeUndefined();
    expect(job.ProcessingJobStatus).toBe('Completed');
    expect(job.ProcessingEndTime).toBeInstanceOf(Date);
    const summary = JSON.parse(await cloud.get('prepared/summary.json'));
    expect(summary.rows.train + summary.rows.validation + summary.rows.test).toBe(300);
    expect((await cloud.get('prepared/train/data.csv')).split('\n')[0]).toContain('EmployeeNumber');
    expect(cloud.events.filter((e) => e.type === 'spawn')).toHaveLength(1);
  });

  it('trains end to end: model.tar.gz, metrics, logs', async () => {
    cloud = await makeCloud();
    await cloud.sagemaker.send(new CreateProcessingJobCommand(await prepareRequest(cloud, 'prep', 300)));
    await cloud.sagemaker.settled();
    await cloud.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('Train-1')));
    await cloud.sagemaker.settled();
    const job = (await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'Train-1' }))) as Job;
    expect(job.FailureReason).toBeUndefined();
    expect(job.TrainingJobStatus).toBe('Completed');
    expect(job.SecondaryStatus).toBe('Completed');
    expect(job.TrainingJobArn).toBe('arn:aws:sagemaker:eu-west-1:000000000000:training-job/train-1');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe('s3://artifacts/tuning/Train-1/output/model.tar.gz');
    const auc = job.FinalMetricDataList?.find((m) => m.MetricName === 'validation:auc');
    expect(auc?.Value).toBeGreaterThan(0.5);
    expect(auc?.Timestamp).toBeInstanceOf(Date);
    expect(job.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    const entries: string[] = [];
    await tarList({ file: await cloud.s3.localPathOf('artifacts', 'tuning/Train-1/output/model.tar.gz'), onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).toContain('model.json');
    expect(existsSync(join(cloud.root, 'sagemaker', 'training-jobs', 'train-1', 'logs', 'stdout.log'))).toBe(true);
  });

  it('fails a processing job whose container exits non-zero, with the log line in FailureReason', async () => {
    cloud = await makeCloud();
    const request = await prepareRequest(cloud, 'prepare-bad', 10);
    await cloud.put('input/data/attrition.csv', 'EmployeeNumber,Attrition\n1,Yes\n');
    await cloud.sagemaker.send(new CreateProcessingJobCommand(request));
    await cloud.sagemaker.settled();
    const job = (await cloud.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'prepare-bad' }))) as DescribeProcessingJobResponse;
    expect(job.ProcessingJobStatus).toBe('Failed');
    expect(job.FailureReason).toMatch(/^AlgorithmError: See job logs for more information \(exit code 1: prepare failed: /);
  });

  it('stops a job past MaxRuntimeInSeconds: the real child is killed, status Stopped / MaxRuntimeExceeded', async () => {
    cloud = await preparedCloud({ timeScale: 0.02, faults: { trainingTimeout: (name) => name === 'slow' } });
    const job = await train({ ...trainingRequest('slow'), StoppingCondition: { MaxRuntimeInSeconds: 2 } });
    expect(job.TrainingJobStatus).toBe('Stopped');
    expect(job.SecondaryStatus).toBe('MaxRuntimeExceeded');
    expect(job.FailureReason).toBe('Training job runtime exceeded MaxRuntimeInSeconds provided');
    const exits = cloud.events.filter((e) => e.job.name === 'slow');
    expect(exits.map((e) => e.type)).toEqual(['spawn', 'exit']);
  });

  it('reads output/failure into FailureReason (a real trainer error and an injected one)', async () => {
    cloud = await preparedCloud({ faults: { trainingFailureFile: (name) => (name === 'injected' ? 'ValueError: injected failure' : undefined) } });
    const real = await train(trainingRequest('bad-hp', { model: 'svm' }));
    expect(real.TrainingJobStatus).toBe('Failed');
    expect(real.SecondaryStatus).toBe('Failed');
    expect(real.FailureReason).toMatch(/^AlgorithmError: HyperparameterError: .*model/);
    expect(real.ModelArtifacts).toBeUndefined();
    const injected = await train(trainingRequest('injected'));
    expect(injected.FailureReason).toBe('AlgorithmError: ValueError: injected failure');
  });

  it('fails a crashed training job (child killed)', async () => {
    cloud = await preparedCloud({ faults: { trainingCrash: (name) => name === 'crash' } });
    const job = await train(trainingRequest('crash'));
    expect(job.TrainingJobStatus).toBe('Failed');
    expect(job.FailureReason).toMatch(/^AlgorithmError: See job logs for more information \(signal SIGKILL/);
  });

  it('fails with a ClientError when the image has no docker/<image>/src/main.ts', async () => {
    cloud = await preparedCloud();
    const request = trainingRequest('no-image');
    const job = await train({ ...request, AlgorithmSpecification: { ...request.AlgorithmSpecification, TrainingImage: '000000000000.dkr.ecr.eu-west-1.amazonaws.com/ghost:1' } });
    expect(job.TrainingJobStatus).toBe('Failed');
    expect(job.FailureReason).toMatch(/^ClientError: Requested image .*ghost:1 not found/);
  });
});
