import type { NumberCondition, SimpleRule } from '../dqdl/ast';
import { columnStats } from './columnStats';
import type { RowDispatcher } from './dispatch';
import { judgeMetric, missingColumn, noRows } from './outcomes';
import type { Evaluation, RuleEvaluator } from './types';
import { detach } from './values';

/** The rule's number condition (the parser guarantees one for these rule types). */
export function conditionOf(rule: SimpleRule): NumberCondition {
  if (rule.condition?.kind !== 'number') throw new Error(`${rule.type} needs a number condition`);
  return rule.condition;
}

/** The rule's column (the parser guarantees one for column rules). */
export function columnOf(rule: SimpleRule): string {
  const [column] = rule.columns;
  if (column === undefined) throw new Error(`${rule.type} needs a column`);
  return column;
}

/** RowCount and ColumnCount: dataset-level metrics. */
export function datasetRule(rule: SimpleRule): RuleEvaluator {
  const condition = conditionOf(rule);
  return {
    finish: ({ rowCount, header }) =>
      rule.type === 'RowCount'
        ? judgeMetric(condition, 'Dataset.*.RowCount', rowCount)
        : judgeMetric(condition, 'Dataset.*.ColumnCount', header.length),
  };
}

/** ColumnExists: the header names the column. */
export function columnExistsRule(rule: SimpleRule): RuleEvaluator {
  const column = columnOf(rule);
  return {
    finish: ({ header }): Evaluation =>
      header.includes(column)
        ? { result: 'PASS', metrics: {}, column }
        : { result: 'FAIL', message: `column "${column}" is missing`, metrics: {}, column },
  };
}

/** IsComplete and Completeness: share of rows whose cell is not null (or blank, in numeric columns). */
export function completenessRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  const stats = columnStats(dispatcher, column);
  return {
    finish: ({ rowCount }) => {
      if (!stats) return missingColumn(column);
      if (rowCount === 0) return noRows(column);
      const { nulls } = stats;
      const metric = `Column.${column}.Completeness`;
      const completeness = (rowCount - nulls.count) / rowCount;
      if (rule.type === 'Completeness')
        return { ...judgeMetric(conditionOf(rule), metric, completeness, column), ...nulls.fields() };
      const evaluation: Evaluation = {
        result: nulls.count === 0 ? 'PASS' : 'FAIL',
        metrics: { [metric]: completeness },
        column,
      };
      if (nulls.count > 0) evaluation.message = `${nulls.describe()} are empty or blank`;
      return { ...evaluation, ...nulls.fields() };
    },
  };
}

/** Mean, StandardDeviation (population) and Sum of a column's numbers; nulls are skipped. */
export function statisticRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  const stats = columnStats(dispatcher, column, true);
  return {
    finish: () => {
      if (!stats) return missingColumn(column);
      const invalid = stats.notNumber;
      if (invalid.count > 0) {
        return {
          result: 'ERROR',
          message: `${invalid.describe('values')} are not numbers`,
          metrics: {},
          column,
          ...invalid.fields(),
        };
      }
      if (stats.count === 0) return { result: 'ERROR', message: 'the column holds no numbers', metrics: {}, column };
      const value = rule.type === 'Mean' ? stats.mean : rule.type === 'Sum' ? stats.sum : stats.std;
      return judgeMetric(conditionOf(rule), `Column.${column}.${rule.type}`, value, column);
    },
  };
}

/**
 * DistinctValuesCount: number of distinct non-null values (numbers compared as numbers, as uniqueness
 * does). Memory grows with the number of distinct values (a Set of them), which this rule cannot avoid.
 */
export function distinctValuesRule(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  const column = columnOf(rule);
  const values = new Set<string | number>();
  const present = dispatcher.on(column, (cell) => {
    if (cell.isNull) return;
    const key = Number.isNaN(cell.num) ? cell.text() : cell.num;
    if (!values.has(key)) values.add(typeof key === 'string' ? detach(key) : key);
  });
  return {
    finish: () =>
      present
        ? judgeMetric(conditionOf(rule), `Column.${column}.DistinctValuesCount`, values.size, column)
        : missingColumn(column),
  };
}
