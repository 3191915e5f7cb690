import { DqdlSyntaxError } from '../errors';
import type { Token } from './lexer';

/** A cursor over DQDL tokens with the look-ahead helpers the recursive-descent parser needs. */
export class TokenStream {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  /** The token `ahead` places after the current one (the last token is always `eof`). */
  peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.index + ahead] ?? last;
  }

  /** Consume and return the current token. */
  next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index += 1;
    return token;
  }

  /** Position of the cursor, to slice the tokens a rule spans. */
  get position(): number {
    return this.index;
  }

  /** The tokens from `from` (inclusive) up to the cursor. */
  slice(from: number): Token[] {
    return this.tokens.slice(from, this.index);
  }

  isPunct(value: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'punct' && t.value === value;
  }

  isIdent(value: string | string[], ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' && (Array.isArray(value) ? value.includes(t.value) : t.value === value);
  }

  /** Consume `value` if it is next; tell whether it was. */
  acceptPunct(value: string): boolean {
    if (!this.isPunct(value)) return false;
    this.next();
    return true;
  }

  expectPunct(value: string, context: string): Token {
    if (!this.isPunct(value)) throw this.error(`expected "${value}" ${context}`);
    return this.next();
  }

  expectIdent(value: string, context: string): Token {
    if (!this.isIdent(value)) throw this.error(`expected "${value}" ${context}`);
    return this.next();
  }

  /** An error at `token` (default: the current one) that also says what was found there. */
  error(message: string, token: Token = this.peek()): DqdlSyntaxError {
    return new DqdlSyntaxError(`${message}, found ${describe(token)}`, token);
  }
}

/** Human wording for a token in error messages. */
export function describe(token: Token): string {
  if (token.type === 'eof') return 'the end of the text';
  if (token.type === 'string') return `the string ${JSON.stringify(token.value)}`;
  return `"${token.value}"`;
}
