import * as z from 'zod/mini';
import type { CostEstimate } from '@mlops/core';
import type { ValidationReport } from '@mlops/data-quality';
import { GateDecisionSchema, MetricsReportSchema, type GateDecision, type MetricsReport } from '@mlops/metrics';

/** One state of the execution as the run record keeps it (total time over every entry, in order first entered). */
export interface StageTiming {
  name: string;
  type?: string;
  status: string;
  startedAt?: string;
  durationMs: number;
  entries: number;
}

/** One training job of the tuning job, as finishRun records it. */
export interface Trial {
  name: string;
  status: string;
  objective: number | null;
  hyperparameters: Record<string, string>;
  durationMs?: number | null;
  failureReason?: string | null;
}

type Loose = Record<string, unknown>;

/** The fields of the run record (services/training finishRun) the report reads; everything else is ignored. */
export interface RunRecord {
  runId: string;
  pipeline: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  executionArn?: string;
  recordUri?: string;
  stateTransitions?: number | null;
  trigger?: { type?: string; at?: string } & Loose;
  dataset?: { bucket: string; key: string; versionId?: string; etag?: string } & Loose;
  scoreData?: { bucket: string; key: string } | null;
  stages?: StageTiming[];
  validation?: ({ status?: string; reportKey?: string; summary?: string; rulesetName?: string } & Loose) | null;
  preparation?: ({ names?: string[] } & Loose) | null;
  tuning?: ({ names?: string[]; parent?: string | null; trials?: Trial[] } & Loose) | null;
  scoring?: {
    candidate?: {
      trainingJobName?: string;
      modelDataUrl?: string;
      hyperparameters?: Record<string, string>;
      objective?: number;
    } & Loose;
    champion?: ({ modelPackageArn?: string; version?: number; modelDataUrl?: string } & Loose) | null;
  } | null;
  evaluation?: { decision?: string; evidenceKey?: string; threshold?: number; reasons?: string[] } | null;
  registration?: {
    modelPackageGroupName?: string;
    modelPackageArn?: string;
    version?: number;
    approvalStatus?: string;
  } | null;
  predictions?: { prefix?: string; files?: string[]; rows?: number; latestKey?: string; crawler?: string } | null;
  error?: { state?: string | null; error?: string; cause?: string | null } | null;
  cost?: { estimate?: CostEstimate } | null;
}

/** evaluation/evidence.json, as evaluateCandidate writes it. */
export const EvidenceSchema = z.looseObject({
  runId: z.string(),
  rows: z.object({ test: z.number(), validation: z.number() }),
  baselinePrior: z.number(),
  candidate: z.looseObject({ trainingJobName: z.optional(z.string()), report: MetricsReportSchema }),
  champion: z.nullable(z.looseObject({ modelPackageArn: z.optional(z.string()), report: MetricsReportSchema })),
  baseline: MetricsReportSchema,
  gate: GateDecisionSchema,
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** The part of the trainer's model.json (docker/trainer/src/model.ts) the report reads. */
export const ModelSummarySchema = z.looseObject({
  modelType: z.enum(['logistic', 'gbt']),
  featureNames: z.array(z.string()),
  encoders: z.array(z.looseObject({ name: z.string(), kind: z.enum(['numeric', 'category']) })),
  baseValue: z.number(),
  hyperparameters: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.number()),
  target: z.optional(z.object({ name: z.string(), positiveLabel: z.string(), negativeLabel: z.string() })),
  logistic: z.optional(z.looseObject({ intercept: z.number(), weights: z.array(z.number()), l2: z.number() })),
  gbt: z.optional(z.looseObject({ trees: z.array(z.looseObject({ feature: z.array(z.number()) })) })),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

/** Everything one report is made from; no I/O happens while rendering it. */
export interface RunReportInput {
  record: RunRecord;
  /** validation/report.json (null when validation never ran). */
  validation: ValidationReport | null;
  /** evaluation/evidence.json (null when the run stopped before evaluation). */
  evidence: Evidence | null;
  /** The tuning job's trials (usually `record.tuning.trials`). */
  trials: Trial[];
  /** The candidate's model.json from its model.tar.gz (null when there is no candidate). */
  model: ModelSummary | null;
  /** Where the artifacts live (for the lineage's s3:// addresses). */
  artifactsBucket?: string;
}

export type { GateDecision, MetricsReport, ValidationReport };
