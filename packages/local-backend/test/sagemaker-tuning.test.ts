import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  CreateHyperParameterTuningJobCommand,
  CreateProcessingJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  type CreateHyperParameterTuningJobRequest,
  type DescribeHyperParameterTuningJobResponse,
  type HyperParameterTrainingJobSummary,
  type ParameterRanges,
} from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { SageMakerFaults } from '../src/sagemaker';
import { isAlive, makeCloud, prepareRequest, trainingRequest, type Cloud } from './sagemaker-helpers';

let cloud: Cloud;

afterEach(async () => {
  const pids = cloud.pids();
  await cloud.dispose();
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} left running`).toBe(false);
});

async function preparedCloud(rows = 300, faults?: SageMakerFaults): Promise<Cloud> {
  const c = await makeCloud(faults === undefined ? {} : { faults });
  await c.sagemaker.send(new CreateProcessingJobCommand(await prepareRequest(c, 'prep', rows)));
  await c.sagemaker.settled();
  return c;
}

const l2Range: ParameterRanges = { ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.0001', MaxValue: '100', ScalingType: 'Logarithmic' }] };
const l2Values: ParameterRanges = { CategoricalParameterRanges: [{ Name: 'l2', Values: ['0.01', '0.1', '1', '10'] }] };

function tuningRequest(
  name: string,
  strategy: 'Random' | 'Grid' | 'Bayesian',
  limits: { MaxNumberOfTrainingJobs?: number; MaxParallelTrainingJobs: number },
  ranges: ParameterRanges = l2Range,
): CreateHyperParameterTuningJobRequest {
  const { TrainingJobName: _name, HyperParameters: _hp, ...definition } = trainingRequest('unused');
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: strategy,
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: limits,
      ParameterRanges: ranges,
      RandomSeed: 42,
    },
    TrainingJobDefinition: { ...definition, StaticHyperParameters: { model: 'logistic' } },
  };
}

async function tune(request: CreateHyperParameterTuningJobRequest): Promise<DescribeHyperParameterTuningJobResponse> {
  await cloud.sagemaker.send(new CreateHyperParameterTuningJobCommand(request));
  await cloud.sagemaker.settled();
  const name = request.HyperParameterTuningJobName;
  return (await cloud.sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }))) as DescribeHyperParameterTuningJobResponse;
}

async function trials(name: string, extra: object = {}): Promise<HyperParameterTrainingJobSummary[]> {
  const out = (await cloud.sagemaker.send(
    new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name, MaxResults: 100, ...extra }),
  )) as { TrainingJobSummaries: HyperParameterTrainingJobSummary[] };
  return out.TrainingJobSummaries;
}

/** CPU seconds of this process and of its ended children (Linux /proc; zeros elsewhere). */
function cpuSeconds(): { self: number; children: number } {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const tick = (i: number) => Number(fields[i - 3]) / 100;
    return { self: tick(14) + tick(15), children: tick(16) + tick(17) };
  } catch {
    return { self: 0, children: 0 };
  }
}

/** Most training containers alive at once, from the recorded spawn/exit order. */
function maxConcurrent(prefix: string): number {
  let running = 0;
  let max = 0;
  for (const e of cloud.events.filter((x) => x.job.kind === 'training' && x.job.name.startsWith(prefix))) {
    running += e.type === 'spawn' ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

describe('hyperparameter tuning jobs', () => {
  it.each(['Random', 'Bayesian'] as const)('%s: runs MaxNumberOfTrainingJobs trials, at most MaxParallelTrainingJobs at once', async (strategy) => {
    cloud = await preparedCloud();
    const job = await tune(tuningRequest(`tune-${strategy.toLowerCase()}`, strategy, { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 }));
    expect(job.HyperParameterTuningJobStatus).toBe('Completed');
    expect(job.TrainingJobStatusCounters).toEqual({ Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 });
    expect(job.ObjectiveStatusCounters).toEqual({ Succeeded: 4, Pending: 0, Failed: 0 });
    expect(maxConcurrent('tune-')).toBeLessThanOrEqual(2);
    const all = await trials(job.HyperParameterTuningJobName!, { SortBy: 'CreationTime' });
    expect(all.map((t) => t.TrainingJobName)).toEqual(all.map((_, i) => expect.stringMatching(new RegExp(`^tune-${strategy.toLowerCase()}-00${i + 1}-[0-9a-f]{8}$`))));
    // The second trial was launched before the first one ended (parallel), the third only after one ended.
    expect(all[1]!.CreationTime!.getTime()).toBeLessThanOrEqual(all[0]!.TrainingEndTime!.getTime());
    const firstEnd = Math.min(all[0]!.TrainingEndTime!.getTime(), all[1]!.TrainingEndTime!.getTime());
    expect(all[2]!.CreationTime!.getTime()).toBeGreaterThanOrEqual(firstEnd);
    // Static hyperparameters are merged into each trial, with the objective SageMaker adds.
    const trial = (await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: all[0]!.TrainingJobName }))) as { HyperParameters: Record<string, string>; TuningJobArn: string };
    expect(trial.HyperParameters).toMatchObject({ model: 'logistic', l2: all[0]!.TunedHyperParameters!.l2, _tuning_objective_metric: 'validation:auc' });
    expect(trial.TuningJobArn).toBe(job.HyperParameterTuningJobArn);
  });

  it('Grid: one trial per combination, strictly one at a time with MaxParallelTrainingJobs 1', async () => {
    cloud = await preparedCloud();
    const job = await tune(tuningRequest('grid', 'Grid', { MaxParallelTrainingJobs: 1 }, l2Values));
    const all = await trials('grid');
    expect(job.HyperParameterTuningJobStatus).toBe('Completed');
    expect(all.map((t) => t.TunedHyperParameters!.l2).sort()).toEqual(['0.01', '0.1', '1', '10']);
    expect(maxConcurrent('grid')).toBe(1);
  });

  it('chooses BestTrainingJob as SageMaker does and tolerates failed trials', async () => {
    cloud = await preparedCloud(300, { trialFailures: (index) => index === 1 });
    const job = await tune(tuningRequest('best', 'Random', { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 }));
    expect(job.HyperParameterTuningJobStatus).toBe('Completed');
    expect(job.TrainingJobStatusCounters).toMatchObject({ Completed: 3, NonRetryableError: 1 });
    expect(job.ObjectiveStatusCounters).toEqual({ Succeeded: 3, Pending: 0, Failed: 1 });
    const failed = (await trials('best', { StatusEquals: 'Failed' }))[0]!;
    expect(failed.FailureReason).toMatch(/^AlgorithmError: /);
    expect(failed.ObjectiveStatus).toBe('Failed');
    const ranked = await trials('best', { SortBy: 'FinalObjectiveMetricValue', SortOrder: 'Descending' });
    expect(ranked).toHaveLength(3);
    expect(job.BestTrainingJob?.TrainingJobName).toBe(ranked[0]!.TrainingJobName);
    expect(job.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric).toEqual({
      Type: 'Maximize',
      MetricName: 'validation:auc',
      Value: ranked[0]!.FinalHyperParameterTuningJobObjectiveMetric!.Value,
    });
  });

  it('warm starts from a parent: its trials feed the search and OverallBestTrainingJob spans both', async () => {
    cloud = await preparedCloud();
    const parent = await tune(tuningRequest('parent', 'Random', { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 }, l2Values));
    const child = await tune({
      ...tuningRequest('child', 'Bayesian', { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 }, l2Values),
      WarmStartConfig: { WarmStartType: 'IdenticalDataAndAlgorithm', ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'parent' }] },
    });
    const tried = [...(await trials('parent')), ...(await trials('child'))].map((t) => t.TunedHyperParameters!.l2);
    // The child never re-runs what its parent already tried: together they cover the four values.
    expect(new Set(tried).size).toBe(4);
    const all = [...(await trials('parent')), ...(await trials('child'))];
    const best = all.reduce((a, b) => (b.FinalHyperParameterTuningJobObjectiveMetric!.Value! > a.FinalHyperParameterTuningJobObjectiveMetric!.Value! ? b : a));
    expect(child.OverallBestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value).toBe(best.FinalHyperParameterTuningJobObjectiveMetric!.Value);
    expect(child.WarmStartConfig?.WarmStartType).toBe('IdenticalDataAndAlgorithm');
    expect(parent.OverallBestTrainingJob).toBeUndefined();
    const listed = (await cloud.sagemaker.send(new ListHyperParameterTuningJobsCommand({ SortBy: 'Name' }))) as { HyperParameterTuningJobSummaries: Array<{ HyperParameterTuningJobName: string }> };
    expect(listed.HyperParameterTuningJobSummaries.map((s) => s.HyperParameterTuningJobName)).toEqual(['child', 'parent']);
  });

  it('tunes 8 trials (2 parallel) on ~1,000 rows', async () => {
    cloud = await preparedCloud(1000);
    const cpuBefore = cpuSeconds();
    const started = performance.now();
    const job = await tune({ ...tuningRequest('speed', 'Bayesian', { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 }) });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds();
    expect(job.ObjectiveStatusCounters?.Succeeded).toBe(8);
    // Wall time depends on the machine's load; CPU time (this process + its containers) does not.
    console.log(
      `tuning 8 trials, 2 parallel, 1,000 rows: wall ${seconds.toFixed(2)} s, cpu ${(cpu.self - cpuBefore.self).toFixed(2)} s here + ${(cpu.children - cpuBefore.children).toFixed(2)} s in containers, load ${loadavg()[0]?.toFixed(1)}`,
    );
  });
});
