import { isWhitespaceAt, NUMBER_TEXT } from './values';

/**
 * The cell being dispatched, one object reused for every cell (never keep a reference to it). Its text
 * is sliced only when a consumer asks for it; its number is parsed once, for columns that need numbers.
 */
export class CellView {
  /** The cell's number, or NaN (also NaN when the column's numbers were not requested). */
  num = NaN;
  /** Empty, or (in a column the config declares numeric) only whitespace. */
  isNull = false;
  /** Written as an integer: optional sign and digits only. Meaningful when `num` is not NaN. */
  integer = false;
  /** 1-based data row number. */
  row = 0;
  private source = '';
  private start = 0;
  private end = 0;
  private cached: string | undefined;

  /** The cell's text. */
  text(): string {
    if (this.cached === undefined) this.cached = this.source.slice(this.start, this.end);
    return this.cached;
  }

  /** Length of the text in UTF-16 units. */
  get length(): number {
    return this.end - this.start;
  }

  /** Point at source[start, end) and classify it (null, number) for the next consumers. */
  load(source: string, start: number, end: number, blankIsNull: boolean, numbers: boolean): void {
    this.source = source;
    this.start = start;
    this.end = end;
    this.cached = start === 0 && end === source.length ? source : undefined;
    let isNull = start === end;
    if (!isNull && blankIsNull) isNull = isWhitespaceAt(source, start, end);
    this.isNull = isNull;
    this.num = numbers && !isNull ? this.parse() : NaN;
  }

  /**
   * Parse the number in the cell. Strict: no surrounding spaces, no hex, no `Infinity`, no thousands
   * separators. Plain digit strings (the common case) take a fast path without a regular expression.
   */
  private parse(): number {
    const { source, start, end } = this;
    const first = source.charCodeAt(start);
    let i = first === 45 || first === 43 ? start + 1 : start;
    this.integer = false;
    if (i >= end || end - i > 15) return this.parseDecimal();
    let value = 0;
    for (; i < end; i += 1) {
      const c = source.charCodeAt(i);
      if (c < 48 || c > 57) return this.parseDecimal();
      value = value * 10 + (c - 48);
    }
    this.integer = true;
    return first === 45 ? -value : value;
  }

  private parseDecimal(): number {
    const text = this.text();
    if (!NUMBER_TEXT.test(text)) return NaN;
    const value = Number(text);
    this.integer = /^[+-]?\d+$/.test(text);
    return Number.isFinite(value) ? value : NaN; // "1e999" is not a usable number
  }
}
