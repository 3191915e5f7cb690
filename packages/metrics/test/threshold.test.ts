import { describe, expect, it } from 'vitest';
import { chooseThreshold, confusionAt, rankScores } from '../src';
import { scored, synthetic } from './helpers';

describe('chooseThreshold', () => {
  // Descending: 0.9 (1), 0.8 (1), 0.7 (0), 0.6 (1), 0.4 (0), 0.35 (0), 0.3 (1), 0.2 (0), 0.1 (0); 4 positives.
  const { labels, scores } = scored([1, 1, 0, 1, 0, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.4, 0.35, 0.3, 0.2, 0.1]);

  it('fixed returns the configured value', () => {
    expect(chooseThreshold({ rule: 'fixed', value: 0.42 }, labels, scores)).toBe(0.42);
  });

  it('max-f1 picks the distinct score with the best F1', () => {
    // F1 = 2tp / (2tp + fp + fn): at 0.8 = 4/6, at 0.6 = 6/8 = 0.75, at 0.3 = 8/11 ≈ 0.727: 0.6 wins.
    expect(chooseThreshold({ rule: 'max-f1' }, labels, scores)).toBe(0.6);
    expect(confusionAt(labels, scores, 0.6).f1).toBe(0.75);
  });

  it('max-f1 matches a brute-force search over every distinct score', () => {
    const data = synthetic(3_000, 0.25, 0.8, 11);
    const rounded = data.scores.map((s) => Math.round(s * 100) / 100);
    const best = [...new Set(rounded)]
      .map((t) => ({ t, f1: confusionAt(data.labels, rounded, t).f1 }))
      .reduce((a, b) => (b.f1 > a.f1 || (b.f1 === a.f1 && b.t > a.t) ? b : a));
    expect(chooseThreshold({ rule: 'max-f1' }, data.labels, rounded)).toBe(best.t);
  });

  it('max-f1 breaks a tie in favour of the higher threshold', () => {
    // F1 at 0.9 = 2/3 and at 0.5 = 4/6: equal, 0.9 is kept.
    const tie = scored([1, 0, 0, 1], [0.9, 0.5, 0.5, 0.5]);
    expect(chooseThreshold({ rule: 'max-f1' }, tie.labels, tie.scores)).toBe(0.9);
  });

  it('target-recall returns the highest threshold reaching the recall', () => {
    expect(chooseThreshold({ rule: 'target-recall', recall: 0.5 }, labels, scores)).toBe(0.8);
    expect(chooseThreshold({ rule: 'target-recall', recall: 0.51 }, labels, scores)).toBe(0.6);
    expect(chooseThreshold({ rule: 'target-recall', recall: 0.75 }, labels, scores)).toBe(0.6);
    expect(chooseThreshold({ rule: 'target-recall', recall: 1 }, labels, scores)).toBe(0.3);
  });

  it('target-recall meets the target exactly when recall equals it (7/10 vs 0.7)', () => {
    const ten = scored([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]);
    const threshold = chooseThreshold({ rule: 'target-recall', recall: 0.7 }, ten.labels, ten.scores);
    expect(threshold).toBe(0.4);
    expect(confusionAt(ten.labels, ten.scores, threshold).recall).toBeGreaterThanOrEqual(0.7);
  });

  it('accepts a shared ranking and gives the same answer', () => {
    const ranking = rankScores(labels, scores);
    expect(chooseThreshold({ rule: 'max-f1' }, labels, scores, ranking)).toBe(0.6);
  });

  it('refuses single-class data for the data-driven rules', () => {
    const onlyNegatives = scored([0, 0], [0.1, 0.2]);
    expect(() => chooseThreshold({ rule: 'max-f1' }, onlyNegatives.labels, onlyNegatives.scores)).toThrow(
      /both classes/,
    );
  });
});
