import type { BinnedRows } from './bins';
import type { GbtParams, Tree } from './gbt';

interface Split {
  feature: number;
  bin: number;
}

/**
 * Gradient, hessian and row count per (feature, bin), interleaved: 3 numbers at 3 × (first[f] + bin). Features
 * hold only their own bins (2 for a one-hot column), so the whole histogram stays in cache.
 */
type Histogram = Float64Array;

export type BuiltTree = Tree & { bin: number[] };

/**
 * Grows regression trees on gradients / hessians (depth-first, histogram subtraction). Rows are stored slot-major
 * (`cells[j * rows + r]`: histogram offset of row r's value in active slot j) and node rows are kept in ascending
 * order, so every pass over a node streams through memory instead of jumping between rows.
 */
export class TreeBuilder {
  /** Two histograms per depth (the children of a node), so a parent's survives while its subtrees grow. */
  private readonly pool: Histogram[];
  /** First histogram cell of each feature (and the total at the end). */
  private readonly first: Int32Array;
  /** Position of each feature's input column among the active slots (slots holding at least one feature). */
  private readonly slotIndex: Int32Array;
  private readonly slots: number;
  private readonly cells: Uint16Array | Int32Array;
  private readonly scratch: Uint32Array;
  private readonly gs: Float64Array;
  private readonly hs: Float64Array;
  private tree: BuiltTree = { feature: [], threshold: [], left: [], right: [], value: [], bin: [] };

  constructor(
    private readonly binned: BinnedRows,
    index: Int32Array,
    slotOf: Int32Array,
    private readonly g: Float64Array,
    private readonly h: Float64Array,
    private readonly params: Required<GbtParams>,
  ) {
    const { rows, width, bins, features, thresholds } = binned;
    this.first = new Int32Array(features + 1);
    thresholds.forEach((cuts, f) => (this.first[f + 1] = (this.first[f] as number) + cuts.length + 1));
    const total = this.first[features] as number;
    this.pool = Array.from({ length: 2 * (params.maxDepth + 2) }, () => new Float64Array(total * 3));
    const active = [...new Set(slotOf)];
    this.slots = active.length;
    this.slotIndex = Int32Array.from(slotOf, (slot) => active.indexOf(slot));
    this.cells = total * 3 < 65536 ? new Uint16Array(rows * this.slots) : new Int32Array(rows * this.slots);
    active.forEach((slot, j) => {
      for (let r = 0; r < rows; r++) {
        const at = r * width + slot;
        this.cells[j * rows + r] = ((this.first[index[at] as number] as number) + (bins[at] as number)) * 3;
      }
    });
    this.scratch = new Uint32Array(rows);
    this.gs = new Float64Array(rows);
    this.hs = new Float64Array(rows);
  }

  grow(rows: Uint32Array): BuiltTree {
    this.tree = { feature: [], threshold: [], left: [], right: [], value: [], bin: [] };
    const root = this.pool[0] as Histogram;
    this.fill(root, rows, 0, rows.length);
    this.node(rows, 0, rows.length, 0, root);
    return this.tree;
  }

  /** Whether row r goes left at a split of feature f at `bin` (a one-hot column inactive in r is 0). */
  goesLeft(r: number, f: number, bin: number): boolean {
    const o = this.cells[(this.slotIndex[f] as number) * this.binned.rows + r] as number;
    const lo = (this.first[f] as number) * 3;
    if (o >= lo && o < (this.first[f + 1] as number) * 3) return o - lo <= bin * 3;
    return (this.binned.zeroBin[f] as number) <= bin;
  }

  /** Histogram of rows[start, end): gradients gathered in row order, then one streaming pass per slot. */
  private fill(hist: Histogram, rows: Uint32Array, start: number, end: number): void {
    const { gs, hs, cells, first } = this;
    const { features, zeroBin } = this.binned;
    const n = this.binned.rows;
    const count = end - start;
    let sumG = 0;
    let sumH = 0;
    for (let k = 0; k < count; k++) {
      const r = rows[start + k] as number;
      sumG += gs[k] = this.g[r] as number;
      sumH += hs[k] = this.h[r] as number;
    }
    hist.fill(0);
    for (let j = 0; j < this.slots; j++) {
      const base = j * n;
      for (let k = 0; k < count; k++) {
        const o = cells[base + (rows[start + k] as number)] as number;
        hist[o] = (hist[o] as number) + (gs[k] as number);
        hist[o + 1] = (hist[o + 1] as number) + (hs[k] as number);
        hist[o + 2] = (hist[o + 2] as number) + 1;
      }
    }
    for (let f = 0; f < features; f++) {
      let fg = 0;
      let fh = 0;
      let fc = 0;
      for (let o = (first[f] as number) * 3, e = (first[f + 1] as number) * 3; o < e; o += 3) {
        fg += hist[o] as number;
        fh += hist[o + 1] as number;
        fc += hist[o + 2] as number;
      }
      const o = ((first[f] as number) + (zeroBin[f] as number)) * 3;
      hist[o] = (hist[o] as number) + sumG - fg;
      hist[o + 1] = (hist[o + 1] as number) + sumH - fh;
      hist[o + 2] = (hist[o + 2] as number) + count - fc;
    }
  }

  private node(rows: Uint32Array, start: number, end: number, depth: number, hist: Histogram | undefined): number {
    const { tree, params } = this;
    let sumG = 0;
    let sumH = 0;
    for (let k = start; k < end; k++) {
      sumG += this.g[rows[k] as number] as number;
      sumH += this.h[rows[k] as number] as number;
    }
    const id = tree.value.length;
    tree.value.push((-sumG / (sumH + params.lambda)) * params.learningRate);
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.bin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    if (hist === undefined || depth >= params.maxDepth || end - start < 2 * params.minSamplesLeaf) return id;
    const split = this.bestSplit(hist, end - start, sumG, sumH);
    if (split === undefined) return id;
    const mid = this.partition(rows, start, end, split);
    tree.feature[id] = split.feature;
    tree.bin[id] = split.bin;
    tree.threshold[id] = this.binned.thresholds[split.feature]?.[split.bin] as number;
    let leftHist: Histogram | undefined;
    let rightHist: Histogram | undefined;
    if (depth + 1 < params.maxDepth) {
      // Build the smaller child's histogram from its rows, the larger one's as parent minus smaller.
      leftHist = this.pool[2 * depth + 2] as Histogram;
      rightHist = this.pool[2 * depth + 3] as Histogram;
      const leftSmaller = mid - start <= end - mid;
      const [small, large] = leftSmaller ? [leftHist, rightHist] : [rightHist, leftHist];
      if (leftSmaller) this.fill(small, rows, start, mid);
      else this.fill(small, rows, mid, end);
      for (let o = 0; o < hist.length; o++) large[o] = (hist[o] as number) - (small[o] as number);
    }
    tree.left[id] = this.node(rows, start, mid, depth + 1, leftHist);
    tree.right[id] = this.node(rows, mid, end, depth + 1, rightHist);
    return id;
  }

  private bestSplit(hist: Histogram, count: number, sumG: number, sumH: number): Split | undefined {
    const { thresholds, features } = this.binned;
    const { lambda, minSamplesLeaf } = this.params;
    const parent = (sumG * sumG) / (sumH + lambda);
    let best: Split | undefined;
    let bestGain = 1e-9;
    for (let f = 0; f < features; f++) {
      const cuts = (thresholds[f] as Float64Array).length;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b < cuts; b++) {
        const o = ((this.first[f] as number) + b) * 3;
        gl += hist[o] as number;
        hl += hist[o + 1] as number;
        cl += hist[o + 2] as number;
        if (cl < minSamplesLeaf) continue;
        if (count - cl < minSamplesLeaf) break;
        const gr = sumG - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (sumH - hl + lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b };
        }
      }
    }
    return best;
  }

  /** Stable partition: rows stay ascending on each side. */
  private partition(rows: Uint32Array, start: number, end: number, split: Split): number {
    const right = this.scratch;
    let left = start;
    let nRight = 0;
    for (let k = start; k < end; k++) {
      const r = rows[k] as number;
      if (this.goesLeft(r, split.feature, split.bin)) rows[left++] = r;
      else right[nRight++] = r;
    }
    rows.set(right.subarray(0, nRight), left);
    return left;
  }
}
