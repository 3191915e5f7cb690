import { describe, expect, it } from 'vitest';
import { assignSplit, splitPosition, stableHash32, type SplitName } from '../src/split';

const ratios = { train: 0.7, validation: 0.15, test: 0.15, salt: 'attrition-v1' };

describe('stable split', () => {
  it('hashes to fixed values, so a row keeps its split across releases and machines', () => {
    // Pinned outputs (FNV-1a 32 + fmix32, checked against a Python implementation): changing the hash would
    // move rows between train and test of an existing pipeline.
    expect([stableHash32('a'), stableHash32('attrition-v1:1001'), stableHash32('é')]).toMatchInlineSnapshot(`
      [
        444641715,
        914789088,
        2387039943,
      ]
    `);
    expect(assignSplit('1001', ratios)).toBe(assignSplit('1001', { ...ratios }));
  });

  it('hashes the UTF-8 bytes of non-ASCII keys', () => {
    expect(stableHash32('clé-1')).not.toBe(stableHash32('cle-1'));
    expect(stableHash32('clé-1')).toBe(stableHash32('clé-1'));
  });

  it('keeps the ratios within 1% on 100k sequential keys and spreads neighbours apart', () => {
    const counts: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
    for (let key = 1; key <= 100_000; key++) counts[assignSplit(String(key), ratios)]++;
    expect(counts.train / 100_000).toBeCloseTo(0.7, 2);
    expect(counts.validation / 100_000).toBeCloseTo(0.15, 2);
    expect(counts.test / 100_000).toBeCloseTo(0.15, 2);
    const gaps = [1, 2, 3, 4].map((k) => Math.abs(splitPosition(String(k + 1), 'x') - splitPosition(String(k), 'x')));
    expect(Math.max(...gaps)).toBeGreaterThan(0.05);
  });

  it('reshuffles when the salt changes', () => {
    let moved = 0;
    for (let key = 1; key <= 1000; key++) {
      if (assignSplit(String(key), ratios) !== assignSplit(String(key), { ...ratios, salt: 'attrition-v2' })) moved++;
    }
    expect(moved).toBeGreaterThan(300);
  });

  it('gives positions in [0, 1)', () => {
    for (let key = 0; key < 1000; key++) {
      const u = splitPosition(`k${key}`, 's');
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});
