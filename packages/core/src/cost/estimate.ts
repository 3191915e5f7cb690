import prices from './prices.json';
import type { PipelineConfig } from '../config/schema';

/** Assumptions behind an estimate; the defaults describe a small tabular dataset. */
export interface CostAssumptions {
  trainingSecondsPerJob: number;
  processingSeconds: number;
  transformSeconds: number;
  glueWorkers: number;
  glueSeconds: number;
  lambdaInvocations: number;
  lambdaGb: number;
  lambdaSecondsEach: number;
  stateTransitions: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  trainingSecondsPerJob: 180,
  processingSeconds: 180,
  transformSeconds: 240,
  glueWorkers: 2,
  glueSeconds: 180,
  lambdaInvocations: 40,
  lambdaGb: 0.5,
  lambdaSecondsEach: 2,
  stateTransitions: 120,
};

export interface CostEstimate {
  totalUsd: number;
  lines: { item: string; quantity: number; unit: string; usd: number }[];
  priceRegion: string;
}

function instancePrice(instanceType: string): number {
  const table = prices.sagemakerInstanceHour as Record<string, number>;
  const price = table[instanceType];
  if (price === undefined) throw new Error(`no price for ${instanceType} in packages/core/src/cost/prices.json`);
  return price;
}

/**
 * Estimated AWS cost of one run: SageMaker instance-seconds for tuning (every trial at the assumed duration),
 * processing and transforms, Glue DPU-seconds, Lambda GB-seconds and state transitions.
 * @example estimateRunCost(config).totalUsd
 */
export function estimateRunCost(config: PipelineConfig, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): CostEstimate {
  const { container, tuning } = config;
  const hourly = instancePrice(container.instanceType) * container.instanceCount;
  const trainSeconds = Math.min(assumptions.trainingSecondsPerJob, container.maxRuntimeSeconds) * tuning.maxJobs;
  const glueDpuSeconds = Math.max(assumptions.glueSeconds, prices.glueDataQualityMinimumDpuSeconds) * assumptions.glueWorkers;
  const lines = [
    { item: 'SageMaker tuning (all trials)', quantity: trainSeconds, unit: 'instance-seconds', usd: (trainSeconds / 3600) * hourly },
    { item: 'SageMaker processing (prepare)', quantity: assumptions.processingSeconds, unit: 'instance-seconds', usd: (assumptions.processingSeconds / 3600) * hourly },
    { item: 'SageMaker batch transforms (3)', quantity: assumptions.transformSeconds * 3, unit: 'instance-seconds', usd: ((assumptions.transformSeconds * 3) / 3600) * hourly },
    { item: 'Glue Data Quality', quantity: glueDpuSeconds, unit: 'DPU-seconds', usd: (glueDpuSeconds / 3600) * prices.glueDpuHour },
    {
      item: 'Lambda',
      quantity: assumptions.lambdaInvocations * assumptions.lambdaGb * assumptions.lambdaSecondsEach,
      unit: 'GB-seconds',
      usd: assumptions.lambdaInvocations * assumptions.lambdaGb * assumptions.lambdaSecondsEach * prices.lambdaGbSecond,
    },
    { item: 'Step Functions', quantity: assumptions.stateTransitions, unit: 'state transitions', usd: assumptions.stateTransitions * prices.stepFunctionsTransition },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { totalUsd: Math.round(totalUsd * 10000) / 10000, lines, priceRegion: prices.region };
}
