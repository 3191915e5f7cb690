import { readFile } from 'node:fs/promises';
import { getJsonIfExists } from '@mlops/clients';
import type { LocalCloud } from '@mlops/local-backend';
import { LOCAL_BUCKETS } from './environment';
import type { RunOutcome } from './run';

type Json = Record<string, unknown>;

/** The run as the CLI's `--json` reports it, assembled from the run record and the evidence it points to. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  status: RunOutcome['status'];
  stages: { name: string; status: string; durationMs: number; entries: number }[];
  validation: Json | null;
  tuning: Json | null;
  evaluation: Json | null;
  model: Json | null;
  predictions: Json | null;
  error: Json | null;
  cost: Json | null;
  recordUri: string | null;
  workdir: string;
  stateTransitions: number | null;
  lambdaInvocations: number;
}

async function artifact(cloud: LocalCloud, key: unknown): Promise<Json | undefined> {
  return typeof key === 'string' ? getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, key) : undefined;
}

/** Local file path of an artifacts-bucket key (for people to open). */
export function localPath(cloud: LocalCloud, key: string): Promise<string> {
  return cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key);
}

export async function summarize(outcome: RunOutcome, cloud: LocalCloud): Promise<RunSummary> {
  const record = outcome.record ?? {};
  const validationState = record.validation as Json | null | undefined;
  const report = await artifact(cloud, validationState?.reportKey);
  const evaluationState = record.evaluation as Json | null | undefined;
  const evidence = await artifact(cloud, evaluationState?.evidenceKey);
  const tuning = record.tuning as Json | null | undefined;
  const scoring = record.scoring as Json | null | undefined;
  const registration = record.registration as Json | null | undefined;
  const predictions = record.predictions as Json | null | undefined;
  const trials = (tuning?.trials as Json[] | undefined) ?? [];
  const candidate = scoring?.candidate as Json | undefined;
  return {
    runId: outcome.runId,
    pipeline: outcome.pipeline,
    status: outcome.status,
    stages: ((record.stages as Json[] | undefined) ?? []).map((s) => ({
      name: String(s.name),
      status: String(s.status),
      durationMs: Number(s.durationMs),
      entries: Number(s.entries),
    })),
    validation: validationState ? { ...validationState, report: report ?? null } : null,
    tuning: tuning
      ? {
          job: (tuning.names as string[] | undefined)?.[0] ?? null,
          warmStartParent: tuning.parent ?? null,
          trials,
          best: candidate ? { trainingJobName: candidate.trainingJobName, hyperparameters: candidate.hyperparameters, objective: candidate.objective } : null,
        }
      : null,
    evaluation: evaluationState
      ? {
          decision: evaluationState.decision,
          reasons: evaluationState.reasons,
          threshold: evaluationState.threshold,
          candidate: (evidence?.candidate as Json | undefined)?.report ?? null,
          champion: (evidence?.champion as Json | null | undefined)?.report ?? null,
          baseline: evidence?.baseline ?? null,
          evidenceUri: `s3://${LOCAL_BUCKETS.artifacts}/${String(evaluationState.evidenceKey)}`,
        }
      : null,
    model: registration
      ? { ...registration, artifact: candidate?.modelDataUrl ?? null }
      : null,
    predictions: predictions
      ? { ...predictions, files: await Promise.all(((predictions.files as string[] | undefined) ?? []).map((f) => localPath(cloud, f))) }
      : null,
    error: (record.error as Json | null | undefined) ?? (outcome.status === 'failed' ? { error: outcome.error ?? null, cause: outcome.cause ?? null } : null),
    cost: (record.cost as Json | undefined) ?? null,
    recordUri: (record.recordUri as string | undefined) ?? null,
    workdir: outcome.workdir,
    stateTransitions: (record.stateTransitions as number | undefined) ?? null,
    lambdaInvocations: outcome.lambdaInvocations,
  };
}

/** Read a JSON file, or undefined. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
