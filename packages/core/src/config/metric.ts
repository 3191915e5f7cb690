import * as z from 'zod/mini';

// The schemas the evaluation report shares with the pipeline config, apart from it so that a bundle needing them
// does not carry (and evaluate at load) the whole config schema.

const metricNames = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'accuracy', 'precision', 'recall', 'f1'] as const;
export const MetricNameSchema = z.enum(metricNames);
export type MetricName = z.infer<typeof MetricNameSchema>;

export const ThresholdRuleSchema = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('max-f1') }),
  z.strictObject({ rule: z.literal('target-recall'), recall: z.number().check(z.gt(0), z.lte(1)) }),
  z.strictObject({ rule: z.literal('fixed'), value: z.number().check(z.gt(0), z.lt(1)) }),
]);
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;
