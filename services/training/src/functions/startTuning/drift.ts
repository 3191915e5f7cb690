import { getJsonIfExists, putJson } from '@mlops/clients';
import { DataDriftError, InputError, layout, type PipelineConfig, type RunState } from '@mlops/core';
import {
  computeDrift,
  pipelineDriftOptions,
  ProfileSchema,
  ValidationReportSchema,
  type DriftReport,
  type Profile,
} from '@mlops/data-quality';
import type { Deps } from '@mlops/lambda-kit';

/** The profile the container's `prepare` writes beside `summary.json` (uploaded with the rest of its output). */
export const preparedProfileKey = (p: string, runId: string) => `${layout.prepared(p, runId)}profile.json`;
/** The run's drift report, next to its validation report. */
export const driftReportKey = (p: string, runId: string) => `${layout.runPrefix(p, runId)}validation/drift.json`;

/** What the run record keeps of the drift check (the full report is at `reportKey`). */
export interface DriftSummary {
  /** The worst column status; `no-baseline` before the first publication, `unavailable` without a profile. */
  status: DriftReport['status'] | 'no-baseline' | 'unavailable';
  reportKey: string | null;
  baselineKey: string;
  failOnDrift: boolean;
  /** Columns at `warn` or `fail`, largest PSI first. */
  drifted: { column: string; psi: number; status: 'warn' | 'fail' }[];
}

async function readProfile(deps: Deps, bucket: string, key: string): Promise<Profile | undefined> {
  const raw = await getJsonIfExists(deps.clients.s3, bucket, key);
  return raw === undefined ? undefined : ProfileSchema.parse(raw);
}

/** The validation report's `drift` (the field its schema keeps for it), so that the run's report shows it. */
async function addToValidationReport(deps: Deps, bucket: string, key: string, drift: DriftReport): Promise<void> {
  const stored = ValidationReportSchema.safeParse(await getJsonIfExists(deps.clients.s3, bucket, key));
  if (!stored.success) return;
  const failed = stored.data.status === 'FAILED' || (drift.status === 'fail' && drift.failOnDrift);
  await putJson(deps.clients.s3, bucket, key, { ...stored.data, status: failed ? 'FAILED' : 'PASSED', drift });
}

const describe = (c: DriftSummary['drifted'][number]) => `${c.column} (PSI ${c.psi.toFixed(3)})`;

/**
 * Compare the run's dataset with the last accepted one (the profile publishing keeps at `datasets/<p>/accepted/`):
 * PSI per column with the pipeline's `validation.drift` thresholds. Stores `validation/drift.json` under the run,
 * logs it, and raises DataDriftError when a column reaches `psiFail` and the pipeline sets `failOnDrift`.
 * @example const drift = await checkDrift(state, config, deps) // { status: 'warn', drifted: [{ column: 'Age', ... }] }
 */
export async function checkDrift(state: RunState, config: PipelineConfig, deps: Deps): Promise<DriftSummary> {
  const { env, logger } = deps;
  const bucket = env.need('ARTIFACTS_BUCKET');
  const thresholds = config.validation.drift;
  const baselineKey = layout.acceptedProfile(state.pipeline);
  const summary: DriftSummary = {
    status: 'no-baseline',
    reportKey: null,
    baselineKey,
    failOnDrift: thresholds.failOnDrift,
    drifted: [],
  };
  const current = await readProfile(deps, bucket, preparedProfileKey(state.pipeline, state.runId));
  if (current === undefined) {
    if (thresholds.failOnDrift)
      throw new InputError(`cannot check drift: the prepared dataset has no profile.json (failOnDrift is set)`);
    logger.warn('drift not checked: the prepared dataset has no profile.json');
    return { ...summary, status: 'unavailable' };
  }
  const baseline = await readProfile(deps, bucket, baselineKey);
  if (baseline === undefined) {
    logger.info('drift not checked: no accepted dataset yet', { baselineKey });
    return summary;
  }
  const report = computeDrift(current, baseline, thresholds, pipelineDriftOptions(config));
  const reportKey = driftReportKey(state.pipeline, state.runId);
  await putJson(deps.clients.s3, bucket, reportKey, report);
  await addToValidationReport(deps, bucket, layout.validationReport(state.pipeline, state.runId), report);
  const drifted = report.columns
    .flatMap((c) => (c.status === 'ok' ? [] : [{ column: c.column, psi: c.psi, status: c.status }]))
    .sort((a, b) => b.psi - a.psi);
  logger.info('drift against the last accepted dataset', { status: report.status, drifted, reportKey });
  const failing = drifted.filter((c) => c.status === 'fail');
  if (thresholds.failOnDrift && failing.length > 0) {
    throw new DataDriftError(
      `the dataset drifted from the last accepted one: ${failing.map(describe).join(', ')} at or above psiFail ${thresholds.psiFail} (failOnDrift); report at s3://${bucket}/${reportKey}`,
    );
  }
  return { ...summary, status: report.status, reportKey, drifted };
}
