import type {
  CreateHyperParameterTuningJobRequest,
  CreateHyperParameterTuningJobResponse,
  DescribeHyperParameterTuningJobRequest,
  DescribeHyperParameterTuningJobResponse,
  HyperParameterAlgorithmSpecification,
  HyperParameterTrainingJobDefinition,
  HyperParameterTrainingJobSummary,
  HyperParameterTuningJobConfig,
  HyperParameterTuningJobSummary,
  ListHyperParameterTuningJobsRequest,
  ListHyperParameterTuningJobsResponse,
  ListTrainingJobsForHyperParameterTuningJobRequest,
  ListTrainingJobsForHyperParameterTuningJobResponse,
} from '@aws-sdk/client-sagemaker';
import { TuningValidationError, validateTuningRequest, type ParameterRanges, type TuningStrategy } from '@mlops/hpo';
import type { SageMakerContext } from './context';
import { arnOf, paginate, resourceInUse, resourceNotFound, sortBy } from './context';
import { checkTrainingSemantics, trainingJobRules } from './training';
import { runTuning } from './tuning-run';
import { patterns, validateRequest, validationError, type FieldRule } from './validate';

/** Persisted tuning job: the DescribeHyperParameterTuningJob output plus the summaries of its training jobs. */
export interface TuningJobRecord {
  Description: DescribeHyperParameterTuningJobResponse & { HyperParameterTuningJobName: string; HyperParameterTuningJobArn: string };
  Trials: HyperParameterTrainingJobSummary[];
}

const rules: FieldRule[] = [
  { path: 'HyperParameterTuningJobName', required: true, pattern: patterns.tuningName, maxLength: 32 },
  { path: 'HyperParameterTuningJobConfig', required: true, type: 'object' },
  { path: 'HyperParameterTuningJobConfig.Strategy', required: true, enum: ['Bayesian', 'Random', 'Hyperband', 'Grid'] },
  { path: 'HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.Type', required: true, enum: ['Maximize', 'Minimize'] },
  { path: 'HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName', required: true, maxLength: 255 },
  { path: 'HyperParameterTuningJobConfig.ResourceLimits', required: true, type: 'object' },
  { path: 'HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs', type: 'number', min: 1 },
  { path: 'HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs', required: true, type: 'number', min: 1 },
  { path: 'HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType', enum: ['Off', 'Auto'] },
  { path: 'TrainingJobDefinition.TuningObjective.Type', required: true, enum: ['Maximize', 'Minimize'] },
  { path: 'WarmStartConfig.WarmStartType', required: true, enum: ['IdenticalDataAndAlgorithm', 'TransferLearning'] },
  { path: 'WarmStartConfig.ParentHyperParameterTuningJobs', required: true, type: 'list', maxItems: 5 },
  { path: 'WarmStartConfig.ParentHyperParameterTuningJobs[].HyperParameterTuningJobName', required: true, pattern: patterns.tuningName },
  { path: 'Tags', type: 'list', maxItems: 50 },
];

/** The training job rules, applied to `TrainingJobDefinition` (no name; static hyperparameters instead). */
const definitionRules: FieldRule[] = trainingJobRules
  .filter((r) => !['TrainingJobName', 'HyperParameters{}', 'Environment{}', 'Tags', 'Tags[].Key', 'Tags[].Value'].includes(r.path))
  .map((r) => ({ ...r, path: `TrainingJobDefinition.${r.path}` }));

const notFound = (name: string) => resourceNotFound(`Amazon SageMaker can't find a tuning job with name ${name}`);

export async function readTuning(ctx: SageMakerContext, name: string): Promise<TuningJobRecord> {
  return ctx.store.get<TuningJobRecord>('tuning-jobs', name, () => notFound(name));
}

/** The objective must be one of the algorithm's metric definitions (it is parsed with that regex). */
function checkObjective(config: HyperParameterTuningJobConfig, definition: HyperParameterTrainingJobDefinition): void {
  const objective = config.HyperParameterTuningJobObjective ?? definition.TuningObjective;
  if (objective === undefined) throw validationError('HyperParameterTuningJobObjective is required');
  const algorithm = definition.AlgorithmSpecification as HyperParameterAlgorithmSpecification;
  if (!(algorithm.MetricDefinitions ?? []).some((m) => m.Name === objective.MetricName)) {
    throw validationError(
      `The objective metric for the hyperparameter tuning job, [${objective.MetricName}], isn't valid for the [${algorithm.TrainingImage}] algorithm. Choose a valid objective metric.`,
    );
  }
}

/** Ranges as @mlops/hpo checks them (SageMaker's wording), and no hyperparameter both static and tuned. */
function checkRanges(config: HyperParameterTuningJobConfig, definition: HyperParameterTrainingJobDefinition): void {
  const ranges = (config.ParameterRanges ?? definition.HyperParameterRanges ?? {}) as ParameterRanges;
  try {
    validateTuningRequest(ranges, config.Strategy as TuningStrategy, config.ResourceLimits ?? {});
  } catch (error) {
    throw error instanceof TuningValidationError ? validationError(error.message) : error;
  }
  if (config.Strategy === 'Hyperband') throw validationError('The local backend supports the Bayesian, Random and Grid strategies');
  const all = [...(ranges.ContinuousParameterRanges ?? []), ...(ranges.IntegerParameterRanges ?? []), ...(ranges.CategoricalParameterRanges ?? [])];
  const both = all.map((r) => r.Name).filter((n) => n in (definition.StaticHyperParameters ?? {}));
  if (both.length > 0) throw validationError(`Hyperparameters can't be both static and tunable: ${both.join(', ')}`);
}

function check(input: CreateHyperParameterTuningJobRequest): void {
  validateRequest(input, rules);
  const definition = input.TrainingJobDefinition;
  if (definition === undefined) {
    throw validationError('The local backend needs TrainingJobDefinition (TrainingJobDefinitions with several algorithms is not supported)');
  }
  validateRequest(input, definitionRules);
  checkTrainingSemantics({ ...definition, HyperParameters: definition.StaticHyperParameters } as never);
  const config = input.HyperParameterTuningJobConfig as HyperParameterTuningJobConfig;
  checkObjective(config, definition);
  checkRanges(config, definition);
}

async function checkParents(ctx: SageMakerContext, input: CreateHyperParameterTuningJobRequest): Promise<void> {
  for (const parent of input.WarmStartConfig?.ParentHyperParameterTuningJobs ?? []) {
    const name = parent.HyperParameterTuningJobName as string;
    const record = await ctx.store.read<TuningJobRecord>('tuning-jobs', name);
    if (record === undefined) throw validationError(`The parent hyperparameter tuning job [${name}] does not exist.`);
    const status = record.Description.HyperParameterTuningJobStatus;
    if (status === 'InProgress' || status === 'Stopping') {
      throw validationError(`The parent hyperparameter tuning job [${name}] is ${status}. A parent must be Completed, Stopped or Failed.`);
    }
  }
}

/** CreateHyperParameterTuningJob: trials run as training jobs, proposed by @mlops/hpo. */
export async function createTuningJob(ctx: SageMakerContext, input: CreateHyperParameterTuningJobRequest): Promise<CreateHyperParameterTuningJobResponse> {
  check(input);
  await checkParents(ctx, input);
  const name = input.HyperParameterTuningJobName as string;
  const arn = arnOf(ctx, 'hyper-parameter-tuning-job', name);
  const now = new Date();
  const config = input.HyperParameterTuningJobConfig!;
  const record: TuningJobRecord = {
    Description: {
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: arn,
      HyperParameterTuningJobConfig: config,
      TrainingJobDefinition: input.TrainingJobDefinition,
      ...(input.WarmStartConfig === undefined ? {} : { WarmStartConfig: input.WarmStartConfig }),
      HyperParameterTuningJobStatus: 'InProgress',
      CreationTime: now,
      LastModifiedTime: now,
      TrainingJobStatusCounters: { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
      ObjectiveStatusCounters: { Succeeded: 0, Pending: 0, Failed: 0 },
    },
    Trials: [],
  };
  if (!(await ctx.store.create('tuning-jobs', name, record))) {
    throw resourceInUse(`A hyperparameter tuning job with the name, ${name}, already exists. Choose a different name.`);
  }
  void ctx.background(runTuning(ctx, name));
  return { HyperParameterTuningJobArn: arn };
}

/** DescribeHyperParameterTuningJob: a missing job is `ResourceNotFound`, as the service answers. */
export async function describeTuningJob(ctx: SageMakerContext, input: DescribeHyperParameterTuningJobRequest): Promise<DescribeHyperParameterTuningJobResponse> {
  validateRequest(input, [{ path: 'HyperParameterTuningJobName', required: true, pattern: patterns.tuningName, maxLength: 32 }]);
  return (await readTuning(ctx, input.HyperParameterTuningJobName as string)).Description;
}

/** ListTrainingJobsForHyperParameterTuningJob (SortBy Name | CreationTime | Status | FinalObjectiveMetricValue). */
export async function listTuningTrials(
  ctx: SageMakerContext,
  input: ListTrainingJobsForHyperParameterTuningJobRequest,
): Promise<ListTrainingJobsForHyperParameterTuningJobResponse> {
  validateRequest(input, [
    { path: 'HyperParameterTuningJobName', required: true, pattern: patterns.tuningName, maxLength: 32 },
    { path: 'MaxResults', type: 'number', min: 1, max: 100 },
    { path: 'StatusEquals', enum: ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] },
    { path: 'SortBy', enum: ['Name', 'CreationTime', 'Status', 'FinalObjectiveMetricValue'] },
    { path: 'SortOrder', enum: ['Ascending', 'Descending'] },
  ]);
  const { Trials } = await readTuning(ctx, input.HyperParameterTuningJobName as string);
  const by = input.SortBy ?? 'Name';
  const keys: Record<string, (t: HyperParameterTrainingJobSummary) => string | number | Date | undefined> = {
    Name: (t) => t.TrainingJobName,
    CreationTime: (t) => t.CreationTime,
    Status: (t) => t.TrainingJobStatus,
    FinalObjectiveMetricValue: (t) => t.FinalHyperParameterTuningJobObjectiveMetric?.Value,
  };
  const trials = Trials.filter((t) => input.StatusEquals === undefined || t.TrainingJobStatus === input.StatusEquals)
    .filter((t) => by !== 'FinalObjectiveMetricValue' || t.FinalHyperParameterTuningJobObjectiveMetric !== undefined)
    .sort(sortBy(keys[by]!, input.SortOrder));
  const { page, NextToken } = paginate(trials, input);
  return { TrainingJobSummaries: page, ...(NextToken === undefined ? {} : { NextToken }) };
}

/** ListHyperParameterTuningJobs (SortBy Name | Status | CreationTime, NameContains, StatusEquals, time filters). */
export async function listTuningJobs(ctx: SageMakerContext, input: ListHyperParameterTuningJobsRequest): Promise<ListHyperParameterTuningJobsResponse> {
  validateRequest(input, [
    { path: 'MaxResults', type: 'number', min: 1, max: 100 },
    { path: 'StatusEquals', enum: ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped', 'Deleting', 'DeleteFailed'] },
    { path: 'SortBy', enum: ['Name', 'Status', 'CreationTime'] },
    { path: 'SortOrder', enum: ['Ascending', 'Descending'] },
  ]);
  const after = (d: Date | undefined, bound: Date | undefined) => bound === undefined || (d !== undefined && d > bound);
  const before = (d: Date | undefined, bound: Date | undefined) => bound === undefined || (d !== undefined && d < bound);
  const jobs = (await ctx.store.list<TuningJobRecord>('tuning-jobs'))
    .map((r) => r.Description)
    .filter((d) => input.NameContains === undefined || d.HyperParameterTuningJobName.includes(input.NameContains))
    .filter((d) => input.StatusEquals === undefined || d.HyperParameterTuningJobStatus === input.StatusEquals)
    .filter((d) => after(d.CreationTime, input.CreationTimeAfter) && before(d.CreationTime, input.CreationTimeBefore))
    .filter((d) => after(d.LastModifiedTime, input.LastModifiedTimeAfter) && before(d.LastModifiedTime, input.LastModifiedTimeBefore));
  const by = input.SortBy ?? 'Name';
  const key = (d: (typeof jobs)[number]) =>
    by === 'Name' ? d.HyperParameterTuningJobName : by === 'Status' ? d.HyperParameterTuningJobStatus : d.CreationTime;
  const { page, NextToken } = paginate(jobs.sort(sortBy(key, input.SortOrder)), input);
  const summaries: HyperParameterTuningJobSummary[] = page.map((d) => ({
    HyperParameterTuningJobName: d.HyperParameterTuningJobName,
    HyperParameterTuningJobArn: d.HyperParameterTuningJobArn,
    HyperParameterTuningJobStatus: d.HyperParameterTuningJobStatus,
    Strategy: d.HyperParameterTuningJobConfig?.Strategy,
    CreationTime: d.CreationTime,
    HyperParameterTuningEndTime: d.HyperParameterTuningEndTime,
    LastModifiedTime: d.LastModifiedTime,
    TrainingJobStatusCounters: d.TrainingJobStatusCounters,
    ObjectiveStatusCounters: d.ObjectiveStatusCounters,
    ResourceLimits: d.HyperParameterTuningJobConfig?.ResourceLimits,
  }));
  return { HyperParameterTuningJobSummaries: summaries, ...(NextToken === undefined ? {} : { NextToken }) };
}
