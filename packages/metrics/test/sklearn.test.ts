import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  brier,
  calibrationBins,
  chooseThreshold,
  confusionAt,
  logLoss,
  prAuc,
  prCurve,
  rankScores,
  rocAuc,
  rocCurve,
  baselineScores,
} from '../src';

/** Written by fixtures/make_fixture.py with scikit-learn 1.2.1; see that script for how each value is computed. */
interface SklearnFixture {
  labels: number[];
  scores: number[];
  roc_auc: number;
  average_precision: number;
  log_loss: number;
  brier: number;
  at_threshold: {
    threshold: number;
    tp: number;
    fp: number;
    tn: number;
    fn: number;
    accuracy: number;
    precision: number;
    recall: number;
    f1: number;
  }[];
  calibration: { prob_true: number[]; prob_pred: number[]; counts_nonempty: number[] };
  roc_curve: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr_curve: { precision: number[]; recall: number[]; thresholds: number[] };
  max_f1_threshold: number;
  target_recall_threshold: Record<string, number>;
  log_loss_clipping: { labels: number[]; scores: number[]; log_loss: number };
  prior_model: { score: number; roc_auc: number; log_loss: number; brier: number };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/sklearn.json', import.meta.url), 'utf8')) as SklearnFixture;
const labels = Uint8Array.from(fixture.labels);
const scores = Float64Array.from(fixture.scores);
const TOL = 1e-9;

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!), `index ${i}`).toBeLessThanOrEqual(tolerance));
}

describe('agreement with scikit-learn 1.2.1 on a 60-row fixture with ties', () => {
  it('matches roc_auc_score, average_precision_score, log_loss and brier_score_loss', () => {
    // Act (one sort shared by both AUCs)
    const ranking = rankScores(labels, scores);
    // Assess
    expect(Math.abs(rocAuc(labels, scores, ranking) - fixture.roc_auc)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(prAuc(labels, scores, ranking) - fixture.average_precision)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(logLoss(labels, scores) - fixture.log_loss)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(brier(labels, scores) - fixture.brier)).toBeLessThanOrEqual(TOL);
  });

  it('matches confusion_matrix and accuracy/precision/recall/f1 (zero_division=0) at each threshold', () => {
    for (const expected of fixture.at_threshold) {
      const actual = confusionAt(labels, scores, expected.threshold);
      expect({ tp: actual.tp, fp: actual.fp, tn: actual.tn, fn: actual.fn }).toEqual({
        tp: expected.tp,
        fp: expected.fp,
        tn: expected.tn,
        fn: expected.fn,
      });
      expectClose(
        [actual.accuracy, actual.precision, actual.recall, actual.f1],
        [expected.accuracy, expected.precision, expected.recall, expected.f1],
        TOL,
      );
    }
  });

  it("matches calibration_curve(n_bins=10, strategy='uniform') on the non-empty bins, edges included", () => {
    const nonEmpty = calibrationBins(labels, scores, 10).filter((bin) => bin.count > 0);
    expectClose(
      nonEmpty.map((bin) => bin.observedRate ?? NaN),
      fixture.calibration.prob_true,
      1e-6,
    );
    expectClose(
      nonEmpty.map((bin) => bin.meanPredicted ?? NaN),
      fixture.calibration.prob_pred,
      1e-6,
    );
    expect(nonEmpty.map((bin) => bin.count)).toEqual(fixture.calibration.counts_nonempty);
  });

  it('matches roc_curve(drop_intermediate=False) point for point', () => {
    const curve = rocCurve(labels, scores);
    expectClose(
      curve.map((p) => p.fpr),
      fixture.roc_curve.fpr,
      TOL,
    );
    expectClose(
      curve.map((p) => p.tpr),
      fixture.roc_curve.tpr,
      TOL,
    );
    expect(curve.slice(1).map((p) => p.threshold)).toEqual(fixture.roc_curve.thresholds);
  });

  it('matches precision_recall_curve point for point (reversed to increasing recall)', () => {
    const curve = prCurve(labels, scores);
    expectClose(
      curve.map((p) => p.precision),
      [...fixture.pr_curve.precision].reverse(),
      TOL,
    );
    expectClose(
      curve.map((p) => p.recall),
      [...fixture.pr_curve.recall].reverse(),
      TOL,
    );
    expect(curve.slice(1).map((p) => p.threshold)).toEqual([...fixture.pr_curve.thresholds].reverse());
  });

  it('chooses the thresholds found from scikit-learn curves', () => {
    expect(chooseThreshold({ rule: 'max-f1' }, labels, scores)).toBe(fixture.max_f1_threshold);
    for (const [target, threshold] of Object.entries(fixture.target_recall_threshold)) {
      expect(chooseThreshold({ rule: 'target-recall', recall: Number(target) }, labels, scores)).toBe(threshold);
    }
  });

  it('clips probabilities at 1e-15 in log loss like log_loss(eps=1e-15)', () => {
    const { labels: edgeLabels, scores: edgeScores, log_loss } = fixture.log_loss_clipping;
    const actual = logLoss(Uint8Array.from(edgeLabels), Float64Array.from(edgeScores));
    expect(Math.abs(actual - log_loss)).toBeLessThanOrEqual(TOL);
  });

  it('gives the prior model the same AUC, log loss and Brier score as scikit-learn', () => {
    const prior = baselineScores(fixture.prior_model.score, labels.length);
    expect(rocAuc(labels, prior)).toBe(fixture.prior_model.roc_auc);
    expect(Math.abs(logLoss(labels, prior) - fixture.prior_model.log_loss)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(brier(labels, prior) - fixture.prior_model.brier)).toBeLessThanOrEqual(TOL);
  });
});
