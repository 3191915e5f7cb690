import { InputError } from '@mlops/core';
import { checkPairs, countPositives } from './input';

/**
 * The scores of each class, sorted ascending. Every ranking metric (AUCs, curves, threshold rules) walks these two
 * arrays, so one sort serves them all; together they hold exactly one number per row.
 */
export interface Ranking {
  readonly positives: Float64Array;
  readonly negatives: Float64Array;
}

/**
 * Splits the scores by class and sorts each part (native numeric sort, no comparator). Pass the result to `rocAuc`,
 * `prAuc`, `rocCurve`, `prCurve` and `chooseThreshold` to sort once for all of them.
 *
 * @example
 * const ranking = rankScores(labels, scores);
 * const auc = rocAuc(labels, scores, ranking);
 * const ap = prAuc(labels, scores, ranking);
 */
export function rankScores(labels: Uint8Array, scores: Float64Array): Ranking {
  checkPairs(labels, scores);
  const positiveCount = countPositives(labels);
  const positives = new Float64Array(positiveCount);
  const negatives = new Float64Array(labels.length - positiveCount);
  let p = 0;
  let q = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives[p++] = scores[i]!;
    else negatives[q++] = scores[i]!;
  }
  positives.sort();
  negatives.sort();
  return { positives, negatives };
}

/** Called once per distinct score, highest first, with the counts of rows whose score is `>= threshold`. */
export type ThresholdVisitor = (threshold: number, tp: number, fp: number) => boolean | void;

/**
 * Visits every distinct score from the highest down with cumulative true/false positive counts (the steps of the ROC
 * and PR curves). The walk stops early when the visitor returns `true`.
 *
 * @example
 * forEachThreshold(rankScores(labels, scores), (threshold, tp, fp) => console.log(threshold, tp, fp));
 */
export function forEachThreshold(ranking: Ranking, visit: ThresholdVisitor): void {
  const { positives, negatives } = ranking;
  let i = positives.length - 1;
  let j = negatives.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const threshold = Math.max(i >= 0 ? positives[i]! : -Infinity, j >= 0 ? negatives[j]! : -Infinity);
    while (i >= 0 && positives[i] === threshold) {
      tp++;
      i--;
    }
    while (j >= 0 && negatives[j] === threshold) {
      fp++;
      j--;
    }
    if (visit(threshold, tp, fp) === true) return;
  }
}

/** Throws unless the ranking holds both classes (AUC and threshold rules are undefined otherwise). */
export function requireBothClasses(ranking: Ranking, what: string): void {
  if (ranking.positives.length === 0 || ranking.negatives.length === 0) {
    throw new InputError(
      `${what} needs both classes; got ${ranking.positives.length} positive and ${ranking.negatives.length} negative rows`,
    );
  }
}

/**
 * Area under the ROC curve (trapezoids over distinct scores, so a tie between a positive and a negative counts one
 * half: the Mann-Whitney statistic). Counts are integers, so the result is exact up to one final division.
 *
 * @example
 * rocAuc(new Uint8Array([0, 0, 1, 1]), new Float64Array([0.1, 0.4, 0.35, 0.8])); // 0.75
 */
export function rocAuc(
  labels: Uint8Array,
  scores: Float64Array,
  ranking: Ranking = rankScores(labels, scores),
): number {
  requireBothClasses(ranking, 'ROC AUC');
  let twiceArea = 0;
  let previousTp = 0;
  let previousFp = 0;
  forEachThreshold(ranking, (_threshold, tp, fp) => {
    twiceArea += (fp - previousFp) * (tp + previousTp);
    previousTp = tp;
    previousFp = fp;
  });
  return twiceArea / (2 * ranking.positives.length * ranking.negatives.length);
}

/**
 * Area under the precision-recall curve as **average precision**, the same quantity as scikit-learn's
 * `average_precision_score`: sum over distinct scores (highest first) of (recall gained) × (precision there). No
 * interpolation, so it is not the trapezoidal area.
 *
 * @example
 * prAuc(new Uint8Array([0, 0, 1, 1]), new Float64Array([0.1, 0.4, 0.35, 0.8])); // 0.8333…
 */
export function prAuc(labels: Uint8Array, scores: Float64Array, ranking: Ranking = rankScores(labels, scores)): number {
  const positiveCount = ranking.positives.length;
  if (positiveCount === 0) throw new InputError('average precision needs at least one positive row');
  let sum = 0;
  let previousTp = 0;
  forEachThreshold(ranking, (_threshold, tp, fp) => {
    if (tp > previousTp) {
      sum += (tp - previousTp) * (tp / (tp + fp));
      previousTp = tp;
    }
    return tp === positiveCount;
  });
  return sum / positiveCount;
}
