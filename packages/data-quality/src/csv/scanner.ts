import { CsvRow } from './row';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** The text is not well-formed CSV (RFC 4180 quoting). `record` is 0 for the header, k for data row k. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/**
 * Incremental RFC 4180 record splitter over decoded text. Lines without a quote take a fast path (their
 * commas are located, no field string is made); records with quotes go through a small state machine
 * that handles quoted commas, quoted line breaks and doubled quotes. CRLF and LF both end a record; blank
 * lines are skipped. Memory: only the unfinished tail of the last chunk is kept.
 */
export class CsvScanner {
  private carry = '';
  private records = 0;
  private readonly row = new CsvRow();

  /** `emit` gets the reused row and its record index (0 = the header). */
  constructor(private readonly emit: (row: CsvRow, record: number) => void) {}

  /** Records emitted so far (the header included). */
  get recordCount(): number {
    return this.records;
  }

  /** Split every complete record in `text` (joined to what was left over from the last call). */
  push(text: string): void {
    const buf = this.carry.length > 0 ? this.carry + text : text;
    const n = buf.length;
    let pos = 0;
    let quote = buf.indexOf('"');
    while (pos < n) {
      if (quote !== -1 && quote < pos) quote = buf.indexOf('"', pos);
      const nl = buf.indexOf('\n', pos);
      if (quote === -1 || (nl !== -1 && quote > nl)) {
        if (nl === -1) break;
        this.emitLine(buf, pos, nl);
        pos = nl + 1;
      } else {
        const end = this.parseRecord(buf, pos, false);
        if (end < 0) break;
        pos = end;
      }
    }
    this.carry = pos < n ? buf.slice(pos) : '';
  }

  /** Flush the last record (a file need not end with a line break). */
  end(): void {
    const buf = this.carry;
    this.carry = '';
    let pos = 0;
    while (pos < buf.length) {
      if (buf.indexOf('"', pos) === -1) {
        const nl = buf.indexOf('\n', pos);
        const stop = nl === -1 ? buf.length : nl;
        this.emitLine(buf, pos, stop);
        pos = stop + 1;
      } else {
        pos = this.parseRecord(buf, pos, true);
      }
    }
  }

  private emitLine(buf: string, start: number, nl: number): void {
    const end = nl > start && buf.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (end === start) return; // blank line
    this.row.setLine(buf, start, end);
    this.emit(this.row, this.records++);
  }

  /** Parse one record that contains a quote; the offset after it, or -1 when more text is needed. */
  private parseRecord(buf: string, start: number, final: boolean): number {
    const fields: string[] = [];
    let i = start;
    for (;;) {
      const field = buf.charCodeAt(i) === QUOTE ? this.quotedField(buf, i, final) : this.plainField(buf, i, final);
      if (field === undefined) return -1;
      fields.push(field.value);
      i = field.next;
      if (!field.more) break;
    }
    this.row.setFields(fields);
    this.emit(this.row, this.records++);
    return i;
  }

  private quotedField(buf: string, start: number, final: boolean): Field | undefined {
    let value = '';
    let j = start + 1;
    for (;;) {
      const q = buf.indexOf('"', j);
      if (q === -1 || (q + 1 >= buf.length && !final)) {
        if (final) throw new CsvFormatError('a quoted field is never closed', this.records);
        return undefined;
      }
      if (buf.charCodeAt(q + 1) === QUOTE) {
        value += buf.slice(j, q + 1);
        j = q + 2;
        continue;
      }
      value += buf.slice(j, q);
      return this.afterField(buf, q + 1, value, final);
    }
  }

  private plainField(buf: string, start: number, final: boolean): Field | undefined {
    let j = start;
    while (j < buf.length) {
      const c = buf.charCodeAt(j);
      if (c === COMMA || c === LF) break;
      if (c === QUOTE) throw new CsvFormatError('a quote inside an unquoted field', this.records);
      j += 1;
    }
    if (j >= buf.length && !final) return undefined;
    const end = j < buf.length && j > start && buf.charCodeAt(j - 1) === CR ? j - 1 : j;
    return this.afterField(buf, j, buf.slice(start, end), final);
  }

  /** After a field: a comma (another field follows), a line break or the end (the record ends). */
  private afterField(buf: string, i: number, value: string, final: boolean): Field | undefined {
    if (i >= buf.length) return final ? { value, next: i, more: false } : undefined;
    const c = buf.charCodeAt(i);
    if (c === COMMA) return { value, next: i + 1, more: true };
    if (c === LF) return { value, next: i + 1, more: false };
    if (c === CR) {
      if (i + 1 >= buf.length) return final ? { value, next: i + 1, more: false } : undefined;
      if (buf.charCodeAt(i + 1) === LF) return { value, next: i + 2, more: false };
    }
    throw new CsvFormatError('unexpected text after a closing quote', this.records);
  }
}

interface Field {
  value: string;
  next: number;
  more: boolean;
}
