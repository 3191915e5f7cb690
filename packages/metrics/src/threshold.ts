import type { ThresholdRule } from '@mlops/core';
import { forEachThreshold, rankScores, requireBothClasses, type Ranking } from './ranking';

/**
 * Operating threshold (rows with `score >= threshold` are positive) chosen by one of the config's rules:
 * - `max-f1`: the distinct score with the highest F1; on a tie, the highest such score;
 * - `target-recall`: the highest distinct score whose recall is at least `recall`;
 * - `fixed`: `value` as given.
 * Choose on validation rows and apply to test rows, or the test metrics are optimistic.
 *
 * @example
 * chooseThreshold({ rule: 'target-recall', recall: 0.8 }, labels, scores); // e.g. 0.27
 */
export function chooseThreshold(
  rule: ThresholdRule,
  labels: Uint8Array,
  scores: Float64Array,
  ranking?: Ranking,
): number {
  switch (rule.rule) {
    case 'fixed':
      return rule.value;
    case 'max-f1':
      return maxF1Threshold(ranking ?? rankScores(labels, scores));
    case 'target-recall':
      return targetRecallThreshold(ranking ?? rankScores(labels, scores), rule.recall);
  }
}

function maxF1Threshold(ranking: Ranking): number {
  requireBothClasses(ranking, 'the max-f1 threshold rule');
  const positiveCount = ranking.positives.length;
  let best = { threshold: NaN, f1: -1 };
  forEachThreshold(ranking, (threshold, tp, fp) => {
    // F1 = 2tp / (2tp + fp + fn) with fn = positives - tp.
    const f1 = (2 * tp) / (tp + fp + positiveCount);
    if (f1 > best.f1) best = { threshold, f1 };
  });
  return best.threshold;
}

function targetRecallThreshold(ranking: Ranking, target: number): number {
  requireBothClasses(ranking, 'the target-recall threshold rule');
  const positiveCount = ranking.positives.length;
  let chosen = NaN;
  forEachThreshold(ranking, (threshold, tp) => {
    chosen = threshold;
    // Dividing (not multiplying target × count) makes recall 7/10 compare equal to a target written as 0.7.
    return tp / positiveCount >= target;
  });
  return chosen;
}
