import * as z from 'zod';

/** Column types a pipeline can declare. `string` columns are kept but never used as model features. */
export const ColumnTypeSchema = z
  .enum(['integer', 'number', 'category', 'string'])
  .describe('integer and number are numeric features, category is one-hot encoded, string is carried but not a feature');

export const ColumnSchema = z
  .object({
    type: ColumnTypeSchema,
    required: z.boolean().default(true).describe('A required column must be present in training and scoring files'),
    description: z.string().optional(),
  })
  .strict();

const metricNames = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'accuracy', 'precision', 'recall', 'f1'] as const;
export const MetricNameSchema = z.enum(metricNames);
export type MetricName = z.infer<typeof MetricNameSchema>;

export const DatasetSchema = z
  .object({
    target: z.string().min(1).describe('Name of the binary label column'),
    positiveLabel: z.string().min(1).describe('Value of the target that counts as the positive class'),
    negativeLabel: z.string().min(1).describe('Value of the target that counts as the negative class'),
    rowKey: z.string().min(1).describe('Column that identifies a row; decides its split and joins predictions'),
    columns: z.record(z.string(), ColumnSchema).describe('Every column the file is expected to hold, with its type'),
    ignore: z.array(z.string()).default([]).describe('Declared columns that are never used as features'),
    sensitive: z
      .array(z.string())
      .default([])
      .describe('Columns whose values are stored only hashed in data profiles and are never written to logs'),
  })
  .strict()
  .superRefine((d, ctx) => {
    for (const name of [d.target, d.rowKey, ...d.ignore, ...d.sensitive]) {
      if (!(name in d.columns)) {
        ctx.addIssue({ code: 'custom', message: `column "${name}" is referenced but not declared in dataset.columns` });
      }
    }
    if (d.positiveLabel === d.negativeLabel) {
      ctx.addIssue({ code: 'custom', message: 'positiveLabel and negativeLabel must differ' });
    }
  });

export const DriftSchema = z
  .object({
    psiWarn: z.number().positive().default(0.1).describe('Population stability index above which a column is flagged'),
    psiFail: z.number().positive().default(0.25).describe('PSI above which a column counts as drifted'),
    failOnDrift: z.boolean().default(false).describe('Stop the run when any column passes psiFail'),
  })
  .strict();

export const ValidationSchema = z
  .object({
    rules: z.string().optional().describe('DQDL ruleset text (Rules = [ ... ])'),
    rulesFile: z.string().optional().describe('Path of a .dqdl file, relative to the pipeline config'),
    minRowsPerClass: z.number().int().positive().default(20).describe('Built-in check: rows needed in each class'),
    drift: DriftSchema.default({ psiWarn: 0.1, psiFail: 0.25, failOnDrift: false }),
  })
  .strict();

export const SplitSchema = z
  .object({
    train: z.number().positive().max(1).default(0.7),
    validation: z.number().positive().max(1).default(0.15),
    test: z.number().positive().max(1).default(0.15),
    salt: z.string().default('split-v1').describe('Changing the salt reshuffles every row: keep it stable'),
  })
  .strict()
  .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
    message: 'split ratios train + validation + test must add up to 1',
  });

const ScalingSchema = z.enum(['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic']).default('Auto');

export const TuningSchema = z
  .object({
    strategy: z.enum(['Bayesian', 'Random', 'Grid']).default('Bayesian'),
    objective: z
      .object({
        metric: z.string().default('validation:auc'),
        type: z.enum(['Maximize', 'Minimize']).default('Maximize'),
        regex: z.string().default('validation:auc=([0-9\\.eE+-]+)'),
      })
      .strict()
      .default({ metric: 'validation:auc', type: 'Maximize', regex: 'validation:auc=([0-9\\.eE+-]+)' }),
    maxJobs: z.number().int().min(1).max(500).default(8),
    maxParallelJobs: z.number().int().min(1).max(100).default(2),
    randomSeed: z.number().int().min(0).default(42),
    warmStart: z.boolean().default(true).describe('Warm-start from the previous tuning job of this pipeline'),
    staticHyperparameters: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    ranges: z
      .object({
        continuous: z
          .array(z.object({ name: z.string(), min: z.number(), max: z.number(), scaling: ScalingSchema }).strict())
          .default([]),
        integer: z
          .array(z.object({ name: z.string(), min: z.number().int(), max: z.number().int(), scaling: ScalingSchema }).strict())
          .default([]),
        categorical: z.array(z.object({ name: z.string(), values: z.array(z.string()).min(1) }).strict()).default([]),
      })
      .strict(),
  })
  .strict();

export const ThresholdRuleSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('max-f1') }).strict(),
  z.object({ rule: z.literal('target-recall'), recall: z.number().gt(0).lte(1) }).strict(),
  z.object({ rule: z.literal('fixed'), value: z.number().gt(0).lt(1) }).strict(),
]);

export const PolicySchema = z
  .object({
    floors: z.partialRecord(MetricNameSchema, z.number()).default({ roc_auc: 0.7 }),
    mustBeatBaseline: z.boolean().default(true).describe('Candidate must beat the prior (majority-class) model'),
    nonInferiority: z
      .object({ metric: MetricNameSchema.default('roc_auc'), margin: z.number().min(0).default(0.01) })
      .strict()
      .default({ metric: 'roc_auc', margin: 0.01 }),
    maxLatencyMsPer1000Rows: z.number().positive().optional(),
  })
  .strict();

export const EvaluationSchema = z
  .object({
    threshold: ThresholdRuleSchema.default({ rule: 'max-f1' }),
    policy: PolicySchema.default({
      floors: { roc_auc: 0.7 },
      mustBeatBaseline: true,
      nonInferiority: { metric: 'roc_auc', margin: 0.01 },
    }),
    bootstrap: z
      .object({ samples: z.number().int().min(0).max(10000).default(200), confidence: z.number().gt(0).lt(1).default(0.95) })
      .strict()
      .default({ samples: 200, confidence: 0.95 }),
    manualApproval: z.boolean().default(false).describe('Accepted candidates wait for a human decision'),
  })
  .strict();

export const TrafficShiftSchema = z
  .object({
    type: z
      .enum(['canary', 'linear', 'all-at-once'])
      .default('canary')
      .describe('Blue/green traffic shifting of an endpoint update (SageMaker deployment guardrails)'),
    stepPercent: z.number().int().min(1).max(100).default(10).describe('Canary size, or the size of each linear step, in % of capacity'),
    waitSeconds: z.number().int().min(0).max(3600).default(300).describe('Bake time after each traffic shift'),
    terminationWaitSeconds: z.number().int().min(0).max(3600).default(300).describe('Time the old (blue) fleet is kept after the shift'),
  })
  .strict();

export const EndpointSchema = z
  .object({
    instanceType: z.string().default('ml.m5.large'),
    initialInstanceCount: z.number().int().min(1).max(20).default(1),
    traffic: TrafficShiftSchema.default({ type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 }),
    alarms: z
      .object({
        maxModelLatencyMs: z.number().positive().default(500).describe('Rollback when average ModelLatency passes this'),
        max5xxPerMinute: z.number().int().min(1).default(5).describe('Rollback when Invocation5XXErrors per minute reach this'),
      })
      .strict()
      .default({ maxModelLatencyMs: 500, max5xxPerMinute: 5 }),
  })
  .strict();

export const PublishSchema = z
  .object({
    mode: z.enum(['batch', 'endpoint', 'both']).default('batch'),
    topContributions: z.number().int().min(0).max(20).default(3).describe('Per-feature contributions kept per row'),
    segmentColumn: z.string().optional().describe('Feature column the predictions dashboard groups risk by (none: no segment chart)'),
    endpoint: EndpointSchema.default({
      instanceType: 'ml.m5.large',
      initialInstanceCount: 1,
      traffic: { type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 },
      alarms: { maxModelLatencyMs: 500, max5xxPerMinute: 5 },
    }).describe('Real-time endpoint settings, used when mode is endpoint or both'),
  })
  .strict();

export const ContainerSchema = z
  .object({
    image: z.string().default('trainer').describe('Folder under docker/ that holds the training container'),
    instanceType: z.string().default('ml.m5.large'),
    instanceCount: z.number().int().min(1).default(1),
    volumeSizeGb: z.number().int().min(1).default(10),
    maxRuntimeSeconds: z.number().int().min(60).max(432000).default(3600),
    networkIsolation: z.boolean().default(true).describe('Jobs run without network access (EnableNetworkIsolation)'),
  })
  .strict();

export const StageBudgetSchema = z
  .object({
    validation: z.number().positive().optional(),
    preparation: z.number().positive().optional(),
    tuning: z.number().positive().optional(),
    evaluation: z.number().positive().optional(),
    publishing: z.number().positive().optional(),
  })
  .strict()
  .describe('USD ceiling per stage; tuning is checked again with the real data size before it launches');

export const BudgetSchema = z
  .object({
    maxRunUsd: z.number().positive().default(10).describe('The run stops before tuning if its estimate is higher'),
    stages: StageBudgetSchema.default({}),
  })
  .strict();

export const MonitoringSchema = z
  .object({
    metric: MetricNameSchema.default('roc_auc').describe('Realised metric watched on ground-truth labels'),
    maxDrop: z.number().min(0).max(1).default(0.05).describe('Retrain when the realised metric falls this far below the evaluated one'),
    minLabels: z.number().int().min(1).default(100).describe('Labelled predictions a window needs before it is judged'),
    windowDays: z.number().int().min(1).max(365).default(30).describe('Size of the time window realised metrics are grouped by'),
    retrainOnDrift: z.boolean().default(true).describe('Also retrain when input drift was flagged for the published model'),
  })
  .strict();

export const ScheduleSchema = z
  .object({
    retrain: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/, 'an EventBridge Scheduler expression such as cron(0 3 ? * MON *) or rate(7 days)')
      .optional()
      .describe('Retrain on a schedule from the latest uploaded dataset (EventBridge Scheduler)'),
    timezone: z.string().default('UTC'),
  })
  .strict();

export const PipelineConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 31 chars')
      .describe('Pipeline name; also its S3 prefix'),
    description: z.string().default(''),
    dataset: DatasetSchema,
    validation: ValidationSchema.default({
      minRowsPerClass: 20,
      drift: { psiWarn: 0.1, psiFail: 0.25, failOnDrift: false },
    }),
    split: SplitSchema.default({ train: 0.7, validation: 0.15, test: 0.15, salt: 'split-v1' }),
    container: ContainerSchema.default({
      image: 'trainer',
      instanceType: 'ml.m5.large',
      instanceCount: 1,
      volumeSizeGb: 10,
      maxRuntimeSeconds: 3600,
      networkIsolation: true,
    }),
    tuning: TuningSchema,
    evaluation: EvaluationSchema.default({
      threshold: { rule: 'max-f1' },
      policy: { floors: { roc_auc: 0.7 }, mustBeatBaseline: true, nonInferiority: { metric: 'roc_auc', margin: 0.01 } },
      bootstrap: { samples: 200, confidence: 0.95 },
      manualApproval: false,
    }),
    publish: PublishSchema.default({
      mode: 'batch',
      topContributions: 3,
      endpoint: {
        instanceType: 'ml.m5.large',
        initialInstanceCount: 1,
        traffic: { type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 },
        alarms: { maxModelLatencyMs: 500, max5xxPerMinute: 5 },
      },
    }),
    budget: BudgetSchema.default({ maxRunUsd: 10, stages: {} }),
    monitoring: MonitoringSchema.default({ metric: 'roc_auc', maxDrop: 0.05, minLabels: 100, windowDays: 30, retrainOnDrift: true }),
    schedule: ScheduleSchema.default({ timezone: 'UTC' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    // The dashboard reads the segment's values from the scored input, which holds the row key and the features only.
    const segment = c.publish.segmentColumn;
    if (segment !== undefined && !featureColumns(c).includes(segment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['publish', 'segmentColumn'],
        message: `publish.segmentColumn "${segment}" must be a declared feature column of dataset.columns (not the target, row key, an ignored or a string column)`,
      });
    }
  });

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;
export type GatePolicy = z.infer<typeof PolicySchema>;

/** Feature columns: declared columns that are neither target, row key, ignored nor free text. */
export function featureColumns(config: PipelineConfig): string[] {
  const { dataset } = config;
  const excluded = new Set([dataset.target, dataset.rowKey, ...dataset.ignore]);
  return Object.entries(dataset.columns)
    .filter(([name, col]) => !excluded.has(name) && col.type !== 'string')
    .map(([name]) => name);
}
