import type { EncodedRows } from './encoder';

export interface LogisticModelFit {
  intercept: number;
  /** One weight per encoded feature (standardised numeric, one-hot category). */
  weights: Float64Array;
  iterations: number;
  converged: boolean;
  /** Penalised negative log-likelihood at the solution: Σ log-loss + l2 / 2 · ‖w‖². */
  objective: number;
}

export interface LogisticOptions {
  maxIterations?: number;
  /** Stop when no coefficient moves by more than this. */
  tolerance?: number;
  /** Most rows the Hessian of the first steps is computed on (default HESSIAN_ROWS). */
  hessianRows?: number;
  /** Called after each Newton step (for diagnostics). */
  trace?: (step: { iteration: number; size: number; hessianRows: number; objective: number }) => void;
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * The Hessian is computed on at most HESSIAN_ROWS rows (an even stride) for at most MAX_SUBSAMPLED_ITERATIONS steps
 * while that is enough: each such step shrinks the distance to the optimum ~30-fold, and once steps are below 1e-2
 * the last sampled Hessian is reused (one cheap gradient pass per step). Only when convergence stalls (a step below
 * 1e-3 that is not at least STALL_RATIO times smaller than the previous one) does one Hessian over every row take
 * over, reused while steps are small. The gradient always uses every row, so the solution is the exact optimum.
 */
export const HESSIAN_ROWS = 100_000;
export const MAX_SUBSAMPLED_ITERATIONS = 30;
const STALL_RATIO = 4;
/** Below this step size a sampled Hessian is reused while steps keep shrinking (it barely moves any more). */
const REUSE_BELOW = 1e-2;

interface Evaluation {
  objective: number;
  /** Gradient of the penalised log-likelihood (minus the objective's gradient). */
  gradient: Float64Array;
}

/** Objective and gradient over every row (the cheap pass: one multiply-add per slot). */
function evaluate(data: EncodedRows, labels: Uint8Array, beta: Float64Array, l2: number): Evaluation {
  const q = beta.length;
  const { rows, width, index, value } = data;
  const gradient = new Float64Array(q);
  let nll = 0;
  let intercept = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * width;
    let eta = beta[0] as number;
    for (let s = base; s < base + width; s++) eta += (beta[(index[s] as number) + 1] as number) * (value[s] as number);
    const y = labels[i] as number;
    // softplus(eta) and sigmoid(eta) from one exp, with exactly their arithmetic (bit-identical results).
    const e = Math.exp(eta > 0 ? -eta : eta);
    nll += (eta > 0 ? eta + Math.log1p(e) : Math.log1p(e)) - y * eta;
    const r = y - (eta >= 0 ? 1 / (1 + e) : e / (1 + e));
    intercept += r;
    for (let s = base; s < base + width; s++) {
      const a = (index[s] as number) + 1;
      gradient[a] = (gradient[a] as number) + r * (value[s] as number);
    }
  }
  gradient[0] = intercept;
  let penalty = 0;
  for (let k = 1; k < q; k++) {
    const b = beta[k] as number;
    penalty += b * b;
    gradient[k] = (gradient[k] as number) - l2 * b;
  }
  return { objective: nll + 0.5 * l2 * penalty, gradient };
}

/**
 * X'WX + l2·I (intercept unpenalised), upper triangle, sparse in slots. Uses every `stride`-th row and scales
 * by rows / used, so with more than HESSIAN_ROWS rows it is an unbiased estimate: the Newton direction is then
 * approximate but the fixed point (gradient = 0) is exact.
 */
function hessian(data: EncodedRows, beta: Float64Array, l2: number, maxRows: number): Float64Array {
  const q = beta.length;
  const { rows, width, index, value } = data;
  const stride = Math.max(1, Math.ceil(rows / maxRows));
  const out = new Float64Array(q * q);
  const at = new Int32Array(width);
  const val = new Float64Array(width);
  let used = 0;
  for (let i = 0; i < rows; i += stride, used++) {
    const base = i * width;
    let eta = beta[0] as number;
    let nz = 0;
    for (let s = 0; s < width; s++) {
      const v = value[base + s] as number;
      if (v === 0) continue;
      const a = (index[base + s] as number) + 1;
      eta += (beta[a] as number) * v;
      at[nz] = a;
      val[nz++] = v;
    }
    const p = sigmoid(eta);
    const w = p * (1 - p);
    out[0] = (out[0] as number) + w;
    for (let s = 0; s < nz; s++) {
      const a = at[s] as number;
      const wa = w * (val[s] as number);
      out[a] = (out[a] as number) + wa;
      const row = a * q;
      for (let t = s; t < nz; t++) {
        const cell = row + (at[t] as number);
        out[cell] = (out[cell] as number) + wa * (val[t] as number);
      }
    }
  }
  const scale = rows / used;
  if (scale !== 1) for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) * scale;
  for (let k = 1; k < q; k++) out[k * q + k] = (out[k * q + k] as number) + l2;
  return out;
}

/** Solves A x = b for a symmetric positive-definite A given by its upper triangle (row-major, n×n). */
export function solveCholesky(upper: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = upper[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (l[j * n + k] as number) ** 2;
    if (!(d > 0)) throw new Error(`matrix is not positive definite at column ${j}`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = upper[j * n + i] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      l[i * n + j] = s / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (z[k] as number);
    z[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

/** Takes the Newton step, halving it (at most 30 times) while the objective goes up; `accept` takes it as is. */
function lineSearch(
  data: EncodedRows,
  labels: Uint8Array,
  l2: number,
  beta: Float64Array,
  step: Float64Array,
  current: Evaluation,
  accept: boolean,
): [Float64Array, Evaluation] {
  let scale = 1;
  for (let halvings = 0; ; halvings++, scale /= 2) {
    const next = beta.map((b, k) => b + scale * (step[k] as number));
    const result = evaluate(data, labels, next, l2);
    if (accept || result.objective <= current.objective + 1e-12 * Math.abs(current.objective) || halvings >= 30) {
      return [next, result];
    }
  }
}

/** Which Hessian each Newton step uses: subsampled while far from the optimum, then a full one, reused when close. */
class HessianSchedule {
  private matrix: Float64Array = new Float64Array(0);
  rows = 0;
  full = false;

  constructor(
    private readonly data: EncodedRows,
    private readonly l2: number,
    private readonly sampleRows: number,
  ) {}

  next(beta: Float64Array, iteration: number, lastStep: number, previousStep: number): Float64Array {
    const stalled = lastStep * STALL_RATIO > previousStep;
    // Close to the optimum the Hessian barely moves: reuse the last one instead of another pass over X'WX.
    if (this.full && lastStep < 1e-4) return this.matrix;
    if (this.matrix.length > 0 && lastStep < REUSE_BELOW && !stalled) return this.matrix;
    const subsampled = !this.full && iteration <= MAX_SUBSAMPLED_ITERATIONS && !(stalled && lastStep < 1e-3);
    this.rows = subsampled ? Math.min(this.sampleRows, this.data.rows) : this.data.rows;
    this.full = this.rows >= this.data.rows;
    this.matrix = hessian(this.data, beta, this.l2, this.rows);
    return this.matrix;
  }
}

/**
 * L2-regularised logistic regression by Newton's method (IRLS) with step halving; on big data the first steps
 * use a subsampled Hessian (same solution, cheaper steps: see HESSIAN_ROWS). Minimises
 * Σ log-loss + l2 / 2 · ‖w‖² over the encoded features; the intercept is not penalised
 * (the same problem as scikit-learn's LogisticRegression(C = 1 / l2)).
 * @example const fit = fitLogistic(encodeTable(table, encoders), table.labels, nFeatures, 1)
 */
export function fitLogistic(
  data: EncodedRows,
  labels: Uint8Array,
  features: number,
  l2: number,
  options: LogisticOptions = {},
): LogisticModelFit {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const q = features + 1;
  let positives = 0;
  for (const y of labels) positives += y;
  const prior = Math.min(Math.max(positives / Math.max(labels.length, 1), 1e-6), 1 - 1e-6);
  let beta: Float64Array = new Float64Array(q);
  beta[0] = Math.log(prior / (1 - prior));
  let current = evaluate(data, labels, beta, l2);
  const hessians = new HessianSchedule(data, l2, options.hessianRows ?? HESSIAN_ROWS);
  let iterations = 0;
  let converged = false;
  let lastStep = Infinity;
  let stepBefore = Infinity;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const step = solveCholesky(hessians.next(beta, iterations, lastStep, stepBefore), current.gradient);
    const previousStep = lastStep;
    stepBefore = lastStep;
    lastStep = step.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    // Converged when the Newton step is tiny, or small and no longer shrinking: then it is rounding noise in the
    // gradient (a sum over every row) amplified along directions only a tiny l2 pins down, e.g. intercept vs. levels.
    // A sampled Hessian only gets here after every step below 1e-3 shrank STALL_RATIO-fold (else the full one took
    // over), so a step below 1e-7 that stops shrinking is that same noise.
    const noiseFloor = hessians.full ? 1e-6 : 1e-7;
    converged = lastStep < tolerance || (lastStep < noiseFloor && lastStep > previousStep / 2);
    [beta, current] = lineSearch(data, labels, l2, beta, step, current, converged);
    options.trace?.({
      iteration: iterations,
      size: lastStep,
      hessianRows: hessians.rows,
      objective: current.objective,
    });
  }
  return { intercept: beta[0] as number, weights: beta.slice(1), iterations, converged, objective: current.objective };
}

/** Logits of encoded rows under a fitted logistic model. */
export function logisticLogits(data: EncodedRows, intercept: number, weights: Float64Array): Float64Array {
  const { rows, width, index, value } = data;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let eta = intercept;
    for (let s = i * width, e = s + width; s < e; s++)
      eta += (weights[index[s] as number] as number) * (value[s] as number);
    out[i] = eta;
  }
  return out;
}
