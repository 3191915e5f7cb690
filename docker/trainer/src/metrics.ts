/**
 * Area under the ROC curve by the rank-sum (Mann–Whitney) formula, ties counted half.
 * Scores may be probabilities or logits. NaN when a class is absent.
 * @example rocAuc(new Float64Array([0.1, 0.9]), new Uint8Array([0, 1])) // 1
 */
export function rocAuc(scores: Float64Array, labels: Uint8Array): number {
  let positives = 0;
  for (const y of labels) positives += y;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(scores.length - positives);
  let p = 0;
  let q = 0;
  scores.forEach((s, i) => (labels[i] === 1 ? (pos[p++] = s) : (neg[q++] = s)));
  if (pos.length === 0 || neg.length === 0) return NaN;
  pos.sort();
  neg.sort();
  let below = 0;
  let belowOrEqual = 0;
  let sum = 0;
  for (const s of pos) {
    while (below < neg.length && (neg[below] as number) < s) below++;
    if (belowOrEqual < below) belowOrEqual = below;
    while (belowOrEqual < neg.length && (neg[belowOrEqual] as number) <= s) belowOrEqual++;
    sum += below + (belowOrEqual - below) / 2;
  }
  return sum / (pos.length * neg.length);
}

/** Mean binary log loss of logits (computed stably from the logit, no clipping needed). */
export function logLossFromLogits(logits: Float64Array, labels: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as number;
    const loss = labels[i] === 1 ? softplusNeg(z) : softplusNeg(-z);
    sum += loss;
  }
  return logits.length > 0 ? sum / logits.length : NaN;
}

/** log(1 + e^-z) */
function softplusNeg(z: number): number {
  return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}
