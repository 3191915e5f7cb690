import type { Condition, NumberCondition, StringCondition, StringValue } from '../dqdl/ast';
import { quoteDqdl } from '../dqdl/format';
import type { CellView } from './cell';
import { isWhitespaceOnly } from './values';

/** Tests one row's cell. */
export type RowTest = (cell: CellView) => boolean;

const NEGATED = new Set(['notBetween', '!=', 'notIn', 'notMatches']);

/**
 * Does `value` satisfy a number condition? `between` is exclusive at both ends (AWS Glue evaluates
 * `value > low && value < high`); NaN satisfies only negated conditions.
 * @example holds({ kind: 'number', op: 'between', values: [1, 5] }, 5) // false
 */
export function holds(condition: NumberCondition, value: number): boolean {
  return numberTest(condition)(value);
}

/** `holds` compiled once, for conditions tested on every row (ColumnLength, thresholds). */
export function numberTest(condition: NumberCondition): (value: number) => boolean {
  const positive = positiveNumberTest(condition);
  return NEGATED.has(condition.op) ? (v) => !positive(v) : positive;
}

function positiveNumberTest({ op, values }: NumberCondition): (value: number) => boolean {
  const [a = null, b = null] = values;
  switch (op) {
    case 'between':
    case 'notBetween':
      return (v) => a !== null && b !== null && v > a && v < b;
    case '>':
      return (v) => a !== null && v > a;
    case '>=':
      return (v) => a !== null && v >= a;
    case '<':
      return (v) => a !== null && v < a;
    case '<=':
      return (v) => a !== null && v <= a;
    default: {
      const set = new Set(values.filter((x): x is number => x !== null));
      return (v) => set.has(v);
    }
  }
}

/**
 * A per-row test for ColumnValues. Null cells fail every condition except the negated ones (`!=`,
 * `not in`, `not between`, `not matches`) and those that list NULL, as AWS Glue documents. An empty cell
 * is null; it also matches EMPTY. A whitespace-only cell matches WHITESPACES_ONLY (in a numeric column
 * it is null as well).
 */
export function rowTest(condition: NumberCondition | StringCondition): RowTest {
  const negated = NEGATED.has(condition.op);
  const nullMatches = condition.kind === 'number' ? condition.values.includes(null) : listsNull(condition.values);
  const positive =
    condition.kind === 'number' ? numberOfCell(positiveNumberTest(condition)) : positiveStringTest(condition);
  return negated
    ? (cell) => (cell.isNull ? !nullMatches : !positive(cell))
    : (cell) => (cell.isNull ? nullMatches : positive(cell));
}

function numberOfCell(test: (value: number) => boolean): (cell: CellView) => boolean {
  return (cell) => test(cell.num);
}

/** An empty CSV cell is both NULL and EMPTY (CSV cannot tell them apart). */
function listsNull(values: StringValue[]): boolean {
  return values.some((v) => v.kind === 'keyword' && (v.keyword === 'NULL' || v.keyword === 'EMPTY'));
}

/** Tests non-null cells against `=`, `in` or `matches` (a regular expression that must match the whole value). */
function positiveStringTest({ op, values }: StringCondition): (cell: CellView) => boolean {
  if (op === 'matches' || op === 'notMatches') {
    const source = values[0]?.kind === 'literal' ? values[0].value : '';
    const pattern = new RegExp(`^(?:${source})$`, 'u');
    return (cell) => pattern.test(cell.text());
  }
  const literals = new Set(values.flatMap((v) => (v.kind === 'literal' ? [v.value] : [])));
  const empty = values.some((v) => v.kind === 'keyword' && v.keyword === 'EMPTY');
  const whitespace = values.some((v) => v.kind === 'keyword' && v.keyword === 'WHITESPACES_ONLY');
  return (cell) => {
    const text = cell.text();
    return literals.has(text) || (empty && text === '') || (whitespace && isWhitespaceOnly(text));
  };
}

const OPERATOR_TEXT: Record<string, string> = { notBetween: 'not between', notIn: 'not in', notMatches: 'not matches' };

/**
 * DQDL text of a condition, for messages.
 * @example formatCondition({ kind: 'number', op: 'between', values: [1, 5] }) // "between 1 and 5"
 */
export function formatCondition(condition: Condition): string {
  if (condition.kind === 'dataType') return `= ${quoteDqdl(condition.dataType)}`;
  const op = OPERATOR_TEXT[condition.op] ?? condition.op;
  const items =
    condition.kind === 'number'
      ? condition.values.map((v) => (v === null ? 'NULL' : String(v)))
      : condition.values.map(formatValue);
  if (condition.op === 'between' || condition.op === 'notBetween') return `${op} ${items[0]} and ${items[1]}`;
  if (condition.op === 'in' || condition.op === 'notIn') return `${op} [${items.join(', ')}]`;
  return `${op} ${items[0]}`;
}

function formatValue(value: StringValue): string {
  return value.kind === 'literal' ? quoteDqdl(value.value) : value.keyword;
}
