import prices from './prices.json';
import { pollsUntil, POLLING, type Backoff } from '../backoff';
import { BudgetExceededError, ConfigError } from '../errors';
import type { PipelineConfig } from '../config/schema';

/** The stages a budget can cap (`budget.stages.<stage>`), in run order. */
export const BUDGETED_STAGES = ['validation', 'preparation', 'tuning', 'evaluation', 'publishing'] as const;
export type BudgetedStage = (typeof BUDGETED_STAGES)[number];
/** `orchestration` (Lambda and Step Functions) counts in the run total only. */
export type CostStage = BudgetedStage | 'orchestration';

/**
 * The cost model's assumptions. Job seconds are billed seconds: a fixed start-up (image pull, data download,
 * model upload) plus a part that grows linearly with the rows the job reads. docs/cost.md explains each figure.
 */
export interface CostAssumptions {
  /** Rows of the dataset when nobody counted them (the run record says whether rows were assumed). */
  defaultRows: number;
  /** Billed start-up of every SageMaker job. */
  jobOverheadSeconds: number;
  /** One training trial, per million rows of the train split. */
  trainingSecondsPerMillionRows: number;
  /** The `prepare` processing job, per million rows of the dataset. */
  processingSecondsPerMillionRows: number;
  /** A batch transform, per million rows scored. */
  transformSecondsPerMillionRows: number;
  /** Glue Data Quality: workers (DPUs) of the evaluation run and seconds per million rows. */
  glueWorkers: number;
  glueSecondsPerMillionRows: number;
  /** Lambda memory (GB) and average billed seconds per invocation. */
  lambdaGb: number;
  lambdaSecondsEach: number;
  /** States entered once per run outside the polling loops (Start*, Evaluate, Register, Choices, Notify…). */
  fixedTransitions: number;
  /** Task states invoked once per run outside the polling loops. */
  fixedInvocations: number;
  /** Hours of a real-time endpoint charged to the run (publish.mode endpoint or both): its first day. */
  endpointHours: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  defaultRows: 10_000,
  jobOverheadSeconds: 120,
  trainingSecondsPerMillionRows: 120,
  processingSecondsPerMillionRows: 60,
  transformSecondsPerMillionRows: 60,
  glueWorkers: 2,
  glueSecondsPerMillionRows: 60,
  lambdaGb: 0.5,
  lambdaSecondsEach: 1,
  fixedTransitions: 16,
  fixedInvocations: 10,
  endpointHours: 24,
};

export interface CostLine {
  stage: CostStage;
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}

/** What the data looks like, as far as it is known when the estimate is made. */
export interface CostData {
  /** Rows of the whole dataset (header excluded). */
  rows?: number;
  /** Rows of the train split, once `prepare` counted them. */
  trainRows?: number;
  /** Rows to score when publishing (default: as many as the dataset). */
  scoreRows?: number;
}

export interface CostEstimate {
  totalUsd: number;
  /** USD per stage (rounded to 1/10,000). */
  stages: Record<CostStage, number>;
  lines: CostLine[];
  priceRegion: string;
  /** The date the price table was last checked (prices.json `asOf`). */
  pricesAsOf: string;
  /** The figures the estimate rests on. */
  basis: {
    rows: number;
    rowsAssumed: boolean;
    trainRows: number;
    secondsPerTrial: number;
    tuningWallSeconds: number;
    endpointHours: number | null;
    stateTransitions: number;
    lambdaInvocations: number;
  };
}

const round = (usd: number) => Math.round(usd * 10000) / 10000;

/** The on-demand hourly price of a SageMaker instance type, from prices.json. */
export function instancePrice(instanceType: string): number {
  const price = (prices.sagemakerInstanceHour as Record<string, number>)[instanceType];
  if (price === undefined) {
    throw new ConfigError(`no price for ${instanceType} in packages/core/src/cost/prices.json: add it (see docs/cost.md) to estimate and run`);
  }
  return price;
}

interface Job {
  stage: CostStage;
  item: string;
  instanceSeconds: number;
  /** How long the state machine waits for it (for the polls it costs). */
  wallSeconds: number;
  backoff: Backoff;
}

function sagemakerJobs(config: PipelineConfig, data: Required<CostData>, a: CostAssumptions): { jobs: Job[]; secondsPerTrial: number } {
  const { container, tuning, split, publish } = config;
  const seconds = (perMillion: number, rows: number) => Math.min(container.maxRuntimeSeconds, a.jobOverheadSeconds + (perMillion * rows) / 1e6);
  const secondsPerTrial = seconds(a.trainingSecondsPerMillionRows, data.trainRows);
  const tuningWall = Math.ceil(tuning.maxJobs / tuning.maxParallelJobs) * secondsPerTrial;
  const heldOut = Math.round(data.rows * (split.validation + split.test));
  const scoring = seconds(a.transformSecondsPerMillionRows, heldOut);
  const jobs: Job[] = [
    { stage: 'preparation', item: 'SageMaker processing (prepare)', instanceSeconds: seconds(a.processingSecondsPerMillionRows, data.rows), wallSeconds: 0, backoff: POLLING.processing },
    { stage: 'tuning', item: `SageMaker tuning (${tuning.maxJobs} trials × ${Math.round(secondsPerTrial)} s)`, instanceSeconds: tuning.maxJobs * secondsPerTrial, wallSeconds: tuningWall, backoff: POLLING.tuning },
    { stage: 'evaluation', item: 'SageMaker batch transforms (candidate + champion)', instanceSeconds: 2 * scoring, wallSeconds: scoring, backoff: POLLING.transform },
  ];
  if (publish.mode !== 'endpoint') {
    const transform = seconds(a.transformSecondsPerMillionRows, data.scoreRows);
    jobs.push({ stage: 'publishing', item: 'SageMaker batch transform (scoring)', instanceSeconds: transform, wallSeconds: transform, backoff: POLLING.transform });
  }
  for (const job of jobs) {
    job.instanceSeconds = Math.round(job.instanceSeconds * container.instanceCount);
    if (job.wallSeconds === 0) job.wallSeconds = job.instanceSeconds / container.instanceCount;
  }
  return { jobs, secondsPerTrial };
}

function knownData(config: PipelineConfig, data: CostData, a: CostAssumptions): Required<CostData> & { rowsAssumed: boolean } {
  const rows = data.rows ?? (data.trainRows === undefined ? a.defaultRows : Math.round(data.trainRows / config.split.train));
  return {
    rows,
    rowsAssumed: data.rows === undefined && data.trainRows === undefined,
    trainRows: data.trainRows ?? Math.round(rows * config.split.train),
    scoreRows: data.scoreRows ?? rows,
  };
}

/**
 * Estimated AWS cost of one run, per stage: SageMaker instance-seconds (processing, every tuning trial, batch
 * transforms) × the instance type's price, the endpoint's first `endpointHours` when publishing to one, Glue
 * DPU-seconds of the Data Quality run, and the orchestration: Lambda GB-seconds and requests, state transitions
 * (polls counted from the back-off schedule). Prices: prices.json; model and assumptions: docs/cost.md.
 * @example estimateRunCost(config, { rows: 1470 }).stages.tuning
 */
export function estimateRunCost(config: PipelineConfig, data: CostData = {}, assumptions: Partial<CostAssumptions> = {}): CostEstimate {
  const a = { ...DEFAULT_ASSUMPTIONS, ...assumptions };
  const known = knownData(config, data, a);
  const hourly = instancePrice(config.container.instanceType);
  const { jobs, secondsPerTrial } = sagemakerJobs(config, known, a);
  const lines: CostLine[] = [];
  const glueSeconds = Math.max(prices.glueDataQualityMinimumDpuSeconds, (a.glueSecondsPerMillionRows * known.rows) / 1e6) * a.glueWorkers;
  lines.push({ stage: 'validation', item: 'Glue Data Quality', quantity: Math.round(glueSeconds), unit: 'DPU-seconds', usd: (glueSeconds / 3600) * prices.glueDpuHour });
  for (const job of jobs) {
    lines.push({ stage: job.stage, item: job.item, quantity: job.instanceSeconds, unit: `${config.container.instanceType} instance-seconds`, usd: (job.instanceSeconds / 3600) * hourly });
  }
  const { endpoint, mode } = config.publish;
  const endpointHours = mode === 'batch' ? null : a.endpointHours * endpoint.initialInstanceCount;
  if (endpointHours !== null) {
    const usd = endpointHours * instancePrice(endpoint.instanceType);
    lines.push({ stage: 'publishing', item: `SageMaker endpoint, first ${a.endpointHours} h`, quantity: endpointHours, unit: `${endpoint.instanceType} instance-hours`, usd });
  }
  const polls =
    pollsUntil(glueSeconds / a.glueWorkers, POLLING.glue).polls + jobs.reduce((sum, job) => sum + pollsUntil(job.wallSeconds, job.backoff).polls, 0);
  const transitions = a.fixedTransitions + 3 * polls;
  const invocations = a.fixedInvocations + polls;
  const gbSeconds = invocations * a.lambdaGb * a.lambdaSecondsEach;
  lines.push({ stage: 'orchestration', item: 'Lambda', quantity: gbSeconds, unit: `GB-seconds (${invocations} invocations)`, usd: gbSeconds * prices.lambdaGbSecond + invocations * prices.lambdaRequest });
  lines.push({ stage: 'orchestration', item: 'Step Functions', quantity: transitions, unit: 'state transitions', usd: transitions * prices.stepFunctionsTransition });
  const stages = Object.fromEntries(
    [...BUDGETED_STAGES, 'orchestration'].map((stage) => [stage, round(lines.filter((l) => l.stage === stage).reduce((s, l) => s + l.usd, 0))]),
  ) as Record<CostStage, number>;
  return {
    totalUsd: round(lines.reduce((sum, line) => sum + line.usd, 0)),
    stages,
    lines: lines.map((l) => ({ ...l, usd: Math.round(l.usd * 1e6) / 1e6 })),
    priceRegion: prices.region,
    pricesAsOf: prices.asOf,
    basis: {
      rows: known.rows,
      rowsAssumed: known.rowsAssumed,
      trainRows: known.trainRows,
      secondsPerTrial: Math.round(secondsPerTrial),
      tuningWallSeconds: Math.round(jobs.find((j) => j.stage === 'tuning')?.wallSeconds ?? 0),
      endpointHours,
      stateTransitions: transitions,
      lambdaInvocations: invocations,
    },
  };
}

const usd = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

/**
 * Raise BudgetExceededError when the estimate is over `budget.maxRunUsd` or over the budget of one of `stages`.
 * The message says the estimate, the budget and which setting changes it.
 * @example assertWithinBudget(estimate, config.budget, ['tuning'], 'before tuning')
 */
export function assertWithinBudget(estimate: CostEstimate, budget: PipelineConfig['budget'], stages: readonly BudgetedStage[], when: string): void {
  const over: string[] = [];
  for (const stage of stages) {
    const limit = budget.stages[stage];
    if (limit !== undefined && estimate.stages[stage] > limit) {
      over.push(`the ${stage} stage is estimated at ${usd(estimate.stages[stage])}, over budget.stages.${stage} of ${usd(limit)}`);
    }
  }
  if (estimate.totalUsd > budget.maxRunUsd) {
    over.push(`the run is estimated at ${usd(estimate.totalUsd)}, over budget.maxRunUsd of ${usd(budget.maxRunUsd)}`);
  }
  if (over.length === 0) return;
  const { basis } = estimate;
  const rows = `${basis.rows} rows${basis.rowsAssumed ? ' (assumed)' : ''}, ${basis.trainRows} to train on, ${basis.secondsPerTrial} s per trial`;
  throw new BudgetExceededError(
    `${when}: ${over.join('; ')} (${rows}; prices of ${estimate.priceRegion} as of ${estimate.pricesAsOf}). ` +
      'Raise the budget in the pipeline config, or lower tuning.maxJobs, container.instanceType or the data size; the model is in docs/cost.md.',
  );
}
