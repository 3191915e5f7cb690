import { getJsonIfExists } from '@mlops/clients';
import type { LocalCloud } from '@mlops/local-backend';
import { LOCAL_BUCKETS } from './environment';
import type { RunNotification } from './notifications';
import type { RunOutcome } from './run';

type Json = Record<string, unknown>;

/** The run as the CLI's `--json` reports it, assembled from the run record and the evidence it points to. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  status: RunOutcome['status'];
  /** The dataset version the run used: bucket, key, version, ETag and content hash (lineage). */
  dataset: Json | null;
  /** Who decided on a candidate that waited for a person (manual approval), when and why. */
  approval: Json | null;
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
  /** The notifications the run published. */
  notifications: RunNotification[];
}

async function artifact(cloud: LocalCloud, key: unknown): Promise<Json | undefined> {
  return typeof key === 'string' ? getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, key) : undefined;
}

/** Local file path of an artifacts-bucket key (for people to open). */
export function localPath(cloud: LocalCloud, key: string): Promise<string> {
  return cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key);
}

function tuningSection(record: Json): Json | null {
  const tuning = record.tuning as Json | null | undefined;
  if (!tuning) return null;
  const candidate = (record.scoring as Json | null | undefined)?.candidate as Json | undefined;
  return {
    job: (tuning.names as string[] | undefined)?.[0] ?? null,
    warmStartParent: tuning.parent ?? null,
    trials: (tuning.trials as Json[] | undefined) ?? [],
    best: candidate ? { trainingJobName: candidate.trainingJobName, hyperparameters: candidate.hyperparameters, objective: candidate.objective } : null,
  };
}

async function evaluationSection(cloud: LocalCloud, record: Json): Promise<Json | null> {
  const state = record.evaluation as Json | null | undefined;
  if (!state) return null;
  const evidence = (await artifact(cloud, state.evidenceKey)) ?? {};
  return {
    decision: state.decision,
    reasons: state.reasons,
    threshold: state.threshold,
    candidate: (evidence.candidate as Json | undefined)?.report ?? null,
    champion: (evidence.champion as Json | null | undefined)?.report ?? null,
    baseline: evidence.baseline ?? null,
    evidenceUri: `s3://${LOCAL_BUCKETS.artifacts}/${String(state.evidenceKey)}`,
  };
}

async function predictionsSection(cloud: LocalCloud, record: Json): Promise<Json | null> {
  const predictions = record.predictions as Json | null | undefined;
  if (!predictions) return null;
  const files = (predictions.files as string[] | undefined) ?? [];
  return { ...predictions, files: await Promise.all(files.map((f) => localPath(cloud, f))) };
}

function modelSection(record: Json): Json | null {
  const registration = record.registration as Json | null | undefined;
  const candidate = (record.scoring as Json | null | undefined)?.candidate as Json | undefined;
  return registration ? { ...registration, artifact: candidate?.modelDataUrl ?? null } : null;
}

function stagesOf(record: Json): RunSummary['stages'] {
  return ((record.stages as Json[] | undefined) ?? []).map((s) => ({
    name: String(s.name),
    status: String(s.status),
    durationMs: Number(s.durationMs),
    entries: Number(s.entries),
  }));
}

/** The `--json` summary of a finished run. */
export async function summarize(outcome: RunOutcome, cloud: LocalCloud): Promise<RunSummary> {
  const record = outcome.record ?? {};
  const validation = record.validation as Json | null | undefined;
  const failure = outcome.status === 'failed' ? { error: outcome.error ?? null, cause: outcome.cause ?? null } : null;
  return {
    runId: outcome.runId,
    pipeline: outcome.pipeline,
    status: outcome.status,
    dataset: (record.dataset as Json | undefined) ?? null,
    approval: (record.approval as Json | undefined) ?? null,
    stages: stagesOf(record),
    validation: validation ? { ...validation, report: (await artifact(cloud, validation.reportKey)) ?? null } : null,
    tuning: tuningSection(record),
    evaluation: await evaluationSection(cloud, record),
    model: modelSection(record),
    predictions: await predictionsSection(cloud, record),
    error: (record.error as Json | null | undefined) ?? failure,
    cost: (record.cost as Json | undefined) ?? null,
    recordUri: (record.recordUri as string | undefined) ?? null,
    workdir: outcome.workdir,
    stateTransitions: (record.stateTransitions as number | undefined) ?? null,
    lambdaInvocations: outcome.lambdaInvocations,
    notifications: outcome.notifications,
  };
}
