import type { NumberCondition } from '../dqdl/ast';
import { formatCondition, holds } from './conditions';
import type { Evaluation } from './types';

/** Numbers in messages: at most 6 significant digits, no exponent for ordinary values. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** PASS/FAIL of a metric against its condition, with the metric reported under `metricName`. */
export function judgeMetric(
  condition: NumberCondition,
  metricName: string,
  value: number,
  column?: string,
): Evaluation {
  const ok = holds(condition, value);
  const evaluation: Evaluation = { result: ok ? 'PASS' : 'FAIL', metrics: { [metricName]: value } };
  if (!ok) evaluation.message = `${metricName} is ${formatNumber(value)}, expected ${formatCondition(condition)}`;
  if (column !== undefined) evaluation.column = column;
  return evaluation;
}

/** ERROR for a rule whose column is not in the file's header. */
export function missingColumn(column: string): Evaluation {
  return { result: 'ERROR', message: `column "${column}" is not in the file`, metrics: {}, column };
}

/** ERROR for a column rule on a dataset without rows: its metric is undefined. */
export function noRows(column: string): Evaluation {
  return { result: 'ERROR', message: 'no rows to evaluate', metrics: {}, column };
}
