import { createReadStream, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CsvFormatError } from './errors';

/**
 * Called once per record. `line` is the 1-based physical line the record starts on; `raw` is the record's
 * text without its line terminator when it holds no quote (so it can be copied verbatim), otherwise null.
 */
export type RecordHandler = (fields: string[], line: number, raw: string | null) => void;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Streaming RFC 4180 reader: push text chunks, get records. Strips a leading BOM, accepts LF and CRLF,
 * skips blank lines, keeps quoted commas / quotes / newlines. Unquoted records (the common case) take a
 * fast path: one `indexOf('\n')` and one `split(',')` per line.
 * @example const p = new CsvParser((f) => rows.push(f)); p.push('a,b\n1,2\n'); p.end();
 */
export class CsvParser {
  private pending = '';
  private line = 1;
  private started = false;
  private readonly decodeFormulas: boolean;
  private readonly onPlainLine: ((raw: string, line: number) => void) | undefined;

  constructor(
    private readonly onRecord: RecordHandler,
    options: CsvReadOptions = {},
  ) {
    this.decodeFormulas = options.decodeFormulas ?? true;
    this.onPlainLine = options.onPlainLine;
  }

  push(chunk: string): void {
    let text = this.pending.length > 0 ? this.pending + chunk : chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.pending = text.slice(this.consume(text, false));
  }

  end(): void {
    if (this.pending.length > 0) this.consume(this.pending, true);
    this.pending = '';
  }

  /** Emits every complete record of `text`; returns where the unconsumed tail starts. */
  private consume(text: string, final: boolean): number {
    let pos = 0;
    let nextQuote = text.indexOf('"');
    if (nextQuote === -1) nextQuote = Infinity;
    const length = text.length;
    while (pos < length) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) return pos;
        nl = length;
      }
      if (nextQuote < nl) {
        const end = this.quotedRecord(text, pos, final);
        if (end === -1) return pos;
        pos = end;
        nextQuote = text.indexOf('"', pos);
        if (nextQuote === -1) nextQuote = Infinity;
        continue;
      }
      const lineNo = this.line++;
      const stop = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (stop > pos) {
        const raw = text.slice(pos, stop);
        if (this.onPlainLine !== undefined) this.onPlainLine(raw, lineNo);
        else this.onRecord(raw.split(','), lineNo, raw);
      }
      pos = nl + 1;
    }
    return length;
  }

  /** Slow path for a record holding quotes. Returns the position after it, or -1 when it is not complete yet. */
  private quotedRecord(text: string, start: number, final: boolean): number {
    const fields: string[] = [];
    let newlines = 0;
    let i = start;
    for (;;) {
      const quoted = text.charCodeAt(i) === QUOTE;
      const read = quoted ? readQuoted(text, i, final, this.line + newlines) : readUnquoted(text, i, final);
      if (read === undefined) return -1;
      if (quoted) {
        newlines += countNewlines(read.text);
        if (!endsField(text, read.end)) {
          throw new CsvFormatError(`line ${this.line + newlines}: unexpected character after a closing quote`);
        }
      }
      fields.push(quoted && this.decodeFormulas ? unescapeFormula(read.text) : read.text);
      i = read.end;
      if (text.charCodeAt(i) !== COMMA) break;
      i++;
    }
    if (text.charCodeAt(i) === CR) i++;
    if (i >= text.length && !final) return -1;
    const lineNo = this.line;
    this.line += newlines + 1;
    this.onRecord(fields, lineNo, null);
    return i + 1;
  }
}

/** A field read by the slow path: its text and the position just after it. */
interface FieldRead {
  text: string;
  end: number;
}

/** A quoted field starting at `start` (its opening quote); undefined when the text ends before it does. */
function readQuoted(text: string, start: number, final: boolean, line: number): FieldRead | undefined {
  let field = '';
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1 || (q + 1 >= text.length && !final)) {
      if (final) throw new CsvFormatError(`line ${line}: unterminated quoted field`);
      return undefined;
    }
    field += text.slice(from, q);
    if (text.charCodeAt(q + 1) !== QUOTE) return { text: field, end: q + 1 };
    field += '"';
    from = q + 2;
  }
}

/** An unquoted field (a stray quote inside it is kept as is); undefined when the text ends before it does. */
function readUnquoted(text: string, start: number, final: boolean): FieldRead | undefined {
  let j = start;
  for (let c = text.charCodeAt(j); j < text.length && c !== COMMA && c !== LF; c = text.charCodeAt(++j));
  if (j >= text.length && !final) return undefined;
  const dropCr = j > start && text.charCodeAt(j - 1) === CR && text.charCodeAt(j) !== COMMA;
  return { text: text.slice(start, dropCr ? j - 1 : j), end: j };
}

/** Whether position i (just after a closing quote) ends the field: end of text, comma, LF or CRLF. */
function endsField(text: string, i: number): boolean {
  const next = text.charCodeAt(i);
  return i >= text.length || next === COMMA || next === LF || (next === CR && text.charCodeAt(i + 1) === LF);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** How a reader treats the formula escape `csvField` writes. */
export interface CsvReadOptions {
  /**
   * Undo the escape of formula-like cells (a quoted field `"'=..."` reads as `=...`). On by default: files the
   * container wrote itself (prepared splits, transform inputs) carry it. Off for a user's raw file, read verbatim.
   */
  decodeFormulas?: boolean;
  /**
   * Takes every record without quotes as its raw text (no `split`), for readers that scan fields in place;
   * records with quotes still go to the record handler as fields.
   */
  onPlainLine?: (raw: string, line: number) => void;
}

/** Parses a whole CSV text (a request body). */
export function parseCsvText(text: string, onRecord: RecordHandler, options?: CsvReadOptions): void {
  const parser = new CsvParser(onRecord, options);
  parser.push(text);
  parser.end();
}

/** Streams a CSV file through `onRecord` in constant memory (1 MiB reads). */
export async function readCsvFile(path: string, onRecord: RecordHandler, options?: CsvReadOptions): Promise<void> {
  const parser = new CsvParser(onRecord, options);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) parser.push(chunk as string);
  parser.end();
}

const NEEDS_QUOTES = /[",\r\n]/;
/** OWASP's CSV-injection triggers (= + - @ tab CR), after any single quotes so that the escape can be undone. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A line (without quotes) with a cell that may be formula-like: such lines are not copied verbatim. */
const FORMULA_CELL = /(?:^|,)'*[=+\-@\t\r]/;

/**
 * Would a spreadsheet evaluate this cell as a formula? True when it starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return (after any leading single quotes) and is not a plain number: `-3.5` and `+7` stay as they are.
 */
export function isFormulaLike(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}

/** Whether an unquoted line may hold a formula-like cell (cheap pre-check before `csvLine` on its fields). */
export function mayHoldFormula(line: string): boolean {
  return FORMULA_CELL.test(line);
}

/** The value a formula-escaped field stands for: one leading `'` dropped from `'=…`, `''=…`, … */
export function unescapeFormula(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

/**
 * One CSV field, quoted only when it holds a comma, quote or line break, never evaluated. A formula-like value is
 * escaped as OWASP advises for CSV injection: prefixed with `'` and quoted (`=cmd|'/C calc'!A0` is written
 * `"'=cmd|'/C calc'!A0"`), so a spreadsheet shows it as text. The container's readers undo it (`unescapeFormula`),
 * so the model sees the original text.
 */
export function csvField(value: string): string {
  if (isFormulaLike(value)) return `"'${value.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  let out = csvField(fields[0] ?? '');
  for (let i = 1; i < fields.length; i++) out += ',' + csvField(fields[i] ?? '');
  return out;
}

/**
 * Buffered synchronous line writer: appends '\n' to each line and copies it at once into a 1 MiB byte buffer
 * (no string is kept alive between writes, so memory stays flat whatever the row count).
 */
export class LineWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  lines = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.lines++;
    if (this.used + line.length * 3 + 1 > this.buffer.length) {
      this.flush();
      if (line.length * 3 + 1 > this.buffer.length) {
        writeSync(this.fd, line + '\n');
        return;
      }
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.buffer[this.used++] = LF;
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
