import { InputError } from '@mlops/core';
import { forEachThreshold, rankScores, requireBothClasses, type Ranking } from './ranking';
import type { PrPoint, RocPoint } from './schema';

/** Options of `rocCurve` and `prCurve`. */
export interface CurveOptions {
  /** At most this many points are returned (default 200); the first and last point are always kept. */
  maxPoints?: number;
  /** A ranking from `rankScores` of the same rows, to skip sorting again. */
  ranking?: Ranking;
}

export const DEFAULT_CURVE_POINTS = 200;

/**
 * Keeps at most `maxPoints` evenly spaced points (by index), always the first and the last.
 *
 * @example
 * downsample([1, 2, 3, 4, 5], 3); // [1, 3, 5]
 */
export function downsample<T>(points: readonly T[], maxPoints: number = DEFAULT_CURVE_POINTS): T[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new InputError(`maxPoints must be an integer >= 2`);
  if (points.length <= maxPoints) return [...points];
  const kept: T[] = [];
  for (let k = 0; k < maxPoints; k++) {
    kept.push(points[Math.round((k * (points.length - 1)) / (maxPoints - 1))]!);
  }
  return kept;
}

/**
 * ROC curve from (0, 0) through one point per distinct score (highest first) to (1, 1), downsampled for plotting.
 * Same points as scikit-learn's `roc_curve(drop_intermediate=False)` before downsampling.
 *
 * @example
 * rocCurve(labels, scores, { maxPoints: 50 }); // e.g. [{ fpr: 0, tpr: 0, threshold: null }, …, { fpr: 1, tpr: 1, threshold: 0.01 }]
 */
export function rocCurve(labels: Uint8Array, scores: Float64Array, options: CurveOptions = {}): RocPoint[] {
  const ranking = options.ranking ?? rankScores(labels, scores);
  requireBothClasses(ranking, 'ROC curve');
  const positiveCount = ranking.positives.length;
  const negativeCount = ranking.negatives.length;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  forEachThreshold(ranking, (threshold, tp, fp) => {
    points.push({ fpr: fp / negativeCount, tpr: tp / positiveCount, threshold });
  });
  return downsample(points, options.maxPoints);
}

/**
 * Precision-recall curve from (recall 0, precision 1) through one point per distinct score, highest first: the points
 * of scikit-learn's (>= 1.1) `precision_recall_curve` in increasing recall order, before downsampling.
 *
 * @example
 * prCurve(labels, scores); // e.g. [{ recall: 0, precision: 1, threshold: null }, { recall: 0.1, precision: 1, threshold: 0.97 }, …]
 */
export function prCurve(labels: Uint8Array, scores: Float64Array, options: CurveOptions = {}): PrPoint[] {
  const ranking = options.ranking ?? rankScores(labels, scores);
  const positiveCount = ranking.positives.length;
  if (positiveCount === 0) throw new InputError('the precision-recall curve needs at least one positive row');
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: null }];
  forEachThreshold(ranking, (threshold, tp, fp) => {
    points.push({ recall: tp / positiveCount, precision: tp / (tp + fp), threshold });
  });
  return downsample(points, options.maxPoints);
}
