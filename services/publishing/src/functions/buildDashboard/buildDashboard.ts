import * as z from 'zod/mini';
import { csvRecordBatches, getJson, getJsonIfExists, putText } from '@mlops/clients';
import { InputError, layout, RunStateSchema, s3Uri, type RunState } from '@mlops/core';
import { runConfig, type Deps } from '@mlops/lambda-kit';
import { aggregatePredictions, type SegmentSource } from '@mlops/report/dashboard/aggregate';
import { dashboardKeys } from '@mlops/report/dashboard/keys';
import { dashboardCharts, renderDashboard } from '@mlops/report/dashboard/render';
import type { PreparedSummary } from '../../lib/published';

export const BuildDashboardEvent = z.extend(RunStateSchema, {
  /** FinalizePublish's result: the published predictions file(s) of this run. */
  published: z.looseObject({ prefix: z.string(), files: z.array(z.string()).check(z.minLength(1)), rows: z.int() }),
});
export type BuildDashboardEvent = z.infer<typeof BuildDashboardEvent>;

/** The segment column's values: the prepared scoring file `[rowKey, ...features]`, in prediction order. */
async function segmentSource(
  state: BuildDashboardEvent,
  deps: Deps,
  artifacts: string,
  column: string,
): Promise<SegmentSource> {
  const prepared = layout.prepared(state.pipeline, state.runId);
  const summary = await getJson<PreparedSummary>(deps.clients.s3, artifacts, `${prepared}summary.json`);
  const position = 1 + (summary.featureColumns ?? []).indexOf(column);
  if (position === 0)
    throw new InputError(`segment column ${column} is not a feature column of the prepared scoring data`);
  return { records: csvRecordBatches(deps.clients.s3, artifacts, `${prepared}transform/score/score.csv`), position };
}

/**
 * The run's predictions dashboard: stream the published predictions (and, for the segment chart, the scored input in
 * lockstep) into a constant-size summary, render it as one static HTML page next to the predictions, and copy it
 * beside `latest.json` while this run is still the latest.
 */
export async function buildDashboard(state: BuildDashboardEvent, deps: Deps) {
  const { clients, env, logger, now } = deps;
  const config = await runConfig(state as RunState, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const [file, ...others] = state.published.files;
  if (file === undefined || others.length > 0)
    throw new InputError(`expected one published predictions file, got ${state.published.files.length}`);
  const segmentColumn = config.publish.segmentColumn;
  const segment = segmentColumn === undefined ? undefined : await segmentSource(state, deps, artifacts, segmentColumn);
  const summary = await aggregatePredictions(
    csvRecordBatches(clients.s3, artifacts, file),
    { pipeline: state.pipeline, runId: state.runId, segmentColumn },
    segment,
  );
  if (summary.rows !== state.published.rows) {
    throw new InputError(`${file} holds ${summary.rows} predictions, FinalizePublish counted ${state.published.rows}`);
  }
  const html = renderDashboard(summary, { generatedAt: now().toISOString(), source: s3Uri(artifacts, file) });
  const keys = dashboardKeys(state.pipeline, state.runId);
  await putText(clients.s3, artifacts, keys.run, html, 'text/html; charset=utf-8');
  // A later run may have published meanwhile: its dashboard, not this one, belongs beside `latest`.
  const latest = await getJsonIfExists<{ runId: string }>(
    clients.s3,
    artifacts,
    layout.latestPredictions(state.pipeline),
  );
  const isLatest = latest?.runId === state.runId;
  if (isLatest) await putText(clients.s3, artifacts, keys.latest, html, 'text/html; charset=utf-8');
  logger.info('dashboard built', { key: keys.run, rows: summary.rows, latest: isLatest });
  return {
    status: 'built' as const,
    key: keys.run,
    latestKey: isLatest ? keys.latest : null,
    rows: summary.rows,
    charts: dashboardCharts(summary),
  };
}
