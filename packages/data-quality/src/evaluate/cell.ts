import { detach, isIntegerText, isWhitespaceAt, NUMBER_TEXT } from './values';

/** Values an InternTable keeps; past that a column is treated as high-cardinality. */
const INTERN_CAPACITY = 32;

/**
 * The distinct values of a low-cardinality column (departments, labels), so each cell of it yields the
 * same string object instead of a new slice: no allocation, and Map lookups hit a cached hash. Turns
 * itself off for columns with many distinct values.
 */
export class InternTable {
  enabled = true;
  private readonly values: string[] = [];
  private missesWhenFull = 0;

  /** The interned value equal to source[start, end), if any. */
  find(source: string, start: number, end: number): string | undefined {
    const length = end - start;
    const values = this.values;
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i] as string;
      if (value.length === length && source.startsWith(value, start)) return value;
    }
    return undefined;
  }

  /** Keep `text` (a detached copy) while there is room; give back the string to use. */
  add(text: string): string {
    if (this.values.length < INTERN_CAPACITY) {
      const kept = detach(text);
      this.values.push(kept);
      return kept;
    }
    this.missesWhenFull += 1;
    if (this.missesWhenFull > 1000) this.enabled = false;
    return text;
  }
}

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
  private intern: InternTable | undefined;

  /** The cell's text. */
  text(): string {
    if (this.cached === undefined) this.cached = this.slice();
    return this.cached;
  }

  private slice(): string {
    const { source, start, end, intern } = this;
    if (!intern?.enabled) return source.slice(start, end);
    return intern.find(source, start, end) ?? intern.add(source.slice(start, end));
  }

  /** Point at source[start, end) and classify it (null, number) for the next consumers. */
  load(source: string, start: number, end: number, blankIsNull: boolean, numbers: boolean, intern?: InternTable): void {
    this.source = source;
    this.start = start;
    this.end = end;
    this.intern = intern;
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
    this.integer = isIntegerText(text);
    return Number.isFinite(value) ? value : NaN; // "1e999" is not a usable number
  }
}
