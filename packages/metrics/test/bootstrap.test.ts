import { describe, expect, it } from 'vitest';
import { bootstrapCi, brier, mulberry32, rocAuc } from '../src';
import { synthetic } from './helpers';

describe('mulberry32', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 1_000 }, () => a());
    expect(Array.from({ length: 1_000 }, () => b())).toEqual(first);
    expect(c()).not.toBe(first[0]);
    expect(first[0]).toBe(0.6011037519201636);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThan(1);
  });
});

describe('bootstrapCi', () => {
  const { labels, scores } = synthetic(500, 0.2, 1, 21);
  const options = { samples: 300, confidence: 0.95, seed: 7 };

  it('gives identical intervals for identical seeds and different ones otherwise', () => {
    const first = bootstrapCi(rocAuc, labels, scores, options);
    expect(bootstrapCi(rocAuc, labels, scores, options)).toEqual(first);
    expect(bootstrapCi(rocAuc, labels, scores, { ...options, seed: 8 }).lower).not.toBe(first.lower);
  });

  it('gives rocAuc the same interval through its counting fast path as any other metric function would get', () => {
    // Prepare: scores with many ties (rounded), so tie groups matter; a wrapper is not `rocAuc` and takes the copy path.
    const tied = Float64Array.from(scores, (x) => Math.round(x * 20) / 20);
    const viaCopies = (l: Uint8Array, s: Float64Array) => rocAuc(l, s);
    // Act
    const fast = bootstrapCi(rocAuc, labels, tied, options);
    const generic = bootstrapCi(viaCopies, labels, tied, options);
    // Assess: the same draws and integer counts give bit-identical bounds.
    expect(fast).toEqual(generic);
  });

  it('contains the point estimate and describes itself', () => {
    const ci = bootstrapCi(rocAuc, labels, scores, options);
    expect(ci.estimate).toBe(rocAuc(labels, scores));
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    expect(ci).toMatchObject({ confidence: 0.95, samples: 300, seed: 7, method: 'percentile', stratified: true });
  });

  it('narrows when the confidence level drops', () => {
    const wide = bootstrapCi(brier, labels, scores, { ...options, confidence: 0.99 });
    const narrow = bootstrapCi(brier, labels, scores, { ...options, confidence: 0.5 });
    expect(narrow.upper - narrow.lower).toBeLessThan(wide.upper - wide.lower);
  });

  it('keeps the class counts in every resample (stratified)', () => {
    const positives = labels.reduce((sum, y) => sum + y, 0);
    const seen = new Set<number>();
    bootstrapCi((l) => (seen.add(l.reduce((sum, y) => sum + y, 0)), 0), labels, scores, { ...options, samples: 50 });
    expect([...seen]).toEqual([positives]);
  });

  it('refuses meaningless options', () => {
    expect(() => bootstrapCi(rocAuc, labels, scores, { ...options, samples: 0 })).toThrow(/samples/);
    expect(() => bootstrapCi(rocAuc, labels, scores, { ...options, confidence: 1 })).toThrow(/confidence/);
  });
});
