import type { SimpleRule } from '../dqdl/ast';
import { columnOf, conditionOf } from './aggregates';
import type { CellView } from './cell';
import type { RowDispatcher } from './dispatch';
import { judgeMetric, missingColumn, noRows } from './outcomes';
import { FailureTracker, MAX_EXAMPLES } from './tracker';
import type { Evaluation, RuleEvaluator } from './types';
import { detach } from './values';

/** Small non-negative integer keys (the usual row keys) are indexed in a typed array below this bound. */
const DENSE_LIMIT = 1 << 22;

/**
 * Counts how often each value occurs, remembering where a value was first seen to name both rows of a
 * duplicate. Cells that hold a number are keyed by the number (so `7` and `07` are one value, as in a
 * typed column). Integers in [0, 4M) live in a typed array indexed by value (at most 16 MiB, far less
 * than a Map of them); every other value in a Map.
 */
class ValueCounter {
  /** value → data row of its first occurrence, or 0 once that row has been counted as a duplicate. */
  private readonly firstRow = new Map<string | number, number>();
  /** Same for small integers: 0 = not seen, > 0 = first row, -1 = counted as a duplicate. */
  private dense: Int32Array = new Int32Array(0);
  private denseCount = 0;
  readonly nulls = new FailureTracker();
  readonly duplicates = new FailureTracker();
  nonNull = 0;
  duplicatedValues = 0;

  add(cell: CellView): void {
    const { num, row } = cell;
    if (cell.isNull) return this.nulls.add(row);
    this.nonNull += 1;
    if (num >= 0 && num < DENSE_LIMIT && Number.isInteger(num)) return this.addDense(num, row);
    const key = Number.isNaN(num) ? cell.text() : num;
    const first = this.firstRow.get(key);
    if (first === undefined) {
      this.firstRow.set(typeof key === 'string' ? detach(key) : key, row);
      return;
    }
    if (first > 0) {
      this.duplicates.add(first);
      this.firstRow.set(key, 0);
      this.duplicatedValues += 1;
    }
    this.duplicates.add(row);
  }

  private addDense(key: number, row: number): void {
    if (key >= this.dense.length) this.grow(key);
    const first = this.dense[key] as number;
    if (first === 0) {
      this.dense[key] = row;
      this.denseCount += 1;
      return;
    }
    if (first > 0) {
      this.duplicates.add(first);
      this.dense[key] = -1;
      this.duplicatedValues += 1;
    }
    this.duplicates.add(row);
  }

  private grow(key: number): void {
    let length = Math.max(1024, this.dense.length);
    while (length <= key) length *= 2;
    const grown = new Int32Array(Math.min(length, DENSE_LIMIT));
    grown.set(this.dense);
    this.dense = grown;
  }

  get distinct(): number {
    return this.firstRow.size + this.denseCount;
  }

  /** Share of non-null rows whose value occurs exactly once. */
  get uniqueness(): number {
    return this.nonNull === 0 ? 0 : (this.nonNull - this.duplicates.count) / this.nonNull;
  }

  /** Share of distinct values that occur exactly once. */
  get uniqueValueRatio(): number {
    return this.distinct === 0 ? 0 : (this.distinct - this.duplicatedValues) / this.distinct;
  }
}

/**
 * IsUnique, Uniqueness, UniqueValueRatio and IsPrimaryKey. Nulls are not values: they never make a
 * duplicate (IsPrimaryKey fails on them separately). Memory grows with the number of distinct values:
 * a Map from each value to the row it was first seen in, which uniqueness cannot do without.
 */
export function uniquenessRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  let present = dispatcher.indexOf(column) !== -1;
  const counter = dispatcher.shared(`values:${column}`, () => {
    const created = new ValueCounter();
    present = dispatcher.on(column, (cell) => created.add(cell));
    return created;
  });
  return {
    finish: ({ rowCount }) => {
      if (!present) return missingColumn(column);
      if (rowCount === 0) return noRows(column);
      return judgeUniqueness(rule, column, counter, rowCount);
    },
  };
}

function judgeUniqueness(rule: SimpleRule, column: string, counter: ValueCounter, rowCount: number): Evaluation {
  const uniquenessMetric = `Column.${column}.Uniqueness`;
  switch (rule.type) {
    case 'Uniqueness':
      return judgeMetric(conditionOf(rule), uniquenessMetric, counter.uniqueness, column);
    case 'UniqueValueRatio':
      return judgeMetric(conditionOf(rule), `Column.${column}.UniqueValueRatio`, counter.uniqueValueRatio, column);
    case 'IsPrimaryKey': {
      const completeness = (rowCount - counter.nulls.count) / rowCount;
      const metrics = { [`Column.${column}.Completeness`]: completeness, [uniquenessMetric]: counter.uniqueness };
      return verdict(column, metrics, [
        [counter.duplicates, 'share a value with another row'],
        [counter.nulls, 'are empty'],
      ]);
    }
    default:
      return verdict(column, { [uniquenessMetric]: counter.uniqueness }, [
        [counter.duplicates, 'share a value with another row'],
      ]);
  }
}

/** PASS when no tracker caught a row; otherwise FAIL naming every problem, with the rows merged. */
function verdict(
  column: string,
  metrics: Record<string, number>,
  problems: Array<[FailureTracker, string]>,
): Evaluation {
  const failing = problems.filter(([tracker]) => tracker.count > 0);
  if (failing.length === 0) return { result: 'PASS', metrics, column };
  const rows = [...new Set(failing.flatMap(([t]) => t.examples))].sort((a, b) => a - b).slice(0, MAX_EXAMPLES);
  return {
    result: 'FAIL',
    message: failing.map(([t, what]) => `${t.describe()} ${what}`).join('; '),
    metrics,
    column,
    failedRowCount: failing.reduce((n, [t]) => n + t.count, 0),
    exampleRows: rows,
  };
}
