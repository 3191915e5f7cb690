import { MetricNameSchema, ThresholdRuleSchema } from '@mlops/core';
import * as z from 'zod/mini';

/** Counts of a binary decision at one threshold (a row is predicted positive when `score >= threshold`). */
export const ConfusionSchema = z.strictObject({
  tp: z.int().check(z.nonnegative()),
  fp: z.int().check(z.nonnegative()),
  tn: z.int().check(z.nonnegative()),
  fn: z.int().check(z.nonnegative()),
});

/** A confusion matrix plus the rates derived from it (zero division gives 0, like scikit-learn's `zero_division=0`). */
export const ThresholdMetricsSchema = z.extend(ConfusionSchema, {
  threshold: z.number(),
  accuracy: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});

/** One ROC point; `threshold` is null for the starting point where nothing is predicted positive. */
export const RocPointSchema = z.strictObject({ fpr: z.number(), tpr: z.number(), threshold: z.nullable(z.number()) });

/** One precision-recall point; `threshold` is null for the starting point (recall 0, precision 1). */
export const PrPointSchema = z.strictObject({
  recall: z.number(),
  precision: z.number(),
  threshold: z.nullable(z.number()),
});

/** One uniform calibration bin; the means are null when no row fell in the bin. */
export const CalibrationBinSchema = z.strictObject({
  lower: z.number(),
  upper: z.number(),
  count: z.int().check(z.nonnegative()),
  meanPredicted: z.nullable(z.number()),
  observedRate: z.nullable(z.number()),
});

/** Score counts per class over uniform bins of [0, 1]; `edges` has one more entry than each count array. */
export const ScoreHistogramSchema = z.strictObject({
  edges: z.array(z.number()),
  positive: z.array(z.int().check(z.nonnegative())),
  negative: z.array(z.int().check(z.nonnegative())),
});

/** A percentile bootstrap interval around a point estimate. */
export const ConfidenceIntervalSchema = z.strictObject({
  estimate: z.number(),
  lower: z.number(),
  upper: z.number(),
  confidence: z.number().check(z.gt(0), z.lt(1)),
  samples: z.int().check(z.positive()),
  seed: z.int(),
  method: z.literal('percentile'),
  stratified: z.literal(true),
});

/** Everything measured on one set of scored rows; stored as JSON evidence of a run. */
export const MetricsReportSchema = z.strictObject({
  rows: z.int().check(z.positive()),
  positives: z.int().check(z.nonnegative()),
  metrics: z.record(MetricNameSchema, z.number()),
  threshold: z.strictObject({
    value: z.number(),
    rule: z.nullable(ThresholdRuleSchema).check(z.describe('null when the threshold was given as a number')),
  }),
  confusion: ConfusionSchema,
  ci: z.strictObject({ roc_auc: z.nullable(ConfidenceIntervalSchema) }),
  curves: z.strictObject({ roc: z.array(RocPointSchema), pr: z.array(PrPointSchema) }),
  calibration: z.array(CalibrationBinSchema),
  histogram: ScoreHistogramSchema,
});

/** One check of the promotion gate, with the numbers that decided it. */
export const GateReasonSchema = z.strictObject({ check: z.string(), passed: z.boolean(), detail: z.string() });

/** The promotion gate's verdict: accepted only when every reason passed. */
export const GateDecisionSchema = z.strictObject({
  decision: z.enum(['accept', 'reject']),
  reasons: z.array(GateReasonSchema),
});

export type Confusion = z.infer<typeof ConfusionSchema>;
export type ThresholdMetrics = z.infer<typeof ThresholdMetricsSchema>;
export type RocPoint = z.infer<typeof RocPointSchema>;
export type PrPoint = z.infer<typeof PrPointSchema>;
export type CalibrationBin = z.infer<typeof CalibrationBinSchema>;
export type ScoreHistogram = z.infer<typeof ScoreHistogramSchema>;
export type ConfidenceInterval = z.infer<typeof ConfidenceIntervalSchema>;
export type MetricsReport = z.infer<typeof MetricsReportSchema>;
export type GateReason = z.infer<typeof GateReasonSchema>;
export type GateDecision = z.infer<typeof GateDecisionSchema>;
