import { shortHash, type PipelineConfig } from '@mlops/core';
import { columnStats, type ColumnStats } from '../evaluate/columnStats';
import type { CellView } from '../evaluate/cell';
import type { RowDispatcher } from '../evaluate/dispatch';
import { detach } from '../evaluate/values';
import type { CategoricalProfile, ColumnProfile, NumericProfile, Profile } from './schema';

/** Distinct values a categorical profile counts one by one; the rest go to `otherCount`. */
export const CATEGORY_CAP = 1000;

interface ColumnProfiler {
  finish(): ColumnProfile;
}

/** Count, missing, mean and population std, min, max and sketch of a numeric column, from its shared stats. */
function numericProfile(stats: ColumnStats): NumericProfile {
  const some = stats.count > 0;
  return {
    kind: 'numeric',
    count: stats.count,
    missing: stats.nulls.count,
    invalid: stats.notNumber.count,
    mean: some ? stats.mean : null,
    std: some ? stats.std : null,
    min: some ? stats.min : null,
    max: some ? stats.max : null,
    sketch: stats.sketch.toJSON(),
  };
}

/** Value counts of a categorical column, capped at CATEGORY_CAP distinct values (bounded memory). */
function categoricalProfiler(sensitive: boolean): { accept: (cell: CellView) => void } & ColumnProfiler {
  const counts = new Map<string, number>();
  let count = 0;
  let missing = 0;
  let other = 0;
  return {
    accept(cell) {
      if (cell.isNull) return void (missing += 1);
      count += 1;
      const text = cell.text();
      const seen = counts.get(text);
      if (seen !== undefined) counts.set(text, seen + 1);
      else if (counts.size < CATEGORY_CAP) counts.set(detach(text), 1);
      else other += 1;
    },
    finish(): CategoricalProfile {
      const values: Record<string, number> = {};
      for (const [value, n] of counts) values[sensitive ? hashValue(value) : value] = n;
      return {
        kind: 'categorical',
        count,
        missing,
        distinct: counts.size,
        truncated: other > 0,
        values,
        otherCount: other,
      };
    },
  };
}

/** Stable stand-in for a sensitive value: drift needs equal values to match, not the values themselves. */
function hashValue(value: string): string {
  return `sha256:${shortHash(value, 16)}`;
}

/**
 * Profile every declared column the header has: numeric for `integer`/`number` columns, categorical
 * otherwise. Returns the function that builds the profile once all rows are read.
 * @example const finish = attachProfilers(config, dispatcher); ...rows...; const profile = finish(rowCount)
 */
export function attachProfilers(config: PipelineConfig, dispatcher: RowDispatcher): (rowCount: number) => Profile {
  const profilers = new Map<string, ColumnProfiler>();
  const sensitive = new Set(config.dataset.sensitive);
  for (const [column, spec] of Object.entries(config.dataset.columns)) {
    if (spec.type === 'integer' || spec.type === 'number') {
      const stats = columnStats(dispatcher, column, true);
      if (stats) profilers.set(column, { finish: () => numericProfile(stats) });
    } else {
      const profiler = categoricalProfiler(sensitive.has(column));
      if (dispatcher.on(column, profiler.accept)) profilers.set(column, profiler);
    }
  }
  return (rowCount) => ({
    rowCount,
    columns: Object.fromEntries([...profilers].map(([column, p]) => [column, p.finish()])),
  });
}
