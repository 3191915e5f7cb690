import { InputError } from '@mlops/core';
import { checkPairs } from './input';
import type { CalibrationBin, ScoreHistogram } from './schema';

/** Probabilities are clipped to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] before taking logs. */
export const LOG_LOSS_EPS = 1e-15;

/**
 * Mean binary cross-entropy (natural log) with probabilities clipped at 1e-15, as scikit-learn's
 * `log_loss(eps=1e-15)`. Lower is better.
 *
 * @example
 * logLoss(new Uint8Array([1, 0]), new Float64Array([0.8, 0.4])); // (−ln 0.8 − ln 0.6) / 2 ≈ 0.367
 */
export function logLoss(labels: Uint8Array, scores: Float64Array): number {
  checkPairs(labels, scores, { probabilities: true });
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(scores[i]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/**
 * Brier score: mean squared difference between probability and label. Lower is better.
 *
 * @example
 * brier(new Uint8Array([1, 0]), new Float64Array([0.8, 0.4])); // (0.04 + 0.16) / 2 = 0.1
 */
export function brier(labels: Uint8Array, scores: Float64Array): number {
  checkPairs(labels, scores, { probabilities: true });
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i]! - labels[i]!;
    sum += d * d;
  }
  return sum / labels.length;
}

function checkBinCount(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) throw new InputError(`bin count must be a positive integer, got ${bins}`);
}

/**
 * Edge k of `bins` uniform bins over [0, 1], computed as numpy's `linspace(0, 1, bins + 1)` does (k × step), so a
 * score lying on an edge lands in the same bin as in scikit-learn (3 × 0.1 is 0.30000000000000004, not 0.3).
 */
function edge(k: number, bins: number): number {
  return k === bins ? 1 : k * (1 / bins);
}

/** Edge k as reported (k / bins, so 0.3 rather than 0.30000000000000004); membership uses `edge`. */
function edgeLabel(k: number, bins: number): number {
  return k / bins;
}

/**
 * Calibration bin of a probability: bins are right-closed, `[0, e1], (e1, e2], …`, which is where scikit-learn's
 * `calibration_curve(strategy='uniform')` puts a score lying exactly on an edge.
 */
function binOf(p: number, bins: number): number {
  let k = Math.min(bins - 1, Math.floor(p * bins));
  while (k > 0 && p <= edge(k, bins)) k--;
  while (k < bins - 1 && p > edge(k + 1, bins)) k++;
  return k;
}

/**
 * Reliability table over `bins` uniform bins of [0, 1]: per bin the row count, the mean predicted probability and
 * the observed positive rate (both null for an empty bin). The non-empty bins match scikit-learn's
 * `calibration_curve(n_bins=bins, strategy='uniform')`.
 *
 * @example
 * calibrationBins(labels, scores, 10)[9]; // e.g. { lower: 0.9, upper: 1, count: 31, meanPredicted: 0.95, observedRate: 0.93 }
 */
export function calibrationBins(labels: Uint8Array, scores: Float64Array, bins = 10): CalibrationBin[] {
  checkPairs(labels, scores, { probabilities: true });
  checkBinCount(bins);
  const counts = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const k = binOf(scores[i]!, bins);
    counts[k]!++;
    predicted[k]! += scores[i]!;
    observed[k]! += labels[i]!;
  }
  return Array.from(counts, (count, k) => ({
    lower: edgeLabel(k, bins),
    upper: edgeLabel(k + 1, bins),
    count,
    meanPredicted: count === 0 ? null : predicted[k]! / count,
    observedRate: count === 0 ? null : observed[k]! / count,
  }));
}

/**
 * Score counts of each class over `bins` uniform bins of [0, 1] (right-closed like `calibrationBins`), for
 * plotting how well the score separates the classes.
 *
 * @example
 * scoreHistogram(labels, scores, 20); // e.g. { edges: [0, 0.05, …, 1], positive: [0, 1, …], negative: [40, 31, …] }
 */
export function scoreHistogram(labels: Uint8Array, scores: Float64Array, bins = 20): ScoreHistogram {
  checkPairs(labels, scores, { probabilities: true });
  checkBinCount(bins);
  const positive = new Array<number>(bins).fill(0);
  const negative = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const k = binOf(scores[i]!, bins);
    if (labels[i] === 1) positive[k]!++;
    else negative[k]!++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => edgeLabel(k, bins)), positive, negative };
}
