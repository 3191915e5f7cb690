import { createHash, randomBytes } from 'node:crypto';
import type {
  CreateTrainingJobRequest,
  HyperParameterTrainingJobDefinition,
  HyperParameterTrainingJobSummary,
  HyperParameterTuningJobConfig,
  HyperParameterTuningJobObjective,
  HyperParameterTuningJobWarmStartConfig,
} from '@aws-sdk/client-sagemaker';
import { bestTrial, createSearch, type HyperparameterSearch, type ObjectiveType, type ParameterRanges, type Trial, type TuningStrategy } from '@mlops/hpo';
import type { SageMakerContext } from './context';
import { arnOf, secondsBetween } from './context';
import { startTrainingJob, type TrainingJobState } from './training';
import type { TuningJobRecord } from './tuning';

type Summary = HyperParameterTrainingJobSummary;
type RankedTrial = Trial & { summary: Summary };

/** `<tuningJob>-<NNN>-<8 hex>`, like the trial names SageMaker gives. */
export function trialName(tuningJob: string, index: number): string {
  return `${tuningJob}-${String(index + 1).padStart(3, '0')}-${randomBytes(4).toString('hex')}`;
}

function toTrial(summary: Summary): RankedTrial {
  const value = summary.FinalHyperParameterTuningJobObjectiveMetric?.Value;
  return {
    hyperparameters: summary.TunedHyperParameters ?? {},
    status: summary.TrainingJobStatus ?? 'InProgress',
    ...(value === undefined ? {} : { objective: value }),
    summary,
  };
}

async function parentTrials(ctx: SageMakerContext, warm: HyperParameterTuningJobWarmStartConfig | undefined): Promise<Summary[]> {
  const parents = warm?.ParentHyperParameterTuningJobs ?? [];
  const records = await Promise.all(parents.map((p) => ctx.store.read<TuningJobRecord>('tuning-jobs', p.HyperParameterTuningJobName ?? '')));
  return records.flatMap((r) => r?.Trials ?? []);
}

/** The summary of a finished trial, from its training job's final state. */
function summarize(summary: Summary, state: TrainingJobState, objective: HyperParameterTuningJobObjective): Summary {
  const metric = state.FinalMetricDataList?.find((m) => m.MetricName === objective.MetricName);
  const succeeded = state.TrainingJobStatus === 'Completed' && metric?.Value !== undefined && Number.isFinite(metric.Value);
  return {
    ...summary,
    TrainingStartTime: state.TrainingStartTime,
    TrainingEndTime: state.TrainingEndTime,
    TrainingJobStatus: state.TrainingJobStatus,
    ...(state.FailureReason === undefined ? {} : { FailureReason: state.FailureReason }),
    ...(metric?.Value === undefined
      ? {}
      : { FinalHyperParameterTuningJobObjectiveMetric: { Type: objective.Type, MetricName: objective.MetricName, Value: metric.Value } }),
    ObjectiveStatus: succeeded ? 'Succeeded' : 'Failed',
  };
}

function count<T>(items: T[], test: (item: T) => boolean): number {
  return items.filter(test).length;
}

/** Counters, best jobs and status of the record, recomputed from its trials. */
function refresh(record: TuningJobRecord, parents: Summary[], type: ObjectiveType, final: boolean): TuningJobRecord {
  const trials = record.Trials;
  const best = bestTrial(trials.map(toTrial), type)?.summary;
  const overall = parents.length > 0 ? bestTrial([...parents, ...trials].map(toTrial), type)?.summary : undefined;
  const now = new Date();
  const succeeded = count(trials, (t) => t.ObjectiveStatus === 'Succeeded');
  const description = {
    ...record.Description,
    LastModifiedTime: now,
    TrainingJobStatusCounters: {
      Completed: count(trials, (t) => t.TrainingJobStatus === 'Completed'),
      InProgress: count(trials, (t) => t.TrainingJobStatus === 'InProgress'),
      RetryableError: 0,
      NonRetryableError: count(trials, (t) => t.TrainingJobStatus === 'Failed'),
      Stopped: count(trials, (t) => t.TrainingJobStatus === 'Stopped'),
    },
    ObjectiveStatusCounters: {
      Succeeded: succeeded,
      Pending: count(trials, (t) => t.ObjectiveStatus === 'Pending'),
      Failed: count(trials, (t) => t.ObjectiveStatus === 'Failed'),
    },
    ...(best === undefined ? {} : { BestTrainingJob: best }),
    ...(overall === undefined ? {} : { OverallBestTrainingJob: overall }),
  };
  if (!final) return { ...record, Description: description };
  const start = record.Description.CreationTime ?? now;
  return {
    ...record,
    Description: {
      ...description,
      HyperParameterTuningJobStatus: succeeded > 0 ? 'Completed' : 'Failed',
      ...(succeeded > 0 ? {} : { FailureReason: 'All training jobs failed. Please check the failure reason of each training job for more details.' }),
      HyperParameterTuningEndTime: now,
      ConsumedResources: { RuntimeInSeconds: secondsBetween(start, now) },
    },
  };
}

function trialRequest(record: TuningJobRecord, name: string, tuned: Record<string, string>, objective: HyperParameterTuningJobObjective): CreateTrainingJobRequest {
  const def = record.Description.TrainingJobDefinition!;
  return {
    TrainingJobName: name,
    // SageMaker adds the objective's name for the algorithm's own use.
    HyperParameters: { ...def.StaticHyperParameters, ...tuned, _tuning_objective_metric: objective.MetricName ?? '' },
    AlgorithmSpecification: def.AlgorithmSpecification as CreateTrainingJobRequest['AlgorithmSpecification'],
    RoleArn: def.RoleArn,
    InputDataConfig: def.InputDataConfig,
    OutputDataConfig: def.OutputDataConfig,
    ResourceConfig: def.ResourceConfig,
    StoppingCondition: def.StoppingCondition,
    Environment: def.Environment,
    EnableNetworkIsolation: def.EnableNetworkIsolation,
  };
}

function seedOf(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0);
}

/**
 * The tuner: keeps up to MaxParallelTrainingJobs trials running, asks the search for the next hyperparameters
 * whenever one ends, tolerates failed trials, and records counters and the best job after every change.
 */
export async function runTuning(ctx: SageMakerContext, name: string): Promise<void> {
  try {
    await tune(ctx, name);
  } catch (error) {
    const record = (await ctx.store.read<TuningJobRecord>('tuning-jobs', name)) as TuningJobRecord;
    const now = new Date();
    const Description = { ...record.Description, HyperParameterTuningJobStatus: 'Failed' as const, FailureReason: `InternalServerError: ${(error as Error).message}`, HyperParameterTuningEndTime: now, LastModifiedTime: now };
    await ctx.store.write('tuning-jobs', name, { ...record, Description });
  }
}

/** The search of a tuning job, fed with its warm-start parents' trials. */
function searchOf(record: TuningJobRecord, name: string, parents: Summary[]): HyperparameterSearch {
  const config = record.Description.HyperParameterTuningJobConfig as HyperParameterTuningJobConfig;
  const definition = record.Description.TrainingJobDefinition as HyperParameterTrainingJobDefinition;
  const maxJobs = config.ResourceLimits?.MaxNumberOfTrainingJobs;
  return createSearch({
    strategy: config.Strategy as TuningStrategy,
    ranges: (config.ParameterRanges ?? definition.HyperParameterRanges ?? {}) as ParameterRanges,
    objectiveType: objectiveOf(record).Type as ObjectiveType,
    ...(maxJobs === undefined ? {} : { maxJobs }),
    seed: config.RandomSeed ?? seedOf(name),
    warmStartTrials: parents.map(toTrial),
  });
}

function objectiveOf(record: TuningJobRecord): HyperParameterTuningJobObjective {
  const { HyperParameterTuningJobConfig: config, TrainingJobDefinition: definition } = record.Description;
  return (config?.HyperParameterTuningJobObjective ?? definition?.TuningObjective) as HyperParameterTuningJobObjective;
}

type TrialResult = Promise<{ index: number; state: TrainingJobState }>;

async function tune(ctx: SageMakerContext, name: string): Promise<void> {
  let record = (await ctx.store.read<TuningJobRecord>('tuning-jobs', name)) as TuningJobRecord;
  const objective = objectiveOf(record);
  const parents = await parentTrials(ctx, record.Description.WarmStartConfig);
  const search = searchOf(record, name, parents);
  const maxParallel = record.Description.HyperParameterTuningJobConfig?.ResourceLimits?.MaxParallelTrainingJobs ?? 1;
  const tuningJobArn = arnOf(ctx, 'hyper-parameter-tuning-job', name);
  const running = new Map<number, TrialResult>();
  const setTrial = (index: number, summary: Summary) => {
    record = { ...record, Trials: record.Trials.map((t, i) => (i === index ? summary : t)) };
  };
  const save = async (final = false) => {
    record = refresh(record, parents, objective.Type as ObjectiveType, final);
    await ctx.store.write('tuning-jobs', name, record);
  };
  const launch = async (tuned: Record<string, string>) => {
    const index = record.Trials.length;
    const summary = pendingSummary(ctx, name, trialName(name, index), tuned);
    record = { ...record, Trials: [...record.Trials, summary] };
    try {
      const request = trialRequest(record, summary.TrainingJobName as string, tuned, objective);
      const { done } = await startTrainingJob(ctx, request, { tuningJobArn, trialIndex: index });
      running.set(index, done.then((state) => ({ index, state })));
    } catch (error) {
      setTrial(index, { ...summary, TrainingJobStatus: 'Failed', ObjectiveStatus: 'Failed', FailureReason: (error as Error).message });
    }
    await save();
  };
  for (;;) {
    for (let tuned = nextProposal(search, record, running, maxParallel); tuned !== undefined; tuned = nextProposal(search, record, running, maxParallel)) {
      await launch(tuned);
    }
    if (running.size === 0) break;
    const { index, state } = await Promise.race(running.values());
    running.delete(index);
    setTrial(index, summarize(record.Trials[index] as Summary, state, objective));
    await save();
  }
  await save(true);
}

/** Next hyperparameters while a parallel slot is free and the search has some. */
function nextProposal(search: HyperparameterSearch, record: TuningJobRecord, running: Map<number, TrialResult>, maxParallel: number): Record<string, string> | undefined {
  return running.size < maxParallel ? search.propose(record.Trials.map(toTrial)) : undefined;
}

function pendingSummary(ctx: SageMakerContext, tuningJob: string, jobName: string, tuned: Record<string, string>): Summary {
  return {
    TrainingJobName: jobName,
    TrainingJobArn: arnOf(ctx, 'training-job', jobName),
    TuningJobName: tuningJob,
    CreationTime: new Date(),
    TrainingJobStatus: 'InProgress',
    TunedHyperParameters: tuned,
    ObjectiveStatus: 'Pending',
  };
}
