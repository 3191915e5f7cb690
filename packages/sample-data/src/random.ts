/**
 * Seeded pseudo-random numbers: mulberry32 for speed (one 32-bit state, a handful of integer ops per draw),
 * Box–Muller for normals. Not cryptographic; the point is the same stream for the same seed on every machine.
 */

/** Mix a user seed and a stream id into a well-spread 32-bit state (splitmix32-style finaliser). */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream | 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * A deterministic random source.
 * @example const rng = new Rng(7); rng.uniform(); rng.int(1, 6); rng.normal();
 */
export class Rng {
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream = 0) {
    this.state = mixSeed(seed, stream);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer uniform in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u = 1 - this.uniform(); // (0, 1]: log stays finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  /** Index drawn from a cumulative weight table (see `cumulative`). */
  pick(cdf: readonly number[]): number {
    const u = this.uniform() * (cdf[cdf.length - 1] ?? 1);
    for (let i = 0; i < cdf.length - 1; i++) if (u < (cdf[i] ?? 0)) return i;
    return cdf.length - 1;
  }
}

/** Running sums of a weight list, for `Rng.pick`. */
export function cumulative(weights: readonly number[]): number[] {
  let total = 0;
  return weights.map((w) => (total += w));
}

/** A categorical distribution over labelled values, drawn in O(levels). */
export class Categorical<T> {
  private readonly cdf: number[];

  constructor(
    readonly values: readonly T[],
    weights: readonly number[],
  ) {
    if (values.length !== weights.length || values.length === 0) throw new RangeError('values and weights differ');
    this.cdf = cumulative(weights);
  }

  /** Build from `[value, weight]` pairs. */
  static of<T>(pairs: readonly (readonly [T, number])[]): Categorical<T> {
    return new Categorical(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }

  draw(rng: Rng): T {
    return this.values[rng.pick(this.cdf)] as T;
  }
}

/** Clamp x into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
