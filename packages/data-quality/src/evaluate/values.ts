import type { DqdlDataType } from '../dqdl/ast';

/** Decimal number text: optional sign, digits with an optional fraction, optional exponent. */
export const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Is the cell an integer written without a fraction or exponent (`12`, `-3`)? */
export function isIntegerText(cell: string): boolean {
  const first = cell.charCodeAt(0);
  const start = first === 45 || first === 43 ? 1 : 0;
  if (start >= cell.length) return false;
  for (let i = start; i < cell.length; i += 1) {
    const c = cell.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Does the text hold only whitespace (and at least one character)? */
export function isWhitespaceOnly(text: string): boolean {
  return isWhitespaceAt(text, 0, text.length);
}

/** Does text[start, end) hold only whitespace (and at least one character)? */
export function isWhitespaceAt(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xa0 && c !== 0x3000 && (c < 0x2000 || c > 0x200a)) return false;
  }
  return true;
}

/** Length in characters (code points), as Spark's `length` counts, not UTF-16 units. */
export function codePointLength(cell: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < cell.length; i += 1) {
    const c = cell.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) surrogatePairs += 1;
  }
  return cell.length - surrogatePairs;
}

const INT32: [number, number] = [-2147483648, 2147483647];
const BOOLEAN_TEXT = new Set(['true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0']);
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** DQDL types whose test needs the cell's number (see `castsTo`). */
export const NUMERIC_DATA_TYPES: ReadonlySet<DqdlDataType> = new Set(['INTEGER', 'LONG', 'DOUBLE', 'FLOAT']);

/**
 * Could Spark cast this (non-null) text to the DQDL type? `num` is `parseNumber(cell)`, computed once per
 * cell by the caller. Mirrors Spark's string casts closely enough for CSV data: INTEGER within 32 bits,
 * LONG within the safe-integer range, DOUBLE/FLOAT any decimal, BOOLEAN true/false/t/f/yes/no/y/n/1/0,
 * DATE yyyy-mm-dd, TIMESTAMP ISO 8601 date-time.
 */
export function castsTo(cell: string, num: number, type: DqdlDataType): boolean {
  return CASTS[type](cell, num);
}

const CASTS: Record<DqdlDataType, (cell: string, num: number) => boolean> = {
  INTEGER: (cell, num) => inRange(num, INT32) && Number.isInteger(num) && isIntegerText(cell),
  LONG: (cell, num) => Number.isSafeInteger(num) && isIntegerText(cell),
  DOUBLE: (_cell, num) => !Number.isNaN(num),
  FLOAT: (_cell, num) => !Number.isNaN(num),
  BOOLEAN: (cell) => BOOLEAN_TEXT.has(cell.toLowerCase()),
  DATE: (cell) => DATE_TEXT.test(cell) && isCalendarDate(cell),
  TIMESTAMP: (cell) =>
    TIMESTAMP_TEXT.test(cell) && isCalendarDate(cell) && !Number.isNaN(Date.parse(cell.replace(' ', 'T'))),
};

/** Is the leading yyyy-mm-dd a real day (no February 30th)? */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10)].map(Number) as [
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function inRange(value: number, [low, high]: [number, number]): boolean {
  return value >= low && value <= high;
}

/**
 * A copy of `text` that does not keep its source alive. Cells are slices of a whole chunk of the file; a
 * slice kept in a Set or Map (uniqueness keys, category counts) would otherwise pin that chunk in memory.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1); // V8 copies strings shorter than 13 chars anyway
}
