import { DqdlSyntaxError } from '../errors';
import {
  DQDL_DATA_TYPES,
  type DataTypeCondition,
  type DqdlDataType,
  type NumberCondition,
  type StringCondition,
  type StringValue,
  type ValueKeyword,
} from './ast';
import type { Token } from './lexer';
import type { TokenStream } from './stream';

const COMPARISONS = ['>', '>=', '<', '<='] as const;
const ARITHMETIC = ['+', '-', '*', '/'];
const KEYWORDS: Record<string, ValueKeyword> = {
  NULL: 'NULL',
  null: 'NULL',
  EMPTY: 'EMPTY',
  empty: 'EMPTY',
  WHITESPACES_ONLY: 'WHITESPACES_ONLY',
  whitespaces_only: 'WHITESPACES_ONLY',
};

type Element = { kind: 'number'; value: number } | { kind: 'null' } | { kind: 'text'; value: StringValue };

/** Does the current token start a condition (so a rule type that takes none can say so)? */
export function startsCondition(s: TokenStream): boolean {
  return ['=', '!', '!=', ...COMPARISONS].some((p) => s.isPunct(p)) || s.isIdent(['between', 'in', 'not', 'matches']);
}

/**
 * Parse a number-based condition: `between a and b`, `not between a and b`, `> x`, `>= x`, `< x`, `<= x`,
 * `= x`, `!= x`, `in [..]`, `not in [..]`.
 */
export function parseNumberCondition(s: TokenStream): NumberCondition {
  const negated = s.isIdent('not');
  if (negated) s.next();
  if (s.isIdent('between')) {
    const at = s.next();
    const low = parseNumber(s);
    s.expectIdent('and', 'between the bounds of "between"');
    const high = parseNumber(s);
    if (low === null || high === null) throw new DqdlSyntaxError('"between" bounds must be numbers', at);
    if (low >= high)
      throw new DqdlSyntaxError(`"between ${low} and ${high}" can never hold (between is exclusive)`, at);
    return { kind: 'number', op: negated ? 'notBetween' : 'between', values: [low, high] };
  }
  if (s.isIdent('in')) {
    const at = s.peek();
    const numbers = parseList(s).map((e) => toNumber(e, at));
    return { kind: 'number', op: negated ? 'notIn' : 'in', values: numbers };
  }
  if (negated) throw s.error('expected "between" or "in" after "not"');
  const comparison = COMPARISONS.find((p) => s.isPunct(p));
  if (comparison) {
    s.next();
    return { kind: 'number', op: comparison, values: [parseNumber(s)] };
  }
  const op = parseEquality(s);
  if (op) return { kind: 'number', op, values: [parseNumber(s)] };
  throw s.error('expected a condition such as "> 0", "= 1" or "between 1 and 10"');
}

/** Parse ColumnValues' condition: a number-based one, or `= "x"`, `in ["a", "b"]`, `matches "re"`, with negations. */
export function parseValueCondition(s: TokenStream): NumberCondition | StringCondition {
  const ahead = s.isIdent('not') ? 1 : 0;
  if (s.isIdent('matches', ahead)) return parseMatches(s, ahead === 1);
  if (s.isIdent('in', ahead)) {
    if (ahead === 1) s.next();
    const at = s.peek();
    return classify(parseList(s), ahead === 1 ? 'notIn' : 'in', at);
  }
  if (s.isPunct('=') || s.isPunct('!=') || s.isPunct('!')) {
    const at = s.peek();
    const op = parseEquality(s) ?? '=';
    return classify([parseElement(s)], op, at);
  }
  return parseNumberCondition(s);
}

/** `matches "re"` / `not matches "re"`: the pattern must compile (as a JavaScript regular expression). */
function parseMatches(s: TokenStream, negated: boolean): StringCondition {
  if (negated) s.next();
  s.next();
  const pattern = s.next();
  if (pattern.type !== 'string') throw s.error('expected a quoted regular expression after "matches"', pattern);
  checkRegex(pattern);
  return {
    kind: 'string',
    op: negated ? 'notMatches' : 'matches',
    values: [{ kind: 'literal', value: pattern.value }],
  };
}

/** Parse ColumnDataType's condition: `= "INTEGER"` (any DQDL type, case-insensitive). */
export function parseDataTypeCondition(s: TokenStream): DataTypeCondition {
  s.expectPunct('=', 'after the column of ColumnDataType');
  const token = s.next();
  const name = token.type === 'string' ? token.value.toUpperCase() : '';
  if (!(DQDL_DATA_TYPES as readonly string[]).includes(name)) {
    throw s.error(`expected a quoted type, one of ${DQDL_DATA_TYPES.join(', ')}`, token);
  }
  return { kind: 'dataType', dataType: name as DqdlDataType };
}

function parseEquality(s: TokenStream): '=' | '!=' | undefined {
  if (s.acceptPunct('=')) return '=';
  if (s.acceptPunct('!=')) return '!=';
  if (s.acceptPunct('!')) {
    s.expectPunct('=', 'after "!"');
    return '!=';
  }
  return undefined;
}

/** A number literal (optionally negative) or NULL; DQDL's dynamic functions and arithmetic are refused. */
function parseNumber(s: TokenStream): number | null {
  const element = parseElement(s);
  if (element.kind === 'text') throw s.error('expected a number', s.peek(-1));
  return element.kind === 'null' ? null : element.value;
}

function parseElement(s: TokenStream): Element {
  const token = s.next();
  if (token.type === 'ident' && s.isPunct('(')) {
    throw new DqdlSyntaxError(
      `dynamic expressions such as ${token.value}(...) need run history and are not supported locally`,
      token,
    );
  }
  if (token.type === 'ident' && KEYWORDS[token.value]) {
    const keyword = KEYWORDS[token.value] as ValueKeyword;
    return keyword === 'NULL' ? { kind: 'null' } : { kind: 'text', value: { kind: 'keyword', keyword } };
  }
  if (token.type === 'string') return { kind: 'text', value: { kind: 'literal', value: token.value } };
  const negative = token.type === 'punct' && token.value === '-';
  const digits = negative ? s.next() : token;
  if (digits.type !== 'number') throw s.error('expected a number, a quoted string or NULL', digits);
  if (ARITHMETIC.some((p) => s.isPunct(p))) {
    throw s.error('arithmetic in DQDL expressions is not supported locally');
  }
  const value = Number(digits.value);
  return { kind: 'number', value: negative ? -value : value };
}

function parseList(s: TokenStream): Element[] {
  s.expectIdent('in', 'before a list');
  s.expectPunct('[', 'to open the list after "in"');
  const elements = [parseElement(s)];
  while (s.acceptPunct(',')) elements.push(parseElement(s));
  s.expectPunct(']', 'to close the list (or "," between its items)');
  return elements;
}

function toNumber(element: Element, at: Token): number | null {
  if (element.kind === 'text') throw new DqdlSyntaxError('this condition takes numbers only', at);
  return element.kind === 'null' ? null : element.value;
}

/** Decide whether a list or an `=` compares numbers or text; the two cannot be mixed. */
function classify(elements: Element[], op: 'in' | 'notIn' | '=' | '!=', at: Token): NumberCondition | StringCondition {
  const hasText = elements.some((e) => e.kind === 'text');
  const hasNumber = elements.some((e) => e.kind === 'number');
  if (hasText && hasNumber) throw new DqdlSyntaxError('a list cannot mix numbers and strings', at);
  if (!hasText && hasNumber) return { kind: 'number', op, values: elements.map((e) => toNumber(e, at)) };
  const values: StringValue[] = elements.map((e) =>
    e.kind === 'text' ? e.value : { kind: 'keyword', keyword: 'NULL' },
  );
  return { kind: 'string', op, values };
}

function checkRegex(token: Token): void {
  try {
    new RegExp(token.value, 'u');
  } catch (error) {
    throw new DqdlSyntaxError(`invalid regular expression: ${(error as Error).message}`, token);
  }
}
