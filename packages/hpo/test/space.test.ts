import { describe, expect, it } from 'vitest';
import { resolveScaling, SearchSpace, type ScalingType } from '../src/index';
import { drawMany } from './toys';

const N = 2000;
const draw = (min: string, max: string, ScalingType: ScalingType, kind: 'Continuous' | 'Integer' = 'Continuous') =>
  drawMany(
    {
      strategy: 'Random',
      objectiveType: 'Maximize',
      maxJobs: N,
      seed: 7,
      // The continuous `pad` keeps integer spaces infinite, so Random never needs to dodge repeats.
      ranges: {
        [`${kind}ParameterRanges`]: [{ Name: 'v', MinValue: min, MaxValue: max, ScalingType }],
        ...(kind === 'Integer' ? { ContinuousParameterRanges: [{ Name: 'pad', MinValue: '0', MaxValue: '1' }] } : {}),
      },
    },
    N,
  ).map((hp) => Number(hp.v));
const shareBelow = (xs: number[], threshold: number) => xs.filter((x) => x < threshold).length / xs.length;

describe('scaling', () => {
  it('Auto is Logarithmic for a positive range spanning two orders of magnitude, Linear otherwise', () => {
    expect(resolveScaling('Auto', 1e-4, 1)).toBe('Logarithmic');
    expect(resolveScaling('Auto', 1, 100)).toBe('Logarithmic');
    expect(resolveScaling('Auto', 1, 99)).toBe('Linear');
    expect(resolveScaling('Auto', 0, 1000)).toBe('Linear');
    expect(resolveScaling(undefined, -1, 1)).toBe('Linear');
    expect(resolveScaling('Linear', 1e-4, 1)).toBe('Linear');
  });

  it('Logarithmic draws are log-uniform: half of them fall below the geometric mean', () => {
    const xs = draw('0.0001', '1', 'Logarithmic');
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(shareBelow(xs, 0.01)).toBeGreaterThan(0.45);
    expect(shareBelow(xs, 0.01)).toBeLessThan(0.55);
    expect(shareBelow(xs, 0.001)).toBeGreaterThan(0.2); // a quarter of the decades
  });

  it('Linear draws are uniform: half below the midpoint, almost none below the geometric mean', () => {
    const xs = draw('0.0001', '1', 'Linear');
    expect(shareBelow(xs, 0.5)).toBeGreaterThan(0.45);
    expect(shareBelow(xs, 0.5)).toBeLessThan(0.55);
    expect(shareBelow(xs, 0.01)).toBeLessThan(0.03);
  });

  it('Auto on a wide positive range behaves like Logarithmic', () => {
    expect(shareBelow(draw('0.0001', '1', 'Auto'), 0.01)).toBeGreaterThan(0.45);
  });

  it('ReverseLogarithmic crowds the draws close to 1', () => {
    const xs = draw('0.9', '0.999', 'ReverseLogarithmic');
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...xs)).toBeLessThanOrEqual(0.999);
    // log-uniform in 1 - x: half of the draws above 1 - sqrt(0.1 * 0.001) = 0.99
    expect(shareBelow(xs, 0.99)).toBeGreaterThan(0.45);
    expect(shareBelow(xs, 0.99)).toBeLessThan(0.55);
  });

  it('integers are whole numbers inside the range, each value about equally likely', () => {
    const xs = draw('1', '5', 'Linear', 'Integer');
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 5)).toBe(true);
    for (let v = 1; v <= 5; v++) {
      const share = xs.filter((x) => x === v).length / xs.length;
      expect(share).toBeGreaterThan(0.16);
      expect(share).toBeLessThan(0.24);
    }
  });

  it('log-scaled integers keep the log-uniform shape', () => {
    const xs = draw('1', '10000', 'Logarithmic', 'Integer');
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 10000)).toBe(true);
    expect(shareBelow(xs, 100)).toBeGreaterThan(0.42);
    expect(shareBelow(xs, 100)).toBeLessThan(0.58);
  });
});

describe('SearchSpace', () => {
  const space = new SearchSpace({
    ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '1', ScalingType: 'Logarithmic' }],
    IntegerParameterRanges: [{ Name: 'depth', MinValue: '2', MaxValue: '8' }],
    CategoricalParameterRanges: [{ Name: 'model', Values: ['logistic', 'gbt'] }],
  });

  it('encodes to [0, 1] columns with one-hot categories and decodes back', () => {
    const hp = { eta: '0.03162277660', depth: '5', model: 'gbt', seed: '42' };
    const u = space.encode(hp);
    expect(space.width).toBe(4);
    expect(Array.from(u ?? [])).toEqual([expect.closeTo(0.5, 6), expect.closeTo(0.5, 6), 0, 1]);
    expect(space.decode(u ?? [])).toEqual({ eta: '0.0316227766', depth: '5', model: 'gbt' });
  });

  it('clamps out-of-range values, encodes unknown categories as zeros, and refuses missing ones', () => {
    const u = space.encode({ eta: '5', depth: '100', model: 'svm' });
    expect(Array.from(u ?? [])).toEqual([1, expect.closeTo(1 - 0.5 / 7, 6), 0, 0]);
    expect(space.encode({ eta: '0.1', model: 'gbt' })).toBeUndefined();
    expect(space.encode({ eta: 'x', depth: '3', model: 'gbt' })).toBeUndefined();
  });

  it('counts the points of finite spaces only', () => {
    expect(space.size).toBe(Infinity);
    expect(new SearchSpace({ IntegerParameterRanges: [{ Name: 'd', MinValue: '2', MaxValue: '8' }] }).size).toBe(7);
  });
});
