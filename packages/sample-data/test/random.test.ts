import { describe, expect, it } from 'vitest';
import { Categorical, Rng } from '../src/random';

describe('Rng', () => {
  it('repeats its stream for a seed and separates streams', () => {
    const draws = (seed: number, stream: number): number[] => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => rng.uniform());
    };
    expect(draws(1, 0)).toEqual(draws(1, 0));
    expect(draws(1, 0)).not.toEqual(draws(1, 1));
    expect(draws(1, 0)).not.toEqual(draws(2, 0));
  });

  it('draws normals with mean 0 and sd 1, and categories in proportion', () => {
    // Arrange
    const rng = new Rng(42);
    const n = 50_000;
    const colours = Categorical.of([
      ['red', 1],
      ['blue', 3],
    ]);
    // Act
    const normals = Array.from({ length: n }, () => rng.normal());
    const blue = Array.from({ length: n }, () => colours.draw(rng)).filter((c) => c === 'blue').length / n;
    // Assess
    const mean = normals.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    expect(Math.abs(blue - 0.75)).toBeLessThan(0.01);
  });
});
