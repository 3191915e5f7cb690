import { MlopsError, layout } from '@mlops/core';

/**
 * The scoring data cannot be scored (a required column is missing, or it holds no row). Raised by StartPublishing,
 * before anything is created, so the run fails at the publish stage and `latest` stays on the previous run.
 */
export class ScoringDataError extends MlopsError {
  override readonly name = 'ScoringDataError';
}

/** Where the batch transform writes its raw, headerless output: inside the run, never under `predictions/`. */
export function transformOutputPrefix(pipeline: string, runId: string): string {
  return `${layout.runPrefix(pipeline, runId)}publishing/transform/`;
}

/** The published predictions file of a run (header + one line per scoring row), in the run's Athena partition. */
export function predictionsFileKey(pipeline: string, runId: string): string {
  return `${layout.predictions(pipeline, runId)}predictions.csv`;
}

/** What the container's `prepare` writes when the scoring file lacks required columns (docker/trainer prepare.ts). */
export const SCORE_PROBLEM_FILE = 'score-problem.json';

/** What `prepare` leaves for publishing in `summary.json` (docs/dev/contracts.md). */
export interface PreparedSummary {
  scoreRows: number;
  /** Absent in summaries written before the column list was part of the contract. */
  featureColumns?: string[];
}
