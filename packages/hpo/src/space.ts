import type { ParameterRanges, ScalingType } from './types';
import type { Rng } from './random';

/** A scaling once `Auto` has been decided. */
export type ResolvedScaling = Exclude<ScalingType, 'Auto'>;

interface NumericDimension {
  kind: 'continuous' | 'integer';
  name: string;
  min: number;
  max: number;
  scaling: ResolvedScaling;
  /** Bounds in the scaled space (log, reverse log or identity of the value bounds). */
  lo: number;
  hi: number;
  /** Column of this dimension in the encoded vector. */
  offset: number;
}

interface CategoricalDimension {
  kind: 'categorical';
  name: string;
  values: string[];
  offset: number;
}

export type Dimension = NumericDimension | CategoricalDimension;

/** Orders of magnitude a positive range must span for `Auto` to pick Logarithmic. */
const AUTO_LOG_DECADES = 2;

/**
 * Our rule for `Auto` (SageMaker does not document its own): Logarithmic when the range is positive and spans at
 * least two orders of magnitude (max / min ≥ 100), Linear otherwise.
 *
 * @example
 * resolveScaling('Auto', 1e-4, 1) // 'Logarithmic'
 * resolveScaling('Auto', 1, 10)   // 'Linear'
 */
export function resolveScaling(scaling: ScalingType | undefined, min: number, max: number): ResolvedScaling {
  if (scaling !== undefined && scaling !== 'Auto') return scaling;
  return min > 0 && max / min >= 10 ** AUTO_LOG_DECADES ? 'Logarithmic' : 'Linear';
}

function forward(scaling: ResolvedScaling, x: number): number {
  if (scaling === 'Logarithmic') return Math.log(x);
  if (scaling === 'ReverseLogarithmic') return -Math.log(1 - x);
  return x;
}

function inverse(scaling: ResolvedScaling, t: number): number {
  if (scaling === 'Logarithmic') return Math.exp(t);
  if (scaling === 'ReverseLogarithmic') return 1 - Math.exp(-t);
  return t;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Shortest decimal text of a continuous value, kept inside its range. */
function formatContinuous(x: number, min: number, max: number): string {
  return String(clamp(Number(x.toPrecision(10)), min, max));
}

/**
 * The search space of a tuning job: numeric ranges map to one column each in [0, 1] (uniform in the scaled space),
 * categorical ranges to one-hot columns. Integers own [min - 0.5, max + 0.5] so every integer gets an equal share.
 */
export class SearchSpace {
  readonly dimensions: Dimension[] = [];
  /** Columns of an encoded point. */
  readonly width: number;

  constructor(ranges: ParameterRanges) {
    let offset = 0;
    const numeric = [
      ...(ranges.ContinuousParameterRanges ?? []).map((r) => ({ ...r, kind: 'continuous' as const })),
      ...(ranges.IntegerParameterRanges ?? []).map((r) => ({ ...r, kind: 'integer' as const })),
    ];
    for (const r of numeric) {
      const min = Number(r.MinValue);
      const max = Number(r.MaxValue);
      const scaling = resolveScaling(r.ScalingType, min, max);
      const pad = r.kind === 'integer' ? 0.5 : 0;
      const lo = forward(scaling, min - pad);
      const hi = forward(scaling, max + pad);
      this.dimensions.push({ kind: r.kind, name: r.Name, min, max, scaling, lo, hi, offset: offset++ });
    }
    for (const r of ranges.CategoricalParameterRanges ?? []) {
      this.dimensions.push({ kind: 'categorical', name: r.Name, values: [...r.Values], offset });
      offset += r.Values.length;
    }
    this.width = offset;
  }

  /** Number of distinct points: Infinity as soon as one range is continuous. */
  get size(): number {
    let n = 1;
    for (const d of this.dimensions) {
      if (d.kind === 'categorical') n *= d.values.length;
      else n = d.kind === 'integer' ? n * (d.max - d.min + 1) : Infinity;
    }
    return n;
  }

  /** A point drawn uniformly in the scaled space. */
  sample(rng: Rng): Record<string, string> {
    return this.decode(this.sampleEncoded(rng));
  }

  /** {@link sample}, encoded (and snapped: integers sit on whole numbers). */
  sampleEncoded(rng: Rng): Float64Array {
    const u = new Float64Array(this.width);
    for (const d of this.dimensions) {
      if (d.kind === 'categorical') u[d.offset + Math.floor(rng() * d.values.length)] = 1;
      else u[d.offset] = rng();
    }
    return this.snap(u);
  }

  /**
   * Moves an encoded point, in place, onto the nearest feasible one without a round trip through strings:
   * numeric columns into [0, 1], integers onto whole numbers, categorical columns onto one hot column.
   */
  snap(u: Float64Array): Float64Array {
    for (const d of this.dimensions) {
      if (d.kind === 'categorical') {
        let best = d.offset;
        for (let j = d.offset + 1; j < d.offset + d.values.length; j++) if ((u[j] ?? 0) > (u[best] ?? 0)) best = j;
        u.fill(0, d.offset, d.offset + d.values.length);
        u[best] = 1;
        continue;
      }
      const v = clamp(u[d.offset] ?? 0, 0, 1);
      if (d.kind === 'continuous') {
        u[d.offset] = v;
        continue;
      }
      const k = clamp(Math.round(inverse(d.scaling, d.lo + v * (d.hi - d.lo))), d.min, d.max);
      u[d.offset] = (forward(d.scaling, k) - d.lo) / (d.hi - d.lo);
    }
    return u;
  }

  /** Hyperparameters of an encoded point (numeric columns clamped to [0, 1], categorical = largest column). */
  decode(u: ArrayLike<number>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.dimensions) {
      if (d.kind === 'categorical') {
        let best = 0;
        for (let j = 1; j < d.values.length; j++) if ((u[d.offset + j] ?? 0) > (u[d.offset + best] ?? 0)) best = j;
        out[d.name] = d.values[best] ?? '';
        continue;
      }
      const x = inverse(d.scaling, d.lo + clamp(u[d.offset] ?? 0, 0, 1) * (d.hi - d.lo));
      out[d.name] =
        d.kind === 'integer' ? String(clamp(Math.round(x), d.min, d.max)) : formatContinuous(x, d.min, d.max);
    }
    return out;
  }

  /**
   * Encoded point of some hyperparameters, or undefined when one is missing or not a number. Values outside the
   * ranges (a warm-start parent may have searched wider) are clamped; unknown categories encode as all zeros.
   */
  encode(hyperparameters: Record<string, string>): Float64Array | undefined {
    const u = new Float64Array(this.width);
    for (const d of this.dimensions) {
      const raw = hyperparameters[d.name];
      if (raw === undefined) return undefined;
      if (d.kind === 'categorical') {
        const j = d.values.indexOf(raw);
        if (j >= 0) u[d.offset + j] = 1;
        continue;
      }
      const x = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(x)) return undefined;
      const t = forward(d.scaling, clamp(x, d.min, d.max));
      u[d.offset] = d.hi > d.lo ? clamp((t - d.lo) / (d.hi - d.lo), 0, 1) : 0.5;
    }
    return u;
  }

  /** Identity of a point over the tuned hyperparameters only, for spotting repeats. */
  key(hyperparameters: Record<string, string>): string {
    return this.dimensions.map((d) => hyperparameters[d.name] ?? '').join('\u0000');
  }
}
