import { InputError } from '@mlops/core';

/**
 * Throws an `InputError` unless `labels` and `scores` describe the same non-empty rows, every label is 0 or 1
 * and every score is finite (and within [0, 1] when `probabilities` is set).
 *
 * @example
 * checkPairs(new Uint8Array([1, 0]), new Float64Array([0.9, 0.2]), { probabilities: true });
 */
export function checkPairs(labels: Uint8Array, scores: Float64Array, options: { probabilities?: boolean } = {}): void {
  if (labels.length !== scores.length) {
    throw new InputError(`labels (${labels.length} rows) and scores (${scores.length} rows) differ in length`);
  }
  if (labels.length === 0) throw new InputError('no rows to evaluate');
  const low = options.probabilities ? 0 : -Infinity;
  const high = options.probabilities ? 1 : Infinity;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const score = scores[i]!;
    if (label > 1) throw new InputError(`label at row ${i} is ${label}; labels must be 0 or 1`);
    // `!(a <= b)` also rejects NaN.
    if (!(score >= low && score <= high) || !Number.isFinite(score)) {
      const expected = options.probabilities ? 'a probability in [0, 1]' : 'a finite number';
      throw new InputError(`score at row ${i} is ${score}; expected ${expected}`);
    }
  }
}

/** Number of rows labelled 1. */
export function countPositives(labels: Uint8Array): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  return positives;
}
