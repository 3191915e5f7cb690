import * as z from 'zod/mini';
import { sketchEntries } from './profile/sketch';
import type { CategoricalProfile, ColumnProfile, NumericProfile, Profile } from './profile/schema';

/** Shares below this are raised to it, so an empty bin does not make the PSI infinite. */
export const PSI_EPSILON = 1e-4;
/** Numeric columns are compared over the deciles of the previous profile (plus a bin for missing values). */
const QUANTILE_BINS = 10;

const DriftStatusSchema = z.enum(['ok', 'warn', 'fail']);

export const ColumnDriftSchema = z.strictObject({
  column: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  psi: z.number().check(z.nonnegative()),
  status: DriftStatusSchema,
});

/** Population stability index of each column between a previous and the current profile. */
export const DriftReportSchema = z.strictObject({
  status: DriftStatusSchema.check(z.describe('the worst column status')),
  psiWarn: z.number(),
  psiFail: z.number(),
  failOnDrift: z.boolean().check(z.describe('a "fail" status fails the validation (validation.drift.failOnDrift)')),
  columns: z.array(ColumnDriftSchema),
  skipped: z
    .array(z.strictObject({ column: z.string(), reason: z.string() }))
    .check(z.describe('columns in only one profile, or of another kind in each')),
});

export type ColumnDrift = z.infer<typeof ColumnDriftSchema>;
export type DriftReport = z.infer<typeof DriftReportSchema>;

/** Thresholds as in the pipeline config's `validation.drift`. */
export interface DriftThresholds {
  psiWarn: number;
  psiFail: number;
  failOnDrift?: boolean;
}

/**
 * Population stability index between two share vectors: Σ (c − p) · ln(c / p), shares floored at ε.
 * @example psi([0.5, 0.5], [0.5, 0.5]) // 0
 */
export function psi(current: number[], previous: number[]): number {
  let total = 0;
  current.forEach((c, i) => {
    const a = Math.max(c, PSI_EPSILON);
    const b = Math.max(previous[i] ?? 0, PSI_EPSILON);
    total += (a - b) * Math.log(a / b);
  });
  return total;
}

function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((n) => (total === 0 ? 0 : n / total));
}

/**
 * Numeric PSI: bins are the deciles of the previous profile, read from its sketch (both sketches share
 * fixed buckets, so each bucket of either profile falls in exactly one bin), plus one bin for missing
 * or invalid cells.
 */
export function numericPsi(current: NumericProfile, previous: NumericProfile): number {
  const reference = sketchEntries(previous.sketch);
  const total = reference.reduce((n, [, count]) => n + count, 0);
  const edges: number[] = []; // ordinal at which each bin after the first starts
  let seen = 0;
  for (const [ordinal, count] of reference) {
    const bin = Math.min(QUANTILE_BINS - 1, Math.floor((QUANTILE_BINS * seen) / Math.max(total, 1)));
    while (edges.length < bin) edges.push(ordinal);
    seen += count;
  }
  const binOf = (ordinal: number): number => {
    let bin = 0;
    while (bin < edges.length && ordinal >= (edges[bin] as number)) bin += 1;
    return bin;
  };
  const histogram = (profile: NumericProfile): number[] => {
    const counts = new Array<number>(QUANTILE_BINS + 1).fill(0);
    for (const [ordinal, count] of sketchEntries(profile.sketch)) {
      const bin = binOf(ordinal);
      counts[bin] = (counts[bin] ?? 0) + count;
    }
    counts[QUANTILE_BINS] = profile.missing + profile.invalid;
    return counts;
  };
  return psi(shares(histogram(current)), shares(histogram(previous)));
}

/** Categorical PSI over the union of values, with missing cells and values past the cap as two more bins. */
export function categoricalPsi(current: CategoricalProfile, previous: CategoricalProfile): number {
  const values = [...new Set([...Object.keys(current.values), ...Object.keys(previous.values)])];
  const vector = (p: CategoricalProfile): number[] => [...values.map((v) => p.values[v] ?? 0), p.missing, p.otherCount];
  return psi(shares(vector(current)), shares(vector(previous)));
}

function columnPsi(current: ColumnProfile, previous: ColumnProfile): number {
  if (current.kind === 'numeric' && previous.kind === 'numeric') return numericPsi(current, previous);
  if (current.kind === 'categorical' && previous.kind === 'categorical') return categoricalPsi(current, previous);
  throw new Error('profiles of different kinds');
}

/** Columns to leave out of a drift comparison, each with the reason the report gives. */
export interface DriftOptions {
  skip?: Record<string, string>;
}

/**
 * The drift options a pipeline needs: its row key is left out, since identifiers of new rows are expected to differ
 * (a PSI on them would flag every retrain on fresh data).
 * @example computeDrift(current, previous, config.validation.drift, pipelineDriftOptions(config))
 */
export function pipelineDriftOptions(config: { dataset: { rowKey: string } }): DriftOptions {
  return { skip: { [config.dataset.rowKey]: 'the row key: identifiers are expected to change between datasets' } };
}

/** Why a column of both profiles is not compared: the caller said so, or it changed kind. */
function skipReason(
  column: string,
  skip: Record<string, string>,
  before: ColumnProfile | undefined,
  now: ColumnProfile,
): string | undefined {
  if (Object.hasOwn(skip, column)) return skip[column];
  return before && before.kind !== now.kind ? `was ${before.kind}, now ${now.kind}` : undefined;
}

/**
 * Compare the current profile with the previous run's: PSI per column (numeric via decile bins,
 * categorical via value shares), `warn` at `psiWarn` or more, `fail` at `psiFail` or more.
 * @example computeDrift(outcome.profile, previousProfile, config.validation.drift).status // 'ok'
 */
export function computeDrift(
  current: Profile,
  previous: Profile,
  thresholds: DriftThresholds,
  options: DriftOptions = {},
): DriftReport {
  const columns: ColumnDrift[] = [];
  const skipped: DriftReport['skipped'] = [];
  const skip = options.skip ?? {};
  for (const [column, now] of Object.entries(current.columns)) {
    const before = previous.columns[column];
    const reason = skipReason(column, skip, before, now);
    if (reason !== undefined || !before) skipped.push({ column, reason: reason ?? 'not in the previous profile' });
    else {
      const value = Math.max(0, columnPsi(now, before));
      const status = value >= thresholds.psiFail ? 'fail' : value >= thresholds.psiWarn ? 'warn' : 'ok';
      columns.push({ column, kind: now.kind, psi: value, status });
    }
  }
  for (const column of Object.keys(previous.columns)) {
    if (!(column in current.columns) && !Object.hasOwn(skip, column)) {
      skipped.push({ column, reason: 'not in the current profile' });
    }
  }
  const worst = columns.some((c) => c.status === 'fail')
    ? 'fail'
    : columns.some((c) => c.status === 'warn')
      ? 'warn'
      : 'ok';
  const { psiWarn, psiFail, failOnDrift = false } = thresholds;
  return { status: worst, psiWarn, psiFail, failOnDrift, columns, skipped };
}
