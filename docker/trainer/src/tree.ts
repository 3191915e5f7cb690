import { binAt, type BinnedRows } from './bins';
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

type BuiltTree = Tree & { bin: number[] };

/** Grows one regression tree on gradients / hessians from binned rows (depth-first, histogram subtraction). */
export class TreeBuilder {
  /** Two histograms per depth (the children of a node), so a parent's survives while its subtrees grow. */
  private readonly pool: Histogram[];
  /** First histogram cell of each feature (and the total at the end). */
  private readonly first: Int32Array;
  /** Slots that hold at least one feature (a category column without levels holds none). */
  private readonly activeSlots: Int32Array;
  /** Per row and active slot, the histogram offset its value falls in (rows in order, slots contiguous). */
  private readonly cells: Int32Array;
  private readonly scratch: Uint32Array;
  private tree: BuiltTree = { feature: [], threshold: [], left: [], right: [], value: [], bin: [] };

  constructor(
    private readonly binned: BinnedRows,
    private readonly index: Int32Array,
    private readonly slotOf: Int32Array,
    private readonly g: Float64Array,
    private readonly h: Float64Array,
    private readonly params: Required<GbtParams>,
  ) {
    this.first = new Int32Array(binned.features + 1);
    binned.thresholds.forEach((cuts, f) => (this.first[f + 1] = (this.first[f] as number) + cuts.length + 1));
    const cells = this.first[binned.features] as number;
    this.pool = Array.from({ length: 2 * (params.maxDepth + 2) }, () => new Float64Array(cells * 3));
    this.activeSlots = Int32Array.from(new Set(slotOf));
    const { rows, width, bins } = binned;
    const slots = this.activeSlots.length;
    this.cells = new Int32Array(rows * slots);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < slots; j++) {
        const at = i * width + (this.activeSlots[j] as number);
        this.cells[i * slots + j] = ((this.first[index[at] as number] as number) + (bins[at] as number)) * 3;
      }
    }
    this.scratch = new Uint32Array(rows);
  }

  grow(rows: Uint32Array): BuiltTree {
    this.tree = { feature: [], threshold: [], left: [], right: [], value: [], bin: [] };
    const root = this.pool[0] as Histogram;
    this.fill(root, rows, 0, rows.length);
    this.node(rows, 0, rows.length, 0, root);
    return this.tree;
  }

  /** Histogram of rows[start, end): one add per slot, then rows where a one-hot column is 0 go to its zero bin. */
  private fill(hist: Histogram, rows: Uint32Array, start: number, end: number): void {
    const { g, h, cells, first } = this;
    const { features, zeroBin } = this.binned;
    const slots = this.activeSlots.length;
    hist.fill(0);
    let sumG = 0;
    let sumH = 0;
    for (let k = start; k < end; k++) {
      const r = rows[k] as number;
      const gr = g[r] as number;
      const hr = h[r] as number;
      sumG += gr;
      sumH += hr;
      for (let j = r * slots, e = j + slots; j < e; j++) {
        const o = cells[j] as number;
        hist[o] = (hist[o] as number) + gr;
        hist[o + 1] = (hist[o + 1] as number) + hr;
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
      hist[o + 2] = (hist[o + 2] as number) + end - start - fc;
    }
  }

  private node(rows: Uint32Array, start: number, end: number, depth: number, hist: Histogram): number {
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
    if (depth >= params.maxDepth || end - start < 2 * params.minSamplesLeaf) return id;
    const split = this.bestSplit(hist, end - start, sumG, sumH);
    if (split === undefined) return id;
    const mid = this.partition(rows, start, end, split);
    tree.feature[id] = split.feature;
    tree.bin[id] = split.bin;
    tree.threshold[id] = this.binned.thresholds[split.feature]?.[split.bin] as number;
    const leftHist = this.pool[2 * depth + 2] as Histogram;
    const rightHist = this.pool[2 * depth + 3] as Histogram;
    if (depth + 1 < params.maxDepth) {
      // Build the smaller child's histogram from its rows, the larger one's as parent minus smaller.
      const [small, large] = mid - start <= end - mid ? [leftHist, rightHist] : [rightHist, leftHist];
      if (small === leftHist) this.fill(small, rows, start, mid);
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

  /** Stable partition (rows stay in ascending order on each side, which keeps memory access sequential). */
  private partition(rows: Uint32Array, start: number, end: number, split: Split): number {
    const slot = this.slotOf[split.feature] as number;
    const right = this.scratch;
    let left = start;
    let nRight = 0;
    for (let k = start; k < end; k++) {
      const r = rows[k] as number;
      if (binAt(this.binned, this.index, r, slot, split.feature) <= split.bin) rows[left++] = r;
      else right[nRight++] = r;
    }
    rows.set(right.subarray(0, nRight), left);
    return left;
  }
}
