import { MetricNameSchema, type GatePolicy, type MetricName } from '@mlops/core';
import type { GateDecision, GateReason, MetricsReport } from './schema';

/** Whether a larger value of a metric is better or worse. */
export type MetricDirection = 'higher' | 'lower';

/** Direction of every metric: for `lower` metrics a policy "floor" is a ceiling. */
export const METRIC_DIRECTION: Readonly<Record<MetricName, MetricDirection>> = {
  roc_auc: 'higher',
  pr_auc: 'higher',
  log_loss: 'lower',
  brier: 'lower',
  accuracy: 'higher',
  precision: 'higher',
  recall: 'higher',
  f1: 'higher',
};

/**
 * Metrics on which a candidate must be strictly better than the prior model: ranking (roc_auc) and probability
 * quality (log_loss). Accuracy is not one: on imbalanced data the constant model already looks good on it.
 */
export const BASELINE_METRICS: readonly MetricName[] = ['roc_auc', 'log_loss'];

/** Slack for float noise in the non-inferiority test (so 0.80 vs 0.81 − 0.01 passes). */
export const NON_INFERIORITY_TOLERANCE = 1e-12;

/** Input of `decide`; every report must come from the same rows. */
export interface DecideInput {
  policy: GatePolicy;
  candidate: MetricsReport;
  /** The model in production, scored on the same rows; absent on the first run. */
  champion?: MetricsReport;
  /** The prior model (`baselineScores`) evaluated on the same rows. */
  baseline: MetricsReport;
  latencyMsPer1000Rows?: number;
}

/** Short number for reasons: integers as is, others with 6 significant digits. */
function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function signed(x: number): string {
  return x >= 0 ? `+${fmt(x)}` : fmt(x);
}

function relation(a: number, b: number): string {
  if (a > b) return '>';
  return a < b ? '<' : '=';
}

function isBetter(metric: MetricName, value: number, than: number): boolean {
  return METRIC_DIRECTION[metric] === 'higher' ? value > than : value < than;
}

function floorReasons({ policy, candidate }: DecideInput): GateReason[] {
  return MetricNameSchema.options.flatMap((metric) => {
    const bound = policy.floors[metric];
    if (bound === undefined) return [];
    const value = candidate.metrics[metric];
    const higher = METRIC_DIRECTION[metric] === 'higher';
    const passed = value === bound || isBetter(metric, value, bound);
    const kind = higher ? 'floor (higher is better)' : 'ceiling (lower is better)';
    return [
      {
        check: `floor:${metric}`,
        passed,
        detail: `${metric} ${fmt(value)} ${relation(value, bound)} ${kind} ${fmt(bound)}`,
      },
    ];
  });
}

function sameRowsReason(role: string, candidate: MetricsReport, other: MetricsReport): GateReason {
  const passed = candidate.rows === other.rows && candidate.positives === other.positives;
  const counts = (r: MetricsReport) => `${r.rows} rows / ${r.positives} positives`;
  return {
    check: `same-rows:${role}`,
    passed,
    detail: passed
      ? `${role} evaluated on the same ${counts(candidate)}`
      : `${role} evaluated on ${counts(other)}, candidate on ${counts(candidate)}: not comparable`,
  };
}

function baselineReasons({ policy, candidate, baseline }: DecideInput): GateReason[] {
  if (!policy.mustBeatBaseline) {
    return [{ check: 'baseline', passed: true, detail: 'not required by the policy (mustBeatBaseline: false)' }];
  }
  const reasons = [sameRowsReason('baseline', candidate, baseline)];
  for (const metric of BASELINE_METRICS) {
    const value = candidate.metrics[metric];
    const prior = baseline.metrics[metric];
    const passed = isBetter(metric, value, prior);
    const wanted = METRIC_DIRECTION[metric] === 'higher' ? 'higher' : 'lower';
    reasons.push({
      check: `baseline:${metric}`,
      passed,
      detail: `${metric} ${fmt(value)} vs prior model ${fmt(prior)} (${signed(value - prior)}); must be strictly ${wanted}`,
    });
  }
  return reasons;
}

function championReasons({ policy, candidate, champion }: DecideInput): GateReason[] {
  const { metric, margin } = policy.nonInferiority;
  if (!champion) {
    return [
      { check: 'champion', passed: true, detail: `no champion yet (first run): ${metric} non-inferiority not checked` },
    ];
  }
  const value = candidate.metrics[metric];
  const current = champion.metrics[metric];
  const higher = METRIC_DIRECTION[metric] === 'higher';
  const worseBy = higher ? current - value : value - current;
  const passed = worseBy <= margin + NON_INFERIORITY_TOLERANCE;
  const allowed = `${higher ? 'drop' : 'rise'} of at most ${fmt(margin)}`;
  return [
    sameRowsReason('champion', candidate, champion),
    {
      check: `champion:${metric}`,
      passed,
      detail: `${metric} ${fmt(value)} vs champion ${fmt(current)} (${signed(value - current)}); allowed ${allowed}`,
    },
  ];
}

function latencyReasons({ policy, latencyMsPer1000Rows: latency }: DecideInput): GateReason[] {
  const limit = policy.maxLatencyMsPer1000Rows;
  if (limit === undefined) return [];
  if (latency === undefined) {
    return [
      { check: 'latency', passed: false, detail: `policy allows ${fmt(limit)} ms per 1000 rows but none was measured` },
    ];
  }
  const passed = latency <= limit;
  return [
    {
      check: 'latency',
      passed,
      detail: `${fmt(latency)} ms per 1000 rows ${relation(latency, limit)} limit ${fmt(limit)} ms`,
    },
  ];
}

/**
 * The promotion gate. Checks, in order: absolute floors (a ceiling for lower-is-better metrics), that the candidate
 * is strictly better than the prior model on `BASELINE_METRICS`, non-inferiority against the champion (candidate ≥
 * champion − margin, or ≤ champion + margin for lower-is-better), and latency when the policy limits it. Accepts
 * only when every check passed; without a champion only floors, baseline and latency decide.
 *
 * @example
 * const { decision, reasons } = decide({ policy: config.evaluation.policy, candidate, baseline });
 * // e.g. decision: 'accept', reasons[0]: { check: 'floor:roc_auc', passed: true, detail: 'roc_auc 0.83 > floor (higher is better) 0.7' }
 */
export function decide(input: DecideInput): GateDecision {
  const reasons = [
    ...floorReasons(input),
    ...baselineReasons(input),
    ...championReasons(input),
    ...latencyReasons(input),
  ];
  return { decision: reasons.every((r) => r.passed) ? 'accept' : 'reject', reasons };
}
