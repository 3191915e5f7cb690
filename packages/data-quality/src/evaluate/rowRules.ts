import type { DqdlDataType, SimpleRule } from '../dqdl/ast';
import { columnOf } from './aggregates';
import { columnStats, type ColumnStats } from './columnStats';
import { formatCondition, holds, numberTest, rowTest } from './conditions';
import type { RowDispatcher } from './dispatch';
import { formatNumber, missingColumn } from './outcomes';
import { FailureTracker } from './tracker';
import type { Evaluation, RuleEvaluator } from './types';
import { NUMERIC_DATA_TYPES, castsTo, codePointLength } from './values';

/** Rows tested against a row-level rule: how many passed, and which failed. */
class Compliance {
  passed = 0;
  total = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly failures = new FailureTracker()) {}

  record(ok: boolean, row: number): void {
    this.total += 1;
    if (ok) this.passed += 1;
    else this.failures.add(row);
  }

  /** Track the range of a value the rule reports (numbers, lengths). */
  observe(value: number): void {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Share of tested rows that passed; 1 when no row was tested (nothing failed). */
  get ratio(): number {
    return this.total === 0 ? 1 : this.passed / this.total;
  }
}

/**
 * Judge a row-level rule. Without `with threshold` every tested row must pass; with it, the share of
 * passing rows must satisfy the threshold condition (AWS Glue's semantics).
 */
function judge(
  rule: SimpleRule,
  column: string,
  state: Compliance,
  metrics: Record<string, number>,
  failing: string,
): Evaluation {
  const ratio = state.ratio;
  const ok = rule.threshold ? holds(rule.threshold, ratio) : state.failures.count === 0;
  const evaluation: Evaluation = { result: ok ? 'PASS' : 'FAIL', metrics, column, ...state.failures.fields() };
  if (ok) return evaluation;
  const rows = `${state.failures.describe()} ${failing}`;
  evaluation.message = rule.threshold
    ? `compliance ${formatNumber(ratio)} is not ${formatCondition(rule.threshold)}: ${rows}`
    : rows;
  return evaluation;
}

function range(state: Compliance, minName: string, maxName: string): Record<string, number> {
  return state.min <= state.max ? { [minName]: state.min, [maxName]: state.max } : {};
}

/** ColumnValues: each row's value against the condition (nulls as AWS Glue treats them). */
export function columnValuesRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  const condition = rule.condition;
  if (condition?.kind !== 'number' && condition?.kind !== 'string') throw new Error('ColumnValues needs a condition');
  const test = rowTest(condition);
  const numeric = condition.kind === 'number';
  const state = new Compliance();
  const present = dispatcher.on(
    column,
    (cell) => {
      if (numeric && !Number.isNaN(cell.num)) state.observe(cell.num);
      state.record(test(cell), cell.row);
    },
    { numbers: numeric },
  );
  return {
    finish: () => {
      if (!present) return missingColumn(column);
      const metrics = {
        [`Column.${column}.ColumnValues.Compliance`]: state.ratio,
        ...range(state, `Column.${column}.Minimum`, `Column.${column}.Maximum`),
      };
      return judge(rule, column, state, metrics, `are not ${formatCondition(condition)}`);
    },
  };
}

/** ColumnLength: each row's length in characters (a null counts as length 0, as in AWS Glue). */
export function columnLengthRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  if (rule.condition?.kind !== 'number') throw new Error('ColumnLength needs a number condition');
  const condition = rule.condition;
  const test = numberTest(condition);
  const state = new Compliance();
  const present = dispatcher.on(column, (cell) => {
    const length = cell.isNull ? 0 : codePointLength(cell.text());
    if (!cell.isNull) state.observe(length);
    state.record(test(length), cell.row);
  });
  return {
    finish: () => {
      if (!present) return missingColumn(column);
      const metrics = {
        [`Column.${column}.ColumnLength.Compliance`]: state.ratio,
        ...range(state, `Column.${column}.MinimumLength`, `Column.${column}.MaximumLength`),
      };
      return judge(rule, column, state, metrics, `have a length not ${formatCondition(condition)}`);
    },
  };
}

/**
 * ColumnDataType: each non-null value can be cast to the type; nulls are not tested. INTEGER, DOUBLE and
 * FLOAT read the column's shared statistics; the other types test each cell.
 */
export function columnDataTypeRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  if (rule.condition?.kind !== 'dataType') throw new Error('ColumnDataType needs a type');
  const type = rule.condition.dataType;
  const shared = SHARED_TYPES.has(type) ? columnStats(dispatcher, column, true) : undefined;
  const state = new Compliance();
  const present =
    shared !== undefined ||
    dispatcher.on(
      column,
      (cell) => {
        if (!cell.isNull) state.record(castsTo(cell.text(), cell.num, type), cell.row);
      },
      { numbers: NUMERIC_DATA_TYPES.has(type) },
    );
  return {
    finish: () => {
      if (!present) return missingColumn(column);
      const judged = shared ? fromStats(shared, type) : state;
      const metrics = { [`Column.${column}.ColumnDataType.Compliance`]: judged.ratio };
      return judge(rule, column, judged, metrics, `do not hold ${type === 'INTEGER' ? 'an' : 'a'} ${type} value`);
    },
  };
}

const SHARED_TYPES: ReadonlySet<DqdlDataType> = new Set(['INTEGER', 'DOUBLE', 'FLOAT']);

/** Compliance of a shared-statistics column with INTEGER (32-bit integers) or DOUBLE/FLOAT (any number). */
function fromStats(stats: ColumnStats, type: DqdlDataType): Compliance {
  const failures = type === 'INTEGER' ? stats.notInteger : stats.notNumber;
  const compliance = new Compliance(failures);
  compliance.total = stats.nonNull;
  compliance.passed = stats.nonNull - failures.count;
  return compliance;
}
