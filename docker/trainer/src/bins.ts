import type { EncodedRows } from './encoder';

const MAX_BINS = 256;
const SAMPLE = 200_000;

/**
 * Histogram binning in slot form: `bins[row * width + slot]` is the bin of the slot's active feature
 * (`index[row * width + slot]` of the encoded rows); every other feature of that input column is 0 in that row,
 * i.e. in bin `zeroBin[f]`.
 */
export interface BinnedRows {
  rows: number;
  width: number;
  features: number;
  bins: Uint8Array;
  /** Bin b of feature f holds values in (thresholds[f][b-1], thresholds[f][b]]; x ≤ thresholds[f][b] ⇔ bin ≤ b. */
  thresholds: Float64Array[];
  zeroBin: Uint8Array;
}

/** Value of encoded feature f in row i, read from the row's slot for input column `slotOf[f]`. */
function featureValue(data: EncodedRows, i: number, slot: number, f: number): number {
  const at = i * data.width + slot;
  return data.index[at] === f ? (data.value[at] as number) : 0;
}

/** Every `stride`-th value of feature f (at most ~SAMPLE values). */
function sampleFeature(data: EncodedRows, slot: number, f: number): Float64Array {
  const stride = Math.max(1, Math.floor(data.rows / SAMPLE));
  const sample = new Float64Array(Math.ceil(data.rows / stride));
  for (let i = 0, k = 0; i < data.rows; i += stride, k++) sample[k] = featureValue(data, i, slot, f);
  return sample;
}

/** The distinct values when there are at most MAX_BINS, else up to MAX_BINS sample quantiles. */
function edgesOf(sorted: Float64Array): number[] {
  const distinct: number[] = [];
  for (const x of sorted) if (distinct.length === 0 || x !== distinct[distinct.length - 1]) distinct.push(x);
  if (distinct.length <= MAX_BINS) return distinct;
  const edges: number[] = [];
  for (let k = 0; k < MAX_BINS - 1; k++) {
    const x = sorted[Math.floor((k * sorted.length) / (MAX_BINS - 1))] as number;
    if (edges.length === 0 || x !== edges[edges.length - 1]) edges.push(x);
  }
  const last = sorted[sorted.length - 1] as number;
  if (last !== edges[edges.length - 1]) edges.push(last);
  return edges;
}

/** Cut points: midpoints between distinct values when there are few, else midpoints between sample quantiles. */
function cutPoints(data: EncodedRows, slot: number, f: number): Float64Array {
  const sample = sampleFeature(data, slot, f);
  const zeros = sample.filter((x) => x === 0).length;
  const ones = sample.filter((x) => x === 1).length;
  // One-hot columns (the most common case) need no sorting.
  if (zeros + ones === sample.length) return zeros > 0 && ones > 0 ? Float64Array.of(0.5) : new Float64Array(0);
  const edges = edgesOf(sample.sort());
  const cuts = new Float64Array(Math.max(edges.length - 1, 0));
  for (let k = 0; k < cuts.length; k++) cuts[k] = ((edges[k] as number) + (edges[k + 1] as number)) / 2;
  return cuts;
}

/** Number of cut points strictly below x: the bin of x. */
export function binOf(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins encoded rows for tree growing. `slotOf[f]` is the input column (slot) encoded feature f comes from.
 * @example const binned = binRows(encoded, featureToInput(encoders))
 */
export function binRows(data: EncodedRows, slotOf: Int32Array): BinnedRows {
  const { rows, width, index, value } = data;
  const features = slotOf.length;
  const thresholds = Array.from(slotOf, (slot, f) => cutPoints(data, slot, f));
  const zeroBin = Uint8Array.from(thresholds, (cuts) => binOf(cuts, 0));
  const bins = new Uint8Array(rows * width);
  for (let at = 0; at < rows * width; at++) {
    const cuts = thresholds[index[at] as number] as Float64Array;
    if (cuts.length > 0) bins[at] = binOf(cuts, value[at] as number);
  }
  return { rows, width, features, bins, thresholds, zeroBin };
}
