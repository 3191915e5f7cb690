import type { ThresholdRule } from '@mlops/core';
import { bootstrapCi } from './bootstrap';
import { calibrationBins, brier, logLoss, scoreHistogram } from './probability';
import { confusionAt } from './confusion';
import { prCurve, rocCurve } from './curves';
import { prAuc, rankScores, rocAuc } from './ranking';
import { MetricsReportSchema, type MetricsReport } from './schema';
import { chooseThreshold } from './threshold';

/** Input of `evaluateScores`. */
export interface EvaluateInput {
  labels: Uint8Array;
  scores: Float64Array;
  /** A threshold chosen elsewhere (e.g. on validation rows), or a rule applied to these rows. */
  threshold: number | ThresholdRule;
  /** Bootstrap of the ROC AUC interval; `samples: 0` skips it (the report's `ci.roc_auc` is then null). */
  bootstrap?: { samples?: number; confidence?: number; seed?: number };
  /** Points kept per curve (default 200). */
  curvePoints?: number;
}

export const DEFAULT_BOOTSTRAP = { samples: 200, confidence: 0.95, seed: 42 } as const;

/**
 * Every metric of one set of scored rows, with curves, calibration, a score histogram and a bootstrap interval for
 * ROC AUC: the JSON evidence the promotion gate (`decide`) reads. Sorts the scores once for all ranking metrics.
 *
 * @example
 * const report = evaluateScores({ labels, scores, threshold: { rule: 'max-f1' }, bootstrap: { samples: 200 } });
 * report.metrics.roc_auc; // e.g. 0.83
 */
export function evaluateScores(input: EvaluateInput): MetricsReport {
  const { labels, scores } = input;
  const ranking = rankScores(labels, scores);
  const threshold =
    typeof input.threshold === 'number' ? input.threshold : chooseThreshold(input.threshold, labels, scores, ranking);
  const { tp, fp, tn, fn, accuracy, precision, recall, f1 } = confusionAt(labels, scores, threshold);
  const bootstrap = {
    samples: input.bootstrap?.samples ?? DEFAULT_BOOTSTRAP.samples,
    confidence: input.bootstrap?.confidence ?? DEFAULT_BOOTSTRAP.confidence,
    seed: input.bootstrap?.seed ?? DEFAULT_BOOTSTRAP.seed,
  };
  const report: MetricsReport = {
    rows: labels.length,
    positives: ranking.positives.length,
    metrics: {
      roc_auc: rocAuc(labels, scores, ranking),
      pr_auc: prAuc(labels, scores, ranking),
      log_loss: logLoss(labels, scores),
      brier: brier(labels, scores),
      accuracy,
      precision,
      recall,
      f1,
    },
    threshold: { value: threshold, rule: typeof input.threshold === 'number' ? null : input.threshold },
    confusion: { tp, fp, tn, fn },
    ci: { roc_auc: bootstrap.samples === 0 ? null : bootstrapCi(rocAuc, labels, scores, bootstrap) },
    curves: {
      roc: rocCurve(labels, scores, { ranking, maxPoints: input.curvePoints }),
      pr: prCurve(labels, scores, { ranking, maxPoints: input.curvePoints }),
    },
    calibration: calibrationBins(labels, scores, 10),
    histogram: scoreHistogram(labels, scores, 20),
  };
  // Parsing guards the evidence format: a report that does not match its schema is never handed out.
  return MetricsReportSchema.parse(report);
}
