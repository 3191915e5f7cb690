import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  DescribeHyperParameterTuningJobCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  DescribeProcessingJobCommand,
  DescribeTransformJobCommand,
  type DescribeHyperParameterTuningJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { JobFailedError, nextWait, POLLING, type JobKind, type JobRef } from '@mlops/core';
import { testDeps } from '@mlops/lambda-kit/testing';
import { checkJob } from './checkJob';

const job = (kind: JobKind, names: string[], attempt = 0): JobRef => ({
  kind,
  names,
  status: 'InProgress',
  attempt,
  waitSeconds: POLLING[kind].base,
});

const PREP = 'mlops-attrition-prep-a870b7da';
const HPO = 'mlops-attrition-hpo-63dd53e6';
const CAND = 'mlops-attrition-cand-score-db2e28f8';
const CHAMP = 'mlops-attrition-champ-score-2093e5e7';

function tuning(out: Partial<DescribeHyperParameterTuningJobCommandOutput>) {
  return { HyperParameterTuningJobName: HPO, ...out } as DescribeHyperParameterTuningJobCommandOutput;
}

describe('checkJob', () => {
  it('asks SageMaker about the named job and keeps waiting while it runs', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker
      .on(DescribeProcessingJobCommand)
      .resolves({ ProcessingJobName: PREP, ProcessingJobStatus: 'InProgress' });

    // Act
    const next = await checkJob({ job: job('processing', [PREP]) }, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandExactlyOnceWith(DescribeProcessingJobCommand, {
      ProcessingJobName: PREP,
    });
    expect(next).toEqual({
      kind: 'processing',
      names: [PREP],
      status: 'InProgress',
      attempt: 1,
      waitSeconds: nextWait(1, POLLING.processing),
    });
  });

  it.each(['processing', 'transform', 'tuning'] as const)(
    'grows the wait of a %s job with each poll, up to its cap',
    async (kind) => {
      // Prepare
      const { deps, mocks } = testDeps();
      mocks.sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobStatus: 'InProgress' });
      mocks.sagemaker.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: 'InProgress' });
      mocks.sagemaker
        .on(DescribeHyperParameterTuningJobCommand)
        .resolves(tuning({ HyperParameterTuningJobStatus: 'InProgress' }));
      let ref = job(kind, ['mlops-attrition-x-0b9f33a1']);
      const waits: number[] = [];

      // Act
      for (let poll = 0; poll < 12; poll++) {
        ref = await checkJob({ job: ref }, deps);
        waits.push(ref.waitSeconds);
      }

      // Assess
      const { base, cap } = POLLING[kind];
      expect(waits[0]).toBe(Math.min(cap, nextWait(1, POLLING[kind])));
      expect(waits[0]).toBeGreaterThan(base);
      waits.slice(1).forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(waits[i] as number));
      expect(Math.max(...waits)).toBe(cap);
      expect(waits.at(-1)).toBe(cap);
      expect(ref.attempt).toBe(12);
    },
  );

  it('reports Completed with no wait once every job is done, passing extra fields through', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: 'Completed' });
    const scoring = {
      ...job('transform', [CAND, CHAMP], 3),
      outputs: { candidate: 'runs/a/b/scoring/candidate/', champion: null },
    };

    // Act
    const next = await checkJob({ job: scoring }, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandTimes(DescribeTransformJobCommand, 2);
    expect(mocks.sagemaker).toHaveReceivedCommandWith(DescribeTransformJobCommand, { TransformJobName: CHAMP });
    expect(next).toEqual({ ...scoring, status: 'Completed', attempt: 4, waitSeconds: 0 });
  });

  it('keeps waiting while any one of several jobs is still running', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker
      .on(DescribeTransformJobCommand, { TransformJobName: CAND })
      .resolves({ TransformJobStatus: 'Completed' });
    mocks.sagemaker
      .on(DescribeTransformJobCommand, { TransformJobName: CHAMP })
      .resolves({ TransformJobStatus: 'InProgress' });

    // Act
    const next = await checkJob({ job: job('transform', [CAND, CHAMP]) }, deps);

    // Assess
    expect(next.status).toBe('InProgress');
    expect(next.waitSeconds).toBeGreaterThan(0);
  });

  it("raises JobFailedError with SageMaker's failure reason when a job failed", async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker.on(DescribeProcessingJobCommand).resolves({
      ProcessingJobStatus: 'Failed',
      FailureReason: 'AlgorithmError: split validation has no row of class 1',
    });

    // Act
    const result = checkJob({ job: job('processing', [PREP]) }, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(JobFailedError);
    await expect(result).rejects.toMatchObject({
      name: 'JobFailedError',
      jobName: PREP,
      reason: 'Failed: AlgorithmError: split validation has no row of class 1',
    });
  });

  it("falls back to the processing job's exit message when it gives no failure reason", async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker
      .on(DescribeProcessingJobCommand)
      .resolves({ ProcessingJobStatus: 'Failed', ExitMessage: 'exit code 1' });

    // Act
    const result = checkJob({ job: job('processing', [PREP]) }, deps);

    // Assess
    await expect(result).rejects.toMatchObject({ reason: 'Failed: exit code 1' });
  });

  it('names the failed job among several, even when the others completed', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker
      .on(DescribeTransformJobCommand, { TransformJobName: CAND })
      .resolves({ TransformJobStatus: 'Completed' });
    mocks.sagemaker.on(DescribeTransformJobCommand, { TransformJobName: CHAMP }).resolves({
      TransformJobStatus: 'Failed',
      FailureReason: 'ClientError: model container did not respond to ping',
    });

    // Act
    const result = checkJob({ job: job('transform', [CAND, CHAMP]) }, deps);

    // Assess
    await expect(result).rejects.toMatchObject({
      jobName: CHAMP,
      message: expect.stringContaining('did not respond to ping'),
    });
  });

  it('treats a stopped tuning job as failed', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker
      .on(DescribeHyperParameterTuningJobCommand)
      .resolves(tuning({ HyperParameterTuningJobStatus: 'Stopped' }));
    mocks.sagemaker.on(ListTrainingJobsForHyperParameterTuningJobCommand).resolves({ TrainingJobSummaries: [] });

    // Act
    const result = checkJob({ job: job('tuning', [HPO]) }, deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'JobFailedError', reason: 'Stopped: no reason given' });
  });

  it('fails a completed tuning job in which no trial completed, with the trial counts', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker.on(DescribeHyperParameterTuningJobCommand).resolves(
      tuning({
        HyperParameterTuningJobStatus: 'Completed',
        TrainingJobStatusCounters: { NonRetryableError: 8, Stopped: 0 },
      }),
    );
    mocks.sagemaker.on(ListTrainingJobsForHyperParameterTuningJobCommand).resolves({
      TrainingJobSummaries: [
        {
          TrainingJobName: `${HPO}-001-1a2b3c4d`,
          TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/x',
          CreationTime: new Date(),
          TrainingJobStatus: 'Failed',
          TunedHyperParameters: {},
          FailureReason: 'AlgorithmError: unknown model "forest"',
        },
      ],
    });

    // Act
    const result = checkJob({ job: job('tuning', [HPO]) }, deps);

    // Assess
    await expect(result).rejects.toMatchObject({
      jobName: HPO,
      reason: `no trial completed (8 failed, 0 stopped); trial ${HPO}-001-1a2b3c4d: AlgorithmError: unknown model "forest"`,
    });
  });

  it('completes a tuning job that has a best training job', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.sagemaker.on(DescribeHyperParameterTuningJobCommand).resolves(
      tuning({
        HyperParameterTuningJobStatus: 'Completed',
        BestTrainingJob: {
          TrainingJobName: `${HPO}-006-5d1e0a7c`,
          TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/x',
          CreationTime: new Date('2026-03-02T10:00:00Z'),
          TrainingJobStatus: 'Completed',
          TunedHyperParameters: { l2: '0.31' },
        },
      }),
    );

    // Act
    const next = await checkJob({ job: job('tuning', [HPO], 5) }, deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandWith(DescribeHyperParameterTuningJobCommand, {
      HyperParameterTuningJobName: HPO,
    });
    expect(next).toMatchObject({ status: 'Completed', attempt: 6, waitSeconds: 0 });
  });
});
