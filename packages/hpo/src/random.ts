import { mulberry32 } from '@mlops/core';
/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Mixes integers into one 32-bit seed (murmur3 finaliser over each part). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * Small, fast, seedable generator (mulberry32). Each proposal gets its own stream from (seed, step), so a proposal
 * depends only on the seed and the history, never on how many proposals were asked before.
 *
 * @example
 * const rng = seededRng(mixSeed(42, 3));
 * rng(); // same number on every run
 */
export function seededRng(seed: number): Rng {
  return mulberry32(seed);
}

/** Standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
