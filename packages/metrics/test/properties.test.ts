import { InputError } from '@mlops/core';
import { describe, expect, it } from 'vitest';
import {
  brier,
  calibrationBins,
  confusionAt,
  downsample,
  logLoss,
  prAuc,
  prCurve,
  rankScores,
  rocAuc,
  rocCurve,
  scoreHistogram,
} from '../src';
import { scored, synthetic } from './helpers';

function mapScores(scores: Float64Array, f: (s: number) => number): Float64Array {
  return scores.map(f);
}

describe('ROC AUC properties', () => {
  const { labels, scores } = synthetic(2_000, 0.2, 1, 7);

  it('is 1 for perfectly separating scores and 0 for inverted ones', () => {
    const perfect = Float64Array.from(labels, (y, i) => (y === 1 ? 0.6 + i * 1e-5 : 0.4 - i * 1e-5));
    expect(rocAuc(labels, perfect)).toBe(1);
    expect(
      rocAuc(
        labels,
        mapScores(perfect, (s) => 1 - s),
      ),
    ).toBe(0);
    expect(prAuc(labels, perfect)).toBe(1);
  });

  it('is exactly 0.5 for a constant score (every pair ties)', () => {
    expect(rocAuc(labels, new Float64Array(labels.length).fill(0.3))).toBe(0.5);
  });

  it('is invariant to strictly increasing transforms of the score', () => {
    const auc = rocAuc(labels, scores);
    const ap = prAuc(labels, scores);
    for (const f of [(s: number) => Math.log(s / (1 - s)), (s: number) => s ** 3, (s: number) => 10 * s - 4]) {
      expect(rocAuc(labels, mapScores(scores, f))).toBe(auc);
      expect(prAuc(labels, mapScores(scores, f))).toBeCloseTo(ap, 12);
    }
  });

  it('counts ties across classes as one half (Mann-Whitney)', () => {
    // Pairs (pos, neg): (0.5, 0.5) tie = ½, (0.5, 0.2) = 1, (0.9, 0.5) = 1, (0.9, 0.2) = 1 → 3.5 / 4.
    const { labels: l, scores: s } = scored([1, 1, 0, 0], [0.5, 0.9, 0.5, 0.2]);
    expect(rocAuc(l, s)).toBe(0.875);
  });

  it('equals the brute-force pair count on random data with ties', () => {
    const rounded = mapScores(scores, (s) => Math.round(s * 20) / 20).subarray(0, 400);
    const l = labels.subarray(0, 400);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < l.length; i++) {
      for (let j = 0; j < l.length; j++) {
        if (l[i] !== 1 || l[j] !== 0) continue;
        pairs++;
        wins += rounded[i]! > rounded[j]! ? 1 : rounded[i] === rounded[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(l, rounded)).toBeCloseTo(wins / pairs, 14);
  });

  it('refuses data with a single class, mismatched lengths, bad labels and NaN scores', () => {
    expect(() => rocAuc(new Uint8Array([1, 1]), new Float64Array([0.2, 0.3]))).toThrow(/both classes/);
    expect(() => rocAuc(new Uint8Array([1, 0]), new Float64Array([0.2]))).toThrow(InputError);
    expect(() => rocAuc(new Uint8Array([2, 0]), new Float64Array([0.2, 0.1]))).toThrow(/0 or 1/);
    expect(() => rocAuc(new Uint8Array([1, 0]), new Float64Array([NaN, 0.1]))).toThrow(/finite/);
    expect(() => logLoss(new Uint8Array([1, 0]), new Float64Array([1.2, 0.1]))).toThrow(/probability/);
    expect(() => prAuc(new Uint8Array([0, 0]), new Float64Array([0.2, 0.1]))).toThrow(/positive/);
  });
});

describe('curves', () => {
  const { labels, scores } = synthetic(5_000, 0.3, 1, 3);

  it('downsample curves to at most 200 points, keeping both ends', () => {
    const ranking = rankScores(labels, scores);
    const roc = rocCurve(labels, scores, { ranking });
    const pr = prCurve(labels, scores, { ranking, maxPoints: 50 });
    expect(roc).toHaveLength(200);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(pr).toHaveLength(50);
    expect(pr[0]).toEqual({ recall: 0, precision: 1, threshold: null });
    expect(pr.at(-1)?.recall).toBe(1);
  });

  it('keep points in order (thresholds decreasing, rates non-decreasing)', () => {
    const roc = rocCurve(labels, scores);
    for (let k = 2; k < roc.length; k++) {
      expect(roc[k]!.threshold!).toBeLessThan(roc[k - 1]!.threshold!);
      expect(roc[k]!.fpr).toBeGreaterThanOrEqual(roc[k - 1]!.fpr);
      expect(roc[k]!.tpr).toBeGreaterThanOrEqual(roc[k - 1]!.tpr);
    }
  });

  it('downsample picks evenly spaced indices', () => {
    expect(downsample([1, 2, 3, 4, 5], 3)).toEqual([1, 3, 5]);
    expect(downsample([1, 2], 3)).toEqual([1, 2]);
    expect(() => downsample([1, 2, 3], 1)).toThrow(InputError);
  });
});

describe('probability metrics', () => {
  it('log loss and Brier on a hand-computed example', () => {
    const { labels, scores } = scored([1, 0], [0.8, 0.4]);
    expect(logLoss(labels, scores)).toBeCloseTo((-Math.log(0.8) - Math.log(0.6)) / 2, 15);
    expect(brier(labels, scores)).toBeCloseTo(0.1, 15);
  });

  it('calibration bins cover [0, 1] uniformly and add up to the row count', () => {
    const { labels, scores } = synthetic(1_000, 0.3, 1, 5);
    const bins = calibrationBins(labels, scores, 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]!.lower).toBe(0);
    expect(bins[9]!.upper).toBe(1);
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(1_000);
    for (const bin of bins.filter((b) => b.count > 0)) {
      expect(bin.meanPredicted!).toBeGreaterThanOrEqual(bin.lower);
      expect(bin.meanPredicted!).toBeLessThanOrEqual(bin.upper);
    }
  });

  it('marks empty calibration bins with null means', () => {
    const { labels, scores } = scored([1, 0], [0.95, 0.05]);
    const bins = calibrationBins(labels, scores, 10);
    expect(bins[5]).toEqual({ lower: 0.5, upper: 0.6, count: 0, meanPredicted: null, observedRate: null });
    expect(bins[9]).toMatchObject({ count: 1, meanPredicted: 0.95, observedRate: 1 });
  });

  it('histogram counts each class separately', () => {
    const { labels, scores } = scored([1, 1, 0, 0, 0], [0.99, 1, 0, 0.5, 0.51]);
    const histogram = scoreHistogram(labels, scores, 4);
    expect(histogram.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(histogram.positive).toEqual([0, 0, 0, 2]);
    expect(histogram.negative).toEqual([1, 1, 1, 0]);
  });
});

describe('confusionAt', () => {
  it('predicts positive at score >= threshold and gives 0 on zero division', () => {
    const { labels, scores } = scored([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.1]);
    expect(confusionAt(labels, scores, 0.5)).toEqual({
      tp: 1,
      fp: 1,
      tn: 1,
      fn: 1,
      threshold: 0.5,
      accuracy: 0.5,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    expect(confusionAt(labels, scores, 0.9)).toMatchObject({ tp: 0, fp: 0, precision: 0, recall: 0, f1: 0 });
  });
});
