import * as z from 'zod/mini';
import { featureColumns } from './columns';
import { MetricNameSchema, ThresholdRuleSchema } from './metric';

/** Column types a pipeline can declare. `string` columns are kept but never used as model features. */
export const ColumnTypeSchema = z.enum(['integer', 'number', 'category', 'string']).check(z.describe('integer and number are numeric features, category is one-hot encoded, string is carried but not a feature'));

export const ColumnSchema = z.strictObject({
    type: ColumnTypeSchema,
    required: z._default(z.boolean(), true).check(z.describe('A required column must be present in training and scoring files')),
    description: z.optional(z.string()),
  });


export const DatasetSchema = z.strictObject({
    target: z.string().check(z.minLength(1), z.describe('Name of the binary label column')),
    positiveLabel: z.string().check(z.minLength(1), z.describe('Value of the target that counts as the positive class')),
    negativeLabel: z.string().check(z.minLength(1), z.describe('Value of the target that counts as the negative class')),
    rowKey: z.string().check(z.minLength(1), z.describe('Column that identifies a row; decides its split and joins predictions')),
    columns: z.record(z.string(), ColumnSchema).check(z.describe('Every column the file is expected to hold, with its type')),
    ignore: z._default(z.array(z.string()), []).check(z.describe('Declared columns that are never used as features')),
    sensitive: z._default(z.array(z.string()), []).check(z.describe('Columns whose values are stored only hashed in data profiles and are never written to logs')),
  }).check(z.superRefine((d, ctx) => {
    for (const name of [d.target, d.rowKey, ...d.ignore, ...d.sensitive]) {
      if (!(name in d.columns)) {
        ctx.addIssue({ code: 'custom', message: `column "${name}" is referenced but not declared in dataset.columns` });
      }
    }
    if (d.positiveLabel === d.negativeLabel) {
      ctx.addIssue({ code: 'custom', message: 'positiveLabel and negativeLabel must differ' });
    }
  }));

export const DriftSchema = z.strictObject({
    psiWarn: z._default(z.number().check(z.positive()), 0.1).check(z.describe('Population stability index above which a column is flagged')),
    psiFail: z._default(z.number().check(z.positive()), 0.25).check(z.describe('PSI above which a column counts as drifted')),
    failOnDrift: z._default(z.boolean(), false).check(z.describe('Stop the run when any column passes psiFail')),
  });

export const ValidationSchema = z.strictObject({
    rules: z.optional(z.string()).check(z.describe('DQDL ruleset text (Rules = [ ... ])')),
    rulesFile: z.optional(z.string()).check(z.describe('Path of a .dqdl file, relative to the pipeline config')),
    minRowsPerClass: z._default(z.int().check(z.positive()), 20).check(z.describe('Built-in check: rows needed in each class')),
    drift: z._default(DriftSchema, { psiWarn: 0.1, psiFail: 0.25, failOnDrift: false }),
  });

export const SplitSchema = z.strictObject({
    train: z._default(z.number().check(z.positive(), z.maximum(1)), 0.7),
    validation: z._default(z.number().check(z.positive(), z.maximum(1)), 0.15),
    test: z._default(z.number().check(z.positive(), z.maximum(1)), 0.15),
    salt: z._default(z.string(), 'split-v1').check(z.describe('Changing the salt reshuffles every row: keep it stable')),
  }).check(z.refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
    message: 'split ratios train + validation + test must add up to 1',
  }));

const ScalingSchema = z._default(z.enum(['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic']), 'Auto');

export const TuningSchema = z.strictObject({
    strategy: z._default(z.enum(['Bayesian', 'Random', 'Grid']), 'Bayesian'),
    objective: z._default(z.strictObject({
        metric: z._default(z.string(), 'validation:auc'),
        type: z._default(z.enum(['Maximize', 'Minimize']), 'Maximize'),
        regex: z._default(z.string(), 'validation:auc=([0-9\\.eE+-]+)'),
      }), { metric: 'validation:auc', type: 'Maximize', regex: 'validation:auc=([0-9\\.eE+-]+)' }),
    maxJobs: z._default(z.int().check(z.minimum(1), z.maximum(500)), 8),
    maxParallelJobs: z._default(z.int().check(z.minimum(1), z.maximum(100)), 2),
    randomSeed: z._default(z.int().check(z.minimum(0)), 42),
    warmStart: z._default(z.boolean(), true).check(z.describe('Warm-start from the previous tuning job of this pipeline')),
    staticHyperparameters: z._default(z.record(z.string(), z.union([z.string(), z.number()])), {}),
    ranges: z.strictObject({
        continuous: z._default(z.array(z.strictObject({ name: z.string(), min: z.number(), max: z.number(), scaling: ScalingSchema })), []),
        integer: z._default(z.array(z.strictObject({ name: z.string(), min: z.int(), max: z.int(), scaling: ScalingSchema })), []),
        categorical: z._default(z.array(z.strictObject({ name: z.string(), values: z.array(z.string()).check(z.minLength(1)) })), []),
      }),
  });


export const PolicySchema = z.strictObject({
    floors: z._default(z.partialRecord(MetricNameSchema, z.number()), { roc_auc: 0.7 }),
    mustBeatBaseline: z._default(z.boolean(), true).check(z.describe('Candidate must beat the prior (majority-class) model')),
    nonInferiority: z._default(z.strictObject({ metric: z._default(MetricNameSchema, 'roc_auc'), margin: z._default(z.number().check(z.minimum(0)), 0.01) }), { metric: 'roc_auc', margin: 0.01 }),
    maxLatencyMsPer1000Rows: z.optional(z.number().check(z.positive())),
  });

export const EvaluationSchema = z.strictObject({
    threshold: z._default(ThresholdRuleSchema, { rule: 'max-f1' }),
    policy: z._default(PolicySchema, {
      floors: { roc_auc: 0.7 },
      mustBeatBaseline: true,
      nonInferiority: { metric: 'roc_auc', margin: 0.01 },
    }),
    bootstrap: z._default(z.strictObject({ samples: z._default(z.int().check(z.minimum(0), z.maximum(10000)), 200), confidence: z._default(z.number().check(z.gt(0), z.lt(1)), 0.95) }), { samples: 200, confidence: 0.95 }),
    manualApproval: z._default(z.boolean(), false).check(z.describe('Accepted candidates wait for a human decision')),
  });

export const TrafficShiftSchema = z.strictObject({
    type: z._default(z.enum(['canary', 'linear', 'all-at-once']), 'canary').check(z.describe('Blue/green traffic shifting of an endpoint update (SageMaker deployment guardrails)')),
    stepPercent: z._default(z.int().check(z.minimum(1), z.maximum(100)), 10).check(z.describe('Canary size, or the size of each linear step, in % of capacity')),
    waitSeconds: z._default(z.int().check(z.minimum(0), z.maximum(3600)), 300).check(z.describe('Bake time after each traffic shift')),
    terminationWaitSeconds: z._default(z.int().check(z.minimum(0), z.maximum(3600)), 300).check(z.describe('Time the old (blue) fleet is kept after the shift')),
  });

export const EndpointSchema = z.strictObject({
    instanceType: z._default(z.string(), 'ml.m5.large'),
    initialInstanceCount: z._default(z.int().check(z.minimum(1), z.maximum(20)), 1),
    traffic: z._default(TrafficShiftSchema, { type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 }),
    alarms: z._default(z.strictObject({
        maxModelLatencyMs: z._default(z.number().check(z.positive()), 500).check(z.describe('Rollback when average ModelLatency passes this')),
        max5xxPerMinute: z._default(z.int().check(z.minimum(1)), 5).check(z.describe('Rollback when Invocation5XXErrors per minute reach this')),
      }), { maxModelLatencyMs: 500, max5xxPerMinute: 5 }),
  });

export const PublishSchema = z.strictObject({
    mode: z._default(z.enum(['batch', 'endpoint', 'both']), 'batch'),
    topContributions: z._default(z.int().check(z.minimum(0), z.maximum(20)), 3).check(z.describe('Per-feature contributions kept per row')),
    segmentColumn: z.optional(z.string()).check(z.describe('Feature column the predictions dashboard groups risk by (none: no segment chart)')),
    endpoint: z._default(EndpointSchema, {
      instanceType: 'ml.m5.large',
      initialInstanceCount: 1,
      traffic: { type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 },
      alarms: { maxModelLatencyMs: 500, max5xxPerMinute: 5 },
    }).check(z.describe('Real-time endpoint settings, used when mode is endpoint or both')),
  });

export const ContainerSchema = z.strictObject({
    image: z._default(z.string(), 'trainer').check(z.describe('Folder under docker/ that holds the training container')),
    instanceType: z._default(z.string(), 'ml.m5.large'),
    instanceCount: z._default(z.int().check(z.minimum(1)), 1),
    volumeSizeGb: z._default(z.int().check(z.minimum(1)), 10),
    maxRuntimeSeconds: z._default(z.int().check(z.minimum(60), z.maximum(432000)), 3600),
    networkIsolation: z._default(z.boolean(), true).check(z.describe('Jobs run without network access (EnableNetworkIsolation)')),
  });

export const StageBudgetSchema = z.strictObject({
    validation: z.optional(z.number().check(z.positive())),
    preparation: z.optional(z.number().check(z.positive())),
    tuning: z.optional(z.number().check(z.positive())),
    evaluation: z.optional(z.number().check(z.positive())),
    publishing: z.optional(z.number().check(z.positive())),
  }).check(z.describe('USD ceiling per stage; tuning is checked again with the real data size before it launches'));

export const BudgetSchema = z.strictObject({
    maxRunUsd: z._default(z.number().check(z.positive()), 10).check(z.describe('StartRun stops the run, and StartTuning again with the real data size, when the estimate is higher')),
    stages: z._default(StageBudgetSchema, {}),
  });

export const MonitoringSchema = z.strictObject({
    metric: z._default(MetricNameSchema, 'roc_auc').check(z.describe('Realised metric watched on ground-truth labels')),
    maxDrop: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.05).check(z.describe('Retrain when the realised metric falls this far below the evaluated one')),
    minLabels: z._default(z.int().check(z.minimum(1)), 100).check(z.describe('Labelled predictions a window needs before it is judged')),
    windowDays: z._default(z.int().check(z.minimum(1), z.maximum(365)), 30).check(z.describe('Size of the time window realised metrics are grouped by')),
    retrainOnDrift: z._default(z.boolean(), true).check(z.describe('Also retrain when input drift was flagged for the published model')),
  });

export const ScheduleSchema = z.strictObject({
    retrain: z.optional(z.string().check(z.regex(/^(cron|rate)\(.+\)$/, 'an EventBridge Scheduler expression such as cron(0 3 ? * MON *) or rate(7 days)'))).check(z.describe('Retrain on a schedule from the latest uploaded dataset (EventBridge Scheduler)')),
    timezone: z._default(z.string(), 'UTC'),
  });

export const PipelineConfigSchema = z.strictObject({
    name: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 31 chars'), z.describe('Pipeline name; also its S3 prefix')),
    description: z._default(z.string(), ''),
    dataset: DatasetSchema,
    validation: z._default(ValidationSchema, {
      minRowsPerClass: 20,
      drift: { psiWarn: 0.1, psiFail: 0.25, failOnDrift: false },
    }),
    split: z._default(SplitSchema, { train: 0.7, validation: 0.15, test: 0.15, salt: 'split-v1' }),
    container: z._default(ContainerSchema, {
      image: 'trainer',
      instanceType: 'ml.m5.large',
      instanceCount: 1,
      volumeSizeGb: 10,
      maxRuntimeSeconds: 3600,
      networkIsolation: true,
    }),
    tuning: TuningSchema,
    evaluation: z._default(EvaluationSchema, {
      threshold: { rule: 'max-f1' },
      policy: { floors: { roc_auc: 0.7 }, mustBeatBaseline: true, nonInferiority: { metric: 'roc_auc', margin: 0.01 } },
      bootstrap: { samples: 200, confidence: 0.95 },
      manualApproval: false,
    }),
    publish: z._default(PublishSchema, {
      mode: 'batch',
      topContributions: 3,
      endpoint: {
        instanceType: 'ml.m5.large',
        initialInstanceCount: 1,
        traffic: { type: 'canary', stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 },
        alarms: { maxModelLatencyMs: 500, max5xxPerMinute: 5 },
      },
    }),
    budget: z._default(BudgetSchema, { maxRunUsd: 10, stages: {} }),
    monitoring: z._default(MonitoringSchema, { metric: 'roc_auc', maxDrop: 0.05, minLabels: 100, windowDays: 30, retrainOnDrift: true }),
    schedule: z._default(ScheduleSchema, { timezone: 'UTC' }),
  }).check(z.superRefine((c, ctx) => {
    // The dashboard reads the segment's values from the scored input, which holds the row key and the features only.
    const segment = c.publish.segmentColumn;
    if (segment !== undefined && !featureColumns(c).includes(segment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['publish', 'segmentColumn'],
        message: `publish.segmentColumn "${segment}" must be a declared feature column of dataset.columns (not the target, row key, an ignored or a string column)`,
      });
    }
  }));

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;
export type GatePolicy = z.infer<typeof PolicySchema>;
