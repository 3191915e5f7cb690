import { describe, expect, it } from 'vitest';
import { baselineScores, confusionAt, evaluateScores, logLoss, MetricsReportSchema, prAuc, rocAuc } from '../src';
import { synthetic } from './helpers';

describe('evaluateScores', () => {
  const { labels, scores } = synthetic(1_500, 0.16, 1, 99);

  it('reports every metric, consistent with the single functions', () => {
    // Act
    const report = evaluateScores({ labels, scores, threshold: 0.5, bootstrap: { samples: 100, seed: 3 } });
    // Assess
    expect(report.rows).toBe(1_500);
    expect(report.positives).toBe(labels.reduce((sum, y) => sum + y, 0));
    expect(report.metrics.roc_auc).toBe(rocAuc(labels, scores));
    expect(report.metrics.pr_auc).toBe(prAuc(labels, scores));
    expect(report.metrics.log_loss).toBe(logLoss(labels, scores));
    const at = confusionAt(labels, scores, 0.5);
    expect(report.confusion).toEqual({ tp: at.tp, fp: at.fp, tn: at.tn, fn: at.fn });
    expect(report.metrics.f1).toBe(at.f1);
    expect(report.threshold).toEqual({ value: 0.5, rule: null });
    expect(report.ci.roc_auc).toMatchObject({ estimate: report.metrics.roc_auc, samples: 100, seed: 3 });
    expect(report.ci.roc_auc!.lower).toBeLessThan(report.metrics.roc_auc);
    expect(report.curves.roc.length).toBeLessThanOrEqual(200);
    expect(report.calibration).toHaveLength(10);
    expect(report.histogram.edges).toHaveLength(21);
  });

  it('produces JSON evidence that survives a round trip through its schema', () => {
    const report = evaluateScores({ labels, scores, threshold: { rule: 'max-f1' }, bootstrap: { samples: 20 } });
    const reread = MetricsReportSchema.parse(JSON.parse(JSON.stringify(report)));
    expect(reread).toEqual(report);
  });

  it('applies a threshold rule to the given rows and records it', () => {
    const report = evaluateScores({
      labels,
      scores,
      threshold: { rule: 'target-recall', recall: 0.9 },
      bootstrap: { samples: 0 },
    });
    expect(report.threshold.rule).toEqual({ rule: 'target-recall', recall: 0.9 });
    expect(report.metrics.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.ci.roc_auc).toBeNull();
  });

  it('is deterministic', () => {
    const input = { labels, scores, threshold: 0.3, bootstrap: { samples: 50, seed: 5 } };
    expect(evaluateScores(input)).toEqual(evaluateScores(input));
  });
});

describe('baselineScores (the prior model)', () => {
  it('has AUC 0.5 and log loss equal to the entropy of the positive rate', () => {
    // Prepare: 161 positives in 1000 rows, prior = that rate.
    const labels = Uint8Array.from({ length: 1_000 }, (_, i) => (i < 161 ? 1 : 0));
    const prior = 0.161;
    // Act
    const report = evaluateScores({
      labels,
      scores: baselineScores(prior, 1_000),
      threshold: 0.5,
      bootstrap: { samples: 0 },
    });
    // Assess
    const entropy = -(prior * Math.log(prior) + (1 - prior) * Math.log(1 - prior));
    expect(report.metrics.roc_auc).toBe(0.5);
    expect(report.metrics.log_loss).toBeCloseTo(entropy, 12);
    expect(report.metrics.brier).toBeCloseTo(prior * (1 - prior), 12);
    expect(report.metrics.accuracy).toBeCloseTo(0.839, 12);
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(() => baselineScores(1.5, 3)).toThrow(/positive rate/);
  });
});
