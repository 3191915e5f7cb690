import {
  DescribeHyperParameterTuningJobCommand,
  DescribeProcessingJobCommand,
  DescribeTransformJobCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
} from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { JobFailedError, JobRefSchema, nextWait, POLLING, type JobKind, type JobRef } from '@mlops/core';
import type { Deps } from '@mlops/lambda-kit';

export const CheckJobEvent = z.object({ job: JobRefSchema });
export type CheckJobEvent = z.infer<typeof CheckJobEvent>;

type Status = { status: 'InProgress' | 'Completed' | 'Failed'; reason?: string };

async function describe(kind: JobKind, name: string, deps: Deps): Promise<Status> {
  const { sagemaker } = deps.clients;
  if (kind === 'processing') {
    const out = await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
    return settle(out.ProcessingJobStatus, out.FailureReason ?? out.ExitMessage);
  }
  if (kind === 'transform') {
    const out = await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    return settle(out.TransformJobStatus, out.FailureReason);
  }
  const out = await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
  const status = settle(out.HyperParameterTuningJobStatus, out.FailureReason);
  if (status.status === 'Completed' && out.BestTrainingJob === undefined) {
    const counters = out.TrainingJobStatusCounters;
    status.status = 'Failed';
    status.reason = `no trial completed (${counters?.NonRetryableError ?? 0} failed, ${counters?.Stopped ?? 0} stopped)`;
  }
  if (status.status !== 'Failed') return status;
  const trial = await firstFailedTrial(deps, name);
  return trial ? { ...status, reason: `${status.reason}; trial ${trial.name}: ${trial.reason}` } : status;
}

/** The failure reason of one failed trial: a tuning job's own reason never says what went wrong in the container. */
async function firstFailedTrial(deps: Deps, tuningJob: string): Promise<{ name: string; reason: string } | undefined> {
  const out = await deps.clients.sagemaker.send(
    new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJob, StatusEquals: 'Failed', MaxResults: 1 }),
  );
  const trial = out.TrainingJobSummaries?.[0];
  return trial?.TrainingJobName ? { name: trial.TrainingJobName, reason: trial.FailureReason ?? 'no reason given' } : undefined;
}

function settle(status: string | undefined, reason: string | undefined): Status {
  if (status === 'Completed') return { status: 'Completed' };
  if (status === 'Failed' || status === 'Stopped') return { status: 'Failed', reason: `${status}: ${reason ?? 'no reason given'}` };
  return { status: 'InProgress' };
}

/**
 * Poll one or more SageMaker jobs of a kind. Completed when all are; a failed or stopped job raises
 * `JobFailedError` with SageMaker's failure reason (the state machine catches it). Waits grow with a bounded back-off.
 */
export async function checkJob(event: CheckJobEvent, deps: Deps): Promise<JobRef> {
  const { job } = event;
  const statuses = await Promise.all(job.names.map(async (name) => ({ name, ...(await describe(job.kind, name, deps)) })));
  const failed = statuses.find((s) => s.status === 'Failed');
  if (failed) throw new JobFailedError(failed.name, `${job.kind} job`, failed.reason ?? 'unknown');
  const done = statuses.every((s) => s.status === 'Completed');
  const attempt = job.attempt + 1;
  return { ...job, status: done ? 'Completed' : 'InProgress', attempt, waitSeconds: done ? 0 : nextWait(attempt, POLLING[job.kind]) };
}
