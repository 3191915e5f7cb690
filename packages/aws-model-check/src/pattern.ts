/**
 * botocore `pattern`s are Java regular expressions (the services validate with `java.util.regex`, whole-string match).
 * This turns one into a JavaScript `RegExp` anchored at both ends, translating the few Java constructs JavaScript
 * lacks; a pattern that still cannot be compiled is reported as not checkable, never treated as a match.
 */

export type CompiledPattern = { ok: true; regex: RegExp } | { ok: false; reason: string };

/** Java's POSIX `\p{Name}` classes (US-ASCII only), as character-class contents. */
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Java property names with a different spelling in JavaScript (`\p{IsAlphabetic}`, `\p{javaLowerCase}` …). */
const ALIASES: Record<string, string> = {
  javaLowerCase: 'Lowercase',
  javaUpperCase: 'Uppercase',
  javaWhitespace: 'White_Space',
  IsAlphabetic: 'Alphabetic',
  IsLetter: 'L',
  IsDigit: 'Nd',
  IsWhite_Space: 'White_Space',
  IsWhiteSpace: 'White_Space',
  IsLowercase: 'Lowercase',
  IsUppercase: 'Uppercase',
  IsPunctuation: 'P',
};

/** Characters JavaScript's `u` mode lets you escape (outside a class; inside, `-` as well). */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const HORIZONTAL_SPACE = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';

class Uncheckable extends Error {}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** `\p{Name}` / `\P{Name}` in Java → JavaScript, `inClass` when inside `[...]`. */
function property(negated: boolean, name: string, inClass: boolean): string {
  const posix = POSIX[name.replace(/^Is/, '')];
  if (posix !== undefined) {
    if (negated && inClass) throw new Uncheckable(`negated POSIX class \\P{${name}} inside a character class`);
    return inClass ? posix : `[${negated ? '^' : ''}${posix}]`;
  }
  if (name.startsWith('In')) throw new Uncheckable(`Unicode block \\p{${name}}`);
  let js = ALIASES[name] ?? name;
  if (ALIASES[name] === undefined && /^Is[A-Z]/.test(name)) {
    const rest = name.slice(2);
    js = rest.length <= 2 ? rest : `Script=${rest}`;
  }
  return `\\${negated ? 'P' : 'p'}{${js}}`;
}

interface Scan {
  out: string;
  i: number;
  inClass: boolean;
  /** Where the current class's members start in `out` (after `[` or `[^`). */
  classStart: number;
  /** The last token written was a quantifier (so a following `+` makes it possessive). */
  quantified: boolean;
}

/** `\p{…}` / `\P{…}` at `s.i`. */
function propertyEscape(source: string, s: Scan, negated: boolean): void {
  const end = source.indexOf('}', s.i + 3);
  if (end < 0) throw new Uncheckable('unterminated \\p{');
  s.out += property(negated, source.slice(s.i + 3, end), s.inClass);
  s.i = end + 1;
}

/** `\Q…\E` at `s.i`: everything quoted is literal. */
function quoteEscape(source: string, s: Scan): void {
  const end = source.indexOf('\\E', s.i + 2);
  const stop = end < 0 ? source.length : end;
  s.out += escapeLiteral(source.slice(s.i + 2, stop));
  s.i = end < 0 ? stop : end + 2;
}

/** Escapes whose JavaScript spelling differs (or depends on being inside a class). */
const SIMPLE_ESCAPES: Record<string, (inClass: boolean) => string> = {
  A: () => '^',
  Z: () => '$',
  z: () => '$',
  h: (inClass) => (inClass ? HORIZONTAL_SPACE : `[${HORIZONTAL_SPACE}]`),
  '-': (inClass) => (inClass ? '\\-' : '-'),
};

/** A two-character escape `\x`, in JavaScript's u mode (which rejects escaping a character that needs none). */
function simpleEscape(next: string, inClass: boolean): string {
  const special = SIMPLE_ESCAPES[next];
  if (special) return special(inClass);
  if (/[0-9a-zA-Z]/.test(next) || SYNTAX.has(next)) return `\\${next}`;
  return `\\u{${(next.codePointAt(0) as number).toString(16)}}`;
}

/** One backslash escape at `s.i` (pointing at the backslash). */
function escape(source: string, s: Scan): void {
  const next = source[s.i + 1];
  if (next === undefined) throw new Uncheckable('trailing backslash');
  if ((next === 'p' || next === 'P') && source[s.i + 2] === '{') return propertyEscape(source, s, next === 'P');
  if (next === 'Q') return quoteEscape(source, s);
  const octal = next === '0' ? /^[0-7]{1,3}/.exec(source.slice(s.i + 2))?.[0] : undefined;
  if (octal !== undefined) {
    s.out += `\\u{${parseInt(octal, 8).toString(16)}}`;
    s.i += 2 + octal.length;
    return;
  }
  s.i += 2;
  s.out += simpleEscape(next, s.inClass);
}

/** One character (not a backslash) inside `[...]`, already consumed. */
function inClass(body: string, s: Scan, c: string): void {
  if (c === '[') throw new Uncheckable('nested character class (union)');
  if (c === '&' && body[s.i] === '&') throw new Uncheckable('character class intersection &&');
  const first = s.out.length === s.classStart;
  if (c === ']' && !first) s.inClass = false;
  if (c === '-' && !first && (/\\[dDwWsS]$|\\[pP]\{[^}]*\}$/.test(s.out) || /^\\[dDwWsSpP]/.test(body.slice(s.i)))) {
    s.out += '\\-'; // Java reads `[\w-.]` as \w, '-', '.'; JavaScript's u mode rejects a range from a class escape
    return;
  }
  s.out += c === ']' && first ? '\\]' : c;
}

/** `{` outside a class: a quantifier `{n}`, `{n,}`, `{n,m}` passes through, anything else is a literal brace. */
function brace(body: string, s: Scan): boolean {
  const quantifier = /^\{\d+(,\d*)?\}/.exec(body.slice(s.i - 1))?.[0];
  s.out += quantifier ?? '\\{';
  if (quantifier) s.i += quantifier.length - 1;
  return quantifier !== undefined;
}

/** A quantifier applied to an anchor (`${1,128}`): Java accepts it, JavaScript does not; it changes nothing. */
function anchorQuantifier(source: string, i: number): number {
  const m = /^(\{(\d+)(,\d*)?\}|[*?+])/.exec(source.slice(i));
  if (!m) return 0;
  if (m[2] === undefined ? m[1] !== '+' : Number(m[2]) < 1) throw new Uncheckable('optional anchor');
  return m[0].length;
}

/** Translate one Java pattern; returns the JavaScript source and the flags its inline `(?flags)` prefix asked for. */
export function translateJavaPattern(java: string): { source: string; flags: string } {
  let flags = '';
  let body = java;
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline) {
    if (inline[1]?.includes('x')) throw new Uncheckable('comments mode (?x)');
    flags = inline[1] ?? '';
    body = body.slice(inline[0].length);
  }
  const s: Scan = { out: '', i: 0, inClass: false, classStart: 0, quantified: false };
  while (s.i < body.length) {
    const wasQuantified = s.quantified;
    s.quantified = false;
    const c = body[s.i] as string;
    if (c === '\\') {
      escape(body, s);
    } else if (s.inClass) {
      s.i += 1;
      inClass(body, s, c);
    } else {
      token(body, s, c, wasQuantified);
    }
  }
  return { source: s.out, flags };
}

/** Characters outside a class with a translation of their own, called after `s.i` moved past them. */
const TOKENS: Record<string, (body: string, s: Scan, c: string) => void> = {
  '[': (body, s) => {
    s.inClass = true;
    const negated = body[s.i] === '^';
    s.out += negated ? '[^' : '[';
    if (negated) s.i += 1;
    s.classStart = s.out.length;
  },
  '(': (body, s) => {
    const atomic = body.startsWith('?>', s.i); // atomic group (Java only) → plain group
    s.out += atomic ? '(?:' : '(';
    if (atomic) s.i += 2;
  },
  '{': (body, s) => {
    s.quantified = brace(body, s);
  },
  '}': (_body, s) => {
    s.out += '\\}';
  },
  '^': anchor,
  $: anchor,
};

function anchor(body: string, s: Scan, c: string): void {
  s.out += c;
  s.i += anchorQuantifier(body, s.i);
}

/** One character outside a class (not a backslash), at `s.i`. */
function token(body: string, s: Scan, c: string, afterQuantifier: boolean): void {
  s.i += 1;
  const special = TOKENS[c];
  if (special) return special(body, s, c);
  // A `+` after a quantifier makes it possessive (Java only); the greedy one accepts the same whole strings here.
  if (c === '+' && afterQuantifier) return;
  s.out += c;
  s.quantified = (c === '*' || c === '+' || c === '?') && !afterQuantifier && !s.out.endsWith('(?');
}

const cache = new Map<string, CompiledPattern>();

/**
 * Compile a botocore (Java) pattern for whole-string matching, cached.
 * @example compilePattern('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}') // { ok: true, regex: /^(?:…)$/u }
 */
export function compilePattern(java: string): CompiledPattern {
  let compiled = cache.get(java);
  if (compiled) return compiled;
  try {
    const { source, flags } = translateJavaPattern(java);
    compiled = { ok: true, regex: new RegExp(`^(?:${source})$`, `u${flags}`) };
  } catch (error) {
    compiled = { ok: false, reason: (error as Error).message };
  }
  cache.set(java, compiled);
  return compiled;
}
