import { MlopsError } from '@mlops/core';

/** Where in a DQDL document something was found (1-based line and column). */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * A DQDL document is not valid, or uses DQDL the local evaluator does not support.
 * Raised by `parseDqdl` (at load time), never during evaluation.
 * @example try { parseDqdl(text) } catch (e) { if (e instanceof DqdlSyntaxError) console.log(e.line, e.column) }
 */
export class DqdlSyntaxError extends MlopsError {
  override readonly name = 'DqdlSyntaxError';
  readonly line: number;
  readonly column: number;

  constructor(message: string, position: SourcePosition) {
    super(`DQDL line ${position.line}, column ${position.column}: ${message}`);
    this.line = position.line;
    this.column = position.column;
  }
}
