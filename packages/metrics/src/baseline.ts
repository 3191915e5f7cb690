import { InputError } from '@mlops/core';

/**
 * Scores of the prior (majority-class) model: every row gets the training positive rate. Its ROC AUC is 0.5 by
 * construction (every pair is a tie) and its log loss on rows with that positive rate is the entropy of the rate.
 * A candidate has to beat this model, since on imbalanced data "always negative" already scores a high accuracy.
 *
 * @example
 * baselineScores(0.161, 3); // Float64Array [0.161, 0.161, 0.161]
 */
export function baselineScores(trainPositiveRate: number, n: number): Float64Array {
  if (!(trainPositiveRate >= 0 && trainPositiveRate <= 1)) {
    throw new InputError(`train positive rate must be in [0, 1], got ${trainPositiveRate}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new InputError(`row count must be a non-negative integer, got ${n}`);
  return new Float64Array(n).fill(trainPositiveRate);
}
