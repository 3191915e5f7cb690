import {
  CreateHyperParameterTuningJobCommand,
  ListHyperParameterTuningJobsCommand,
  type CreateHyperParameterTuningJobCommandInput,
} from '@aws-sdk/client-sagemaker';
import { getJson, putJson } from '@mlops/clients';
import {
  assertWithinBudget,
  ConfigError,
  estimateRunCost,
  layout,
  nextWait,
  POLLING,
  RunStateSchema,
  s3Uri,
  shortHash,
  tuningJobPrefix,
  type CostEstimate,
  type JobRef,
  type PipelineConfig,
  type RunState,
} from '@mlops/core';
import { jobNetwork, runConfig, type Deps, type JobNetwork } from '@mlops/lambda-kit';
import { checkDrift, type DriftSummary } from './drift';

export const StartTuningEvent = RunStateSchema;

const TUNING_JOB_NAME_MAX = 32;
const RUN_HASH_LENGTH = 8;

/**
 * The name prefix of a pipeline's tuning jobs. Core's prefix keeps 12 characters of the pipeline, which fits the
 * 32-character limit only for projects of up to 6 characters; a longer project shortens the pipeline part instead.
 */
export function tuningPrefix(project: string, pipeline: string): string {
  const room = TUNING_JOB_NAME_MAX - RUN_HASH_LENGTH - `${project}--hpo-`.length;
  return tuningJobPrefix(project, pipeline.slice(0, Math.max(1, room)));
}

/** The tuning job's name: ≤ 32 characters, unique per run. */
export function tuningJobName(project: string, pipeline: string, runId: string): string {
  const name = `${tuningPrefix(project, pipeline)}${shortHash(runId, RUN_HASH_LENGTH)}`;
  if (name.length > TUNING_JOB_NAME_MAX) {
    throw new ConfigError(`project name "${project}" is too long for a ${TUNING_JOB_NAME_MAX}-character tuning job name (${name})`);
  }
  return name;
}

type Ranges = NonNullable<CreateHyperParameterTuningJobCommandInput['HyperParameterTuningJobConfig']>['ParameterRanges'];

/** SageMaker's ParameterRanges from the pipeline config (values are strings in the API). */
export function parameterRanges(tuning: PipelineConfig['tuning']): Ranges {
  return {
    ContinuousParameterRanges: tuning.ranges.continuous.map((r) => ({
      Name: r.name,
      MinValue: String(r.min),
      MaxValue: String(r.max),
      ScalingType: r.scaling,
    })),
    IntegerParameterRanges: tuning.ranges.integer.map((r) => ({
      Name: r.name,
      MinValue: String(r.min),
      MaxValue: String(r.max),
      ScalingType: r.scaling,
    })),
    CategoricalParameterRanges: tuning.ranges.categorical.map((r) => ({ Name: r.name, Values: r.values })),
  };
}

async function previousTuningJob(deps: Deps, prefix: string, current: string): Promise<string | undefined> {
  const out = await deps.clients.sagemaker.send(
    new ListHyperParameterTuningJobsCommand({
      NameContains: prefix,
      StatusEquals: 'Completed',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 10,
    }),
  );
  return out.HyperParameterTuningJobSummaries?.map((s) => s.HyperParameterTuningJobName).find(
    (name) => name !== undefined && name.startsWith(prefix) && name !== current,
  );
}

/** The full CreateHyperParameterTuningJob request for a run. */
export function tuningRequest(args: {
  name: string;
  config: PipelineConfig;
  state: RunState;
  image: string;
  roleArn: string;
  artifacts: string;
  kmsKeyId?: string;
  network: JobNetwork;
  parent?: string;
}): CreateHyperParameterTuningJobCommandInput {
  const { config, state, artifacts } = args;
  const { tuning, container } = config;
  const prepared = layout.prepared(state.pipeline, state.runId);
  const channel = (name: string, key: string, contentType: string) => ({
    ChannelName: name,
    ContentType: contentType,
    InputMode: 'File' as const,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: s3Uri(artifacts, key), S3DataDistributionType: 'FullyReplicated' as const } },
  });
  const objectiveRegex = tuning.objective.regex;
  const metricDefinitions = [
    { Name: tuning.objective.metric, Regex: objectiveRegex },
    { Name: 'train:auc', Regex: 'train:auc=([0-9\\.eE+-]+)' },
    { Name: 'validation:logloss', Regex: 'validation:logloss=([0-9\\.eE+-]+)' },
  ].filter((m, i, all) => all.findIndex((o) => o.Name === m.Name) === i);
  return {
    HyperParameterTuningJobName: args.name,
    HyperParameterTuningJobConfig: {
      Strategy: tuning.strategy,
      HyperParameterTuningJobObjective: { Type: tuning.objective.type, MetricName: tuning.objective.metric },
      ResourceLimits: {
        ...(tuning.strategy === 'Grid' ? {} : { MaxNumberOfTrainingJobs: tuning.maxJobs }),
        MaxParallelTrainingJobs: tuning.maxParallelJobs,
      },
      ParameterRanges: parameterRanges(tuning),
      TrainingJobEarlyStoppingType: 'Off',
      ...(tuning.strategy === 'Grid' ? {} : { RandomSeed: tuning.randomSeed }),
    },
    TrainingJobDefinition: {
      StaticHyperParameters: Object.fromEntries(
        Object.entries({ seed: tuning.randomSeed, ...tuning.staticHyperparameters }).map(([k, v]) => [k, String(v)]),
      ),
      AlgorithmSpecification: { TrainingImage: args.image, TrainingInputMode: 'File', MetricDefinitions: metricDefinitions },
      RoleArn: args.roleArn,
      InputDataConfig: [
        channel('train', `${prepared}train/`, 'text/csv'),
        channel('validation', `${prepared}validation/`, 'text/csv'),
        channel('config', layout.runConfigPrefix(state.pipeline, state.runId), 'application/json'),
      ],
      OutputDataConfig: { S3OutputPath: s3Uri(artifacts, layout.tuningOutput(state.pipeline, state.runId)), KmsKeyId: args.kmsKeyId },
      ResourceConfig: { InstanceType: container.instanceType as never, InstanceCount: container.instanceCount, VolumeSizeInGB: container.volumeSizeGb, VolumeKmsKeyId: args.kmsKeyId },
      StoppingCondition: { MaxRuntimeInSeconds: container.maxRuntimeSeconds },
      EnableNetworkIsolation: args.network.isolation,
      ...(args.network.vpc ? { VpcConfig: args.network.vpc } : {}),
      EnableInterContainerTrafficEncryption: true,
    },
    ...(args.parent
      ? { WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: args.parent }], WarmStartType: 'TransferLearning' } }
      : {}),
    Tags: [
      { Key: 'mlops:pipeline', Value: state.pipeline },
      { Key: 'mlops:run', Value: state.runId },
    ],
  };
}

/**
 * The run's cost estimated again with the rows `prepare` counted (its summary.json), before the costliest step:
 * raises BudgetExceededError when tuning, evaluation or publishing is over its `budget.stages` entry or the run over
 * `budget.maxRunUsd`. The estimate is added to the run record next to StartRun's (`cost.beforeTuning`).
 */
export async function checkTuningBudget(state: RunState, config: PipelineConfig, deps: Deps): Promise<CostEstimate> {
  const artifacts = deps.env.need('ARTIFACTS_BUCKET');
  const summary = await getJson<{ rows: { train: number; validation: number; test: number }; scoreRows?: number }>(
    deps.clients.s3,
    artifacts,
    `${layout.prepared(state.pipeline, state.runId)}summary.json`,
  );
  const { train, validation, test } = summary.rows;
  const estimate = estimateRunCost(config, { rows: train + validation + test, trainRows: train, scoreRows: summary.scoreRows });
  const record = await getJson<Record<string, unknown>>(deps.clients.s3, artifacts, state.run.recordKey);
  await putJson(deps.clients.s3, artifacts, state.run.recordKey, { ...record, cost: { ...(record.cost as object | undefined), beforeTuning: estimate } });
  deps.logger.info('tuning cost estimated', { tuningUsd: estimate.stages.tuning, runUsd: estimate.totalUsd, trainRows: train });
  assertWithinBudget(estimate, config.budget, ['tuning', 'evaluation', 'publishing'], 'before tuning');
  return estimate;
}

/**
 * Start the run's hyperparameter tuning job, warm-started from the pipeline's previous completed one. First, the
 * prepared dataset is compared with the last accepted one (`checkDrift`): its profile exists only once `prepare`
 * ran, and a drift that fails the run (failOnDrift) must stop it before the costliest step; then the cost is
 * estimated again with the real row counts and checked against the budgets (`checkTuningBudget`).
 */
export async function startTuning(state: RunState, deps: Deps): Promise<JobRef & { parent: string | null; drift: DriftSummary }> {
  const { clients, env, logger } = deps;
  const config = await runConfig(state, deps);
  const name = tuningJobName(env.project, state.pipeline, state.runId);
  const drift = await checkDrift(state, config, deps);
  await checkTuningBudget(state, config, deps);
  const parent = config.tuning.warmStart
    ? await previousTuningJob(deps, tuningPrefix(env.project, state.pipeline), name)
    : undefined;
  const request = tuningRequest({
    name,
    config,
    state,
    image: env.imageUri(config.container.image),
    roleArn: env.need('SAGEMAKER_ROLE_ARN'),
    artifacts: env.need('ARTIFACTS_BUCKET'),
    kmsKeyId: env.get('KMS_KEY_ARN'),
    network: jobNetwork(config, env),
    parent,
  });
  await clients.sagemaker.send(new CreateHyperParameterTuningJobCommand(request));
  logger.info('tuning started', { name, strategy: config.tuning.strategy, maxJobs: config.tuning.maxJobs, parent: parent ?? null });
  return { kind: 'tuning', names: [name], status: 'InProgress', attempt: 0, waitSeconds: nextWait(0, POLLING.tuning), parent: parent ?? null, drift };
}
