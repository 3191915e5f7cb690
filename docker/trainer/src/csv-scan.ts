import { RowError } from './errors';
import type { CompiledModel } from './model';
import { parseNumber } from './table';

const CR = 13;
const COMMA = 44;
/** Returned by fastNumber when the text needs the general parser (exponent, spaces, > 15 digits, garbage). */
const SLOW = Infinity;
/** Exact powers of ten (parsed, not computed, so each is the correctly rounded double; exact up to 1e22). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

export function wrongWidth(model: CompiledModel, line: number, got: number): RowError {
  return new RowError(line, `expected ${model.width} columns (${model.inputColumns.join(',')}), got ${got}`);
}

/** Result of the last digit scan, module-level so the hot path allocates nothing. */
let scanned = 0;
let mantissa = 0;
let digitCount = 0;
let pointAt = -1;
let clean = true;

/** Reads digits and at most one '.' up to the next comma or `end`. */
function scanDigits(text: string, from: number, end: number): void {
  let m = 0;
  let digits = 0;
  let point = -1;
  let ok = true;
  let i = from;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA) break;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
    } else if (c === 46 && point < 0) point = digits;
    else ok = false;
  }
  scanned = i;
  mantissa = m;
  digitCount = digits;
  pointAt = point;
  clean = ok;
}

/**
 * Reads the numeric field starting at `start` up to the next comma or `end`, without making a string:
 * `[+-]digits[.digits]` with at most 15 digits forms an exact integer m, and m / 10^k is then correctly rounded,
 * so the result equals `+text` bit for bit (Clinger's fast path). Sets `scanned` to where the field ends.
 * '' gives NaN (missing); anything else gives SLOW (the caller falls back to `parseNumber`).
 */
export function fastNumber(text: string, start: number, end: number): number {
  const sign = start < end ? text.charCodeAt(start) : COMMA;
  scanDigits(text, sign === 45 || sign === 43 ? start + 1 : start, end);
  if (scanned === start) return NaN;
  if (!clean || digitCount === 0 || digitCount > 15) return SLOW;
  const decimals = pointAt < 0 ? 0 : digitCount - pointAt;
  const x = decimals === 0 ? mantissa : mantissa / (POW10[decimals] as number);
  return sign === 45 ? -x : x;
}

function matchLevel(
  model: CompiledModel,
  slot: number,
  levels: readonly string[],
  text: string,
  start: number,
  end: number,
): number {
  const length = end - start;
  if (length === 0) return -1;
  if (levels.length > 16) return model.levelOf(slot, text.slice(start, end));
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k] as string;
    if (level.length === length && text.startsWith(level, start)) return k;
  }
  return -1;
}

/** Position of the comma ending the field that starts at `from`, or `end` when the line ends first. */
function fieldEnd(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) !== COMMA) i++;
  return i;
}

function scanLine(
  model: CompiledModel,
  text: string,
  start: number,
  end: number,
  line: number,
  index: Int32Array,
  value: Float64Array,
): void {
  const width = model.width;
  const levelLists = model.levelLists;
  let p = start;
  for (let slot = 0; slot < width; slot++) {
    const levels = levelLists[slot];
    let stop: number;
    if (levels === undefined) {
      let x = fastNumber(text, p, end);
      stop = scanned;
      if (x === SLOW) x = parseNumber(text.slice(p, stop), model.inputColumns[slot] as string, line);
      model.setNumeric(slot, x, index, value);
    } else {
      stop = fieldEnd(text, p, end);
      model.setLevel(slot, matchLevel(model, slot, levels, text, p, stop), index, value);
    }
    if (slot < width - 1 ? stop >= end : stop < end) {
      throw wrongWidth(model, line, text.slice(start, end).split(',').length);
    }
    p = stop + 1;
  }
}

/**
 * Encodes every line of a CSV text that holds no quote character, calling `onRow` after each line is in
 * `index` / `value`. Same results as CsvParser + CompiledModel.encodeFields (BOM stripped, CRLF accepted, blank
 * lines skipped, 1-based line numbers in errors), without allocating per field.
 */
export function scanPlainCsv(
  model: CompiledModel,
  text: string,
  index: Int32Array,
  value: Float64Array,
  onRow: () => void,
): void {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (pos < length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = length;
    line++;
    const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (end > pos) {
      scanLine(model, text, pos, end, line, index, value);
      onRow();
    }
    pos = nl + 1;
  }
}
