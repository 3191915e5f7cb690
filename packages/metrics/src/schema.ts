import { MetricNameSchema, ThresholdRuleSchema } from '@mlops/core';
import * as z from 'zod';

/** Counts of a binary decision at one threshold (a row is predicted positive when `score >= threshold`). */
export const ConfusionSchema = z
  .object({
    tp: z.number().int().nonnegative(),
    fp: z.number().int().nonnegative(),
    tn: z.number().int().nonnegative(),
    fn: z.number().int().nonnegative(),
  })
  .strict();

/** A confusion matrix plus the rates derived from it (zero division gives 0, like scikit-learn's `zero_division=0`). */
export const ThresholdMetricsSchema = ConfusionSchema.extend({
  threshold: z.number(),
  accuracy: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
}).strict();

/** One ROC point; `threshold` is null for the starting point where nothing is predicted positive. */
export const RocPointSchema = z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number().nullable() }).strict();

/** One precision-recall point; `threshold` is null for the starting point (recall 0, precision 1). */
export const PrPointSchema = z
  .object({ recall: z.number(), precision: z.number(), threshold: z.number().nullable() })
  .strict();

/** One uniform calibration bin; the means are null when no row fell in the bin. */
export const CalibrationBinSchema = z
  .object({
    lower: z.number(),
    upper: z.number(),
    count: z.number().int().nonnegative(),
    meanPredicted: z.number().nullable(),
    observedRate: z.number().nullable(),
  })
  .strict();

/** Score counts per class over uniform bins of [0, 1]; `edges` has one more entry than each count array. */
export const ScoreHistogramSchema = z
  .object({
    edges: z.array(z.number()),
    positive: z.array(z.number().int().nonnegative()),
    negative: z.array(z.number().int().nonnegative()),
  })
  .strict();

/** A percentile bootstrap interval around a point estimate. */
export const ConfidenceIntervalSchema = z
  .object({
    estimate: z.number(),
    lower: z.number(),
    upper: z.number(),
    confidence: z.number().gt(0).lt(1),
    samples: z.number().int().positive(),
    seed: z.number().int(),
    method: z.literal('percentile'),
    stratified: z.literal(true),
  })
  .strict();

/** Everything measured on one set of scored rows; stored as JSON evidence of a run. */
export const MetricsReportSchema = z
  .object({
    rows: z.number().int().positive(),
    positives: z.number().int().nonnegative(),
    metrics: z.record(MetricNameSchema, z.number()),
    threshold: z
      .object({
        value: z.number(),
        rule: ThresholdRuleSchema.nullable().describe('null when the threshold was given as a number'),
      })
      .strict(),
    confusion: ConfusionSchema,
    ci: z.object({ roc_auc: ConfidenceIntervalSchema.nullable() }).strict(),
    curves: z.object({ roc: z.array(RocPointSchema), pr: z.array(PrPointSchema) }).strict(),
    calibration: z.array(CalibrationBinSchema),
    histogram: ScoreHistogramSchema,
  })
  .strict();

/** One check of the promotion gate, with the numbers that decided it. */
export const GateReasonSchema = z.object({ check: z.string(), passed: z.boolean(), detail: z.string() }).strict();

/** The promotion gate's verdict: accepted only when every reason passed. */
export const GateDecisionSchema = z
  .object({ decision: z.enum(['accept', 'reject']), reasons: z.array(GateReasonSchema) })
  .strict();

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
