import { checkPairs } from './input';
import type { Confusion, ThresholdMetrics } from './schema';

/** `a / b`, or 0 when `b` is 0 (scikit-learn's `zero_division=0`). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * Accuracy, precision, recall and F1 of a confusion matrix; any zero division gives 0.
 *
 * @example
 * ratesOf({ tp: 3, fp: 1, tn: 5, fn: 1 }); // { accuracy: 0.8, precision: 0.75, recall: 0.75, f1: 0.75 }
 */
export function ratesOf(c: Confusion): Pick<ThresholdMetrics, 'accuracy' | 'precision' | 'recall' | 'f1'> {
  return {
    accuracy: ratio(c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}

/**
 * Confusion matrix and rates when rows with `score >= threshold` are predicted positive (the same rule the
 * serving container applies with `OPERATING_THRESHOLD`).
 *
 * @example
 * confusionAt(new Uint8Array([1, 0, 1]), new Float64Array([0.9, 0.6, 0.2]), 0.5);
 * // { tp: 1, fp: 1, tn: 0, fn: 1, threshold: 0.5, accuracy: 0.333…, precision: 0.5, recall: 0.5, f1: 0.5 }
 */
export function confusionAt(labels: Uint8Array, scores: Float64Array, threshold: number): ThresholdMetrics {
  checkPairs(labels, scores);
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predictedPositive = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (predictedPositive) c.tp++;
      else c.fn++;
    } else if (predictedPositive) c.fp++;
    else c.tn++;
  }
  return { ...c, threshold, ...ratesOf(c) };
}
