/**
 * mulberry32: a small, fast, seeded 32-bit PRNG returning floats in [0, 1), the same on every platform. The one
 * seeded generator of the project (bootstrap resampling, tuning proposals, tree subsampling, test data).
 * @example
 * const random = mulberry32(42);
 * random(); // 0.6011037519201636, on every run
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
