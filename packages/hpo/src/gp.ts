/**
 * A small Gaussian-process regressor for Bayesian optimisation: Matérn 5/2 kernel with one isotropic length-scale on
 * the [0, 1]-encoded space, a nugget, the signal variance profiled out of the marginal likelihood, and length-scale
 * and nugget picked from a few candidates by marginal likelihood times weak priors (maximum a posteriori).
 * Expects targets already centred (mean 0, roughly unit variance).
 */

/** Kernel settings chosen for a data set. */
export interface GpParams {
  lengthScale: number;
  /** Noise variance relative to the signal variance (the nugget). */
  noise: number;
}

export interface Prediction {
  mean: number;
  sd: number;
}

const LENGTH_SCALES = [0.07, 0.12, 0.2, 0.33, 0.55, 0.9, 1.5];
const NOISES = [1e-6, 1e-4, 1e-2, 1e-1];
/** Nugget of points known exactly (the believed values of pending trials). */
export const EXACT_NOISE = 1e-6;
/**
 * Log-normal prior on the length-scale: centre (times sqrt(width), the typical distance in the unit cube) and
 * log-sd. With a handful of points the likelihood alone prefers wiggly fits; hyperparameter responses are smooth.
 */
const PRIOR_LENGTH_SCALE = 0.4;
const PRIOR_LOG_SD = 0.5;
/** Exponential prior on the nugget, with this mean: noise is allowed but must earn its keep. */
const PRIOR_NOISE_MEAN = 0.05;
const MAX_JITTER_TRIES = 8;
const SQRT5 = Math.sqrt(5);

// Hot loops below index typed arrays within their bounds, hence the non-null assertions.
function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k]! - b[k]!;
    s += d * d;
  }
  return s;
}

function matern52(r2: number, lengthScale: number): number {
  const r = Math.sqrt(r2) / lengthScale;
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/** Lower Cholesky factor (row-major n×n) of a symmetric matrix, or undefined if it is not positive definite. */
function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] ?? 1);
      }
    }
  }
  return l;
}

/** Cholesky with growing jitter on the diagonal until the matrix is numerically positive definite. */
function choleskyWithJitter(a: Float64Array, n: number): Float64Array | undefined {
  let jitter = 0;
  for (let attempt = 0; attempt < MAX_JITTER_TRIES; attempt++) {
    const m = jitter === 0 ? a : a.map((v, idx) => (idx % (n + 1) === 0 ? v + jitter : v));
    const l = cholesky(m, n);
    if (l) return l;
    jitter = jitter === 0 ? 1e-10 : jitter * 100;
  }
  return undefined;
}

/** Solves L z = b (forward substitution), into `z` when given. */
function forwardSolve(
  l: Float64Array,
  n: number,
  b: ArrayLike<number>,
  z: Float64Array = new Float64Array(n),
): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    const row = i * n;
    for (let k = 0; k < i; k++) s -= l[row + k]! * z[k]!;
    z[i] = s / l[row + i]!;
  }
  return z;
}

/** Solves Lᵀ x = z (back substitution). */
function backSolve(l: Float64Array, n: number, z: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] ?? 0;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] ?? 0) * (x[k] ?? 0);
    x[i] = s / (l[i * n + i] ?? 1);
  }
  return x;
}

/** A fitted GP: posterior mean and standard deviation of the latent function anywhere in the space. */
export class GaussianProcess {
  /** Scratch buffers of {@link predict}, which runs thousands of times per proposal. */
  private readonly cross: Float64Array;
  private readonly solved: Float64Array;

  private constructor(
    private readonly xs: readonly ArrayLike<number>[],
    private readonly l: Float64Array,
    private readonly alpha: Float64Array,
    private readonly signal: number,
    readonly params: GpParams,
    /** Log marginal likelihood (signal variance profiled out), for model selection. */
    readonly logLikelihood: number,
  ) {
    this.cross = new Float64Array(xs.length);
    this.solved = new Float64Array(xs.length);
  }

  /**
   * Fits with the given settings; the points from index `exactFrom` on get the tiny {@link EXACT_NOISE} nugget
   * instead of `params.noise`. Undefined only if no jitter makes the kernel matrix positive definite.
   */
  static fit(
    xs: readonly ArrayLike<number>[],
    ys: readonly number[],
    params: GpParams,
    exactFrom = xs.length,
  ): GaussianProcess | undefined {
    return GaussianProcess.fitWithDistances(xs, ys, params, pairwiseDistances(xs), exactFrom);
  }

  /** Fits every candidate length-scale and nugget and keeps the most likely one. */
  static select(xs: readonly ArrayLike<number>[], ys: readonly number[], width: number): GaussianProcess | undefined {
    const d2 = pairwiseDistances(xs);
    const centre = PRIOR_LENGTH_SCALE * Math.sqrt(Math.max(1, width));
    let best: GaussianProcess | undefined;
    let bestScore = -Infinity;
    for (const base of LENGTH_SCALES) {
      const lengthScale = base * Math.sqrt(Math.max(1, width));
      const prior = -0.5 * (Math.log(lengthScale / centre) / PRIOR_LOG_SD) ** 2;
      for (const noise of NOISES) {
        const gp = GaussianProcess.fitWithDistances(xs, ys, { lengthScale, noise }, d2, xs.length);
        const score = gp ? gp.logLikelihood + prior - noise / PRIOR_NOISE_MEAN : -Infinity;
        if (score > bestScore) [best, bestScore] = [gp, score];
      }
    }
    return best;
  }

  private static fitWithDistances(
    xs: readonly ArrayLike<number>[],
    ys: readonly number[],
    params: GpParams,
    d2: Float64Array,
    exactFrom: number,
  ): GaussianProcess | undefined {
    const n = xs.length;
    const nugget = (idx: number) => (idx < exactFrom * (n + 1) ? params.noise : EXACT_NOISE);
    const k = d2.map((r2, idx) => matern52(r2, params.lengthScale) + (idx % (n + 1) === 0 ? nugget(idx) : 0));
    const l = choleskyWithJitter(k, n);
    if (!l) return undefined;
    const alpha = backSolve(l, n, forwardSolve(l, n, ys));
    let quad = 0;
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      quad += (ys[i] ?? 0) * (alpha[i] ?? 0);
      logDet += Math.log(l[i * n + i] ?? 1);
    }
    const signal = Math.max(quad / n, 1e-12);
    const logLikelihood = -0.5 * n * Math.log(signal) - logDet;
    if (!Number.isFinite(logLikelihood) || alpha.some((a) => !Number.isFinite(a))) return undefined;
    return new GaussianProcess(xs, l, alpha, signal, params, logLikelihood);
  }

  predict(x: ArrayLike<number>): Prediction {
    const n = this.xs.length;
    const c = this.cross;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const ci = matern52(squaredDistance(x, this.xs[i]!), this.params.lengthScale);
      c[i] = ci;
      mean += ci * this.alpha[i]!;
    }
    const v = forwardSolve(this.l, n, c, this.solved);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += v[i]! * v[i]!;
    const variance = this.signal * Math.max(1 - explained, 1e-10);
    return { mean: Number.isFinite(mean) ? mean : 0, sd: Number.isFinite(variance) ? Math.sqrt(variance) : 0 };
  }
}

function pairwiseDistances(xs: readonly ArrayLike<number>[]): Float64Array {
  const n = xs.length;
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = squaredDistance(xs[i] ?? [], xs[j] ?? []);
      d2[i * n + j] = v;
      d2[j * n + i] = v;
    }
  }
  return d2;
}
