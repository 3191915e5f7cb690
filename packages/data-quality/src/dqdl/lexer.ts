import { DqdlSyntaxError, type SourcePosition } from '../errors';

export type TokenType = 'ident' | 'string' | 'number' | 'punct' | 'eof';

/** One DQDL token; `start`/`end` are offsets into the source text. */
export interface Token extends SourcePosition {
  type: TokenType;
  value: string;
  start: number;
  end: number;
}

const PUNCT_TWO = new Set(['>=', '<=', '!=']);
const PUNCT_ONE = new Set(['[', ']', '(', ')', ',', '=', '>', '<', '!', '-', '+', '*', '/', '{', '}', ':', '$']);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_.]/.test(c);

/**
 * Split DQDL text into tokens: identifiers (rule types and keywords), double-quoted strings with `\"` and
 * `\\` escapes, numbers (`12`, `0.5`; a leading `-` is its own token) and punctuation. `#` starts a comment
 * that runs to the end of the line. Any other character is a `DqdlSyntaxError` naming its line and column.
 * @example tokenize('Rules = [ RowCount > 0 ]').map((t) => t.value)
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: offset - lineStart + 1 });

  while (offset < text.length) {
    const c = text.charAt(offset);
    if (c === '\n') {
      offset += 1;
      line += 1;
      lineStart = offset;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      offset += 1;
    } else if (c === '#') {
      while (offset < text.length && text.charAt(offset) !== '\n') offset += 1;
    } else {
      const start = here();
      const token = readToken(text, offset, start);
      tokens.push(token);
      const newlines = countNewlines(text, offset, token.end); // strings may span lines
      if (newlines > 0) {
        line += newlines;
        lineStart = text.lastIndexOf('\n', token.end - 1) + 1;
      }
      offset = token.end;
    }
  }
  tokens.push({ type: 'eof', value: '', start: offset, end: offset, ...here() });
  return tokens;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) if (text.charCodeAt(i) === 10) n += 1;
  return n;
}

function readToken(text: string, offset: number, position: SourcePosition): Token {
  const c = text.charAt(offset);
  if (c === '"') return readString(text, offset, position);
  if (isDigit(c)) return readNumber(text, offset, position);
  if (isIdentStart(c)) {
    let end = offset + 1;
    while (end < text.length && isIdentPart(text.charAt(end))) end += 1;
    return { type: 'ident', value: text.slice(offset, end), start: offset, end, ...position };
  }
  const two = text.slice(offset, offset + 2);
  if (PUNCT_TWO.has(two)) return { type: 'punct', value: two, start: offset, end: offset + 2, ...position };
  if (PUNCT_ONE.has(c)) return { type: 'punct', value: c, start: offset, end: offset + 1, ...position };
  throw new DqdlSyntaxError(`unexpected character ${JSON.stringify(c)}`, position);
}

function readString(text: string, offset: number, position: SourcePosition): Token {
  let value = '';
  let i = offset + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') return { type: 'string', value, start: offset, end: i + 1, ...position };
    const next = text.charAt(i + 1);
    if (c === '\\' && (next === '"' || next === '\\')) {
      value += next;
      i += 2;
    } else {
      value += c;
      i += 1;
    }
  }
  throw new DqdlSyntaxError('unterminated string (missing closing ")', position);
}

function readNumber(text: string, offset: number, position: SourcePosition): Token {
  let end = offset;
  while (end < text.length && isDigit(text.charAt(end))) end += 1;
  if (text.charAt(end) === '.') {
    const fractionStart = end + 1;
    end = fractionStart;
    while (end < text.length && isDigit(text.charAt(end))) end += 1;
    if (end === fractionStart) throw new DqdlSyntaxError('a decimal point must be followed by digits', position);
  }
  if (end < text.length && isIdentStart(text.charAt(end))) {
    throw new DqdlSyntaxError(`invalid number "${text.slice(offset, end + 1)}"`, position);
  }
  return { type: 'number', value: text.slice(offset, end), start: offset, end, ...position };
}
