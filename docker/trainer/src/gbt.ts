import { binRows } from './bins';
import type { EncodedRows } from './encoder';
import { sigmoid } from './logistic';
import { TreeBuilder } from './tree';
import { mulberry32 } from '@mlops/core';

export interface GbtParams {
  nEstimators: number;
  maxDepth: number;
  learningRate: number;
  minSamplesLeaf: number;
  subsample: number;
  seed: number;
  /** L2 penalty on leaf values (Newton step -G / (H + lambda)). */
  lambda?: number;
}

/**
 * One regression tree on the logit scale, as parallel arrays. Node 0 is the root; leaves have feature -1.
 * `value` is held for every node (the shrunk Newton step of the rows that reached it): leaves give the
 * prediction, inner nodes give the path-based (Saabas) attribution.
 */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbtFit {
  /** Log-odds of the training positive rate: the score before any tree. */
  prior: number;
  trees: Tree[];
  trainLogits: Float64Array;
}

export { mulberry32 };

/** Rows of this round: all of them, or a Bernoulli(subsample) draw. */
function sampleRows(all: Uint32Array, subsample: number, random: () => number): Uint32Array {
  if (subsample >= 1) return all;
  let n = 0;
  const picked = new Uint32Array(all.length);
  for (let i = 0; i < all.length; i++) if (random() < subsample) picked[n++] = i;
  return picked.subarray(0, n);
}

/**
 * Gradient-boosted shallow regression trees on the logistic loss (Newton leaves, histogram splits).
 * `slotOf[f]` is the input column encoded feature f comes from (see `featureToInput`).
 * @example const fit = fitGbt(encoded, table.labels, featureToInput(encoders), { nEstimators: 100, maxDepth: 3, ... })
 */
export function fitGbt(data: EncodedRows, labels: Uint8Array, slotOf: Int32Array, params: GbtParams): GbtFit {
  const full: Required<GbtParams> = { lambda: 1, ...params };
  const binned = binRows(data, slotOf);
  const n = data.rows;
  let positives = 0;
  for (const y of labels) positives += y;
  const rate = Math.min(Math.max(positives / Math.max(n, 1), 1e-6), 1 - 1e-6);
  const prior = Math.log(rate / (1 - rate));
  const logits = new Float64Array(n).fill(prior);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const random = mulberry32(full.seed);
  const builder = new TreeBuilder(binned, data.index, slotOf, g, h, full);
  const trees: Tree[] = [];
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let t = 0; t < full.nEstimators; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(logits[i] as number);
      g[i] = p - (labels[i] as number);
      h[i] = Math.max(p * (1 - p), 1e-12);
    }
    const { bin, ...tree } = builder.grow(sampleRows(all, full.subsample, random));
    for (let i = 0; i < n; i++) {
      let node = 0;
      for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
        const goLeft = builder.goesLeft(i, f, bin[node] as number);
        node = (goLeft ? tree.left[node] : tree.right[node]) as number;
      }
      logits[i] = (logits[i] as number) + (tree.value[node] as number);
    }
    trees.push(tree);
  }
  return { prior, trees, trainLogits: logits };
}

/** Score before any feature is known: prior + Σ root values (what Saabas attributions start from). */
export function gbtBaseValue(prior: number, trees: readonly Tree[]): number {
  return trees.reduce((sum, tree) => sum + (tree.value[0] as number), prior);
}

/**
 * Raw score (logit) of one dense encoded row, adding path-based (Saabas) attributions to
 * `contributions[slotOf[f]]`: gbtBaseValue + Σ contributions = returned score.
 */
export function gbtExplain(
  x: Float64Array,
  prior: number,
  trees: readonly Tree[],
  slotOf: Int32Array,
  contributions: Float64Array | undefined,
): number {
  let score = prior;
  for (const tree of trees) {
    let node = 0;
    for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
      const child = (
        (x[f] as number) <= (tree.threshold[node] as number) ? tree.left[node] : tree.right[node]
      ) as number;
      if (contributions !== undefined) {
        const slot = slotOf[f] as number;
        contributions[slot] =
          (contributions[slot] as number) + (tree.value[child] as number) - (tree.value[node] as number);
      }
      node = child;
    }
    score += tree.value[node] as number;
  }
  return score;
}
