/** Shared plumbing of the generators: options, validation and chunked CSV streaming. */
import { AsciiWriter } from './ascii';

/** Options every generator takes. */
export interface GenerateOptions {
  /** Number of data rows (the header is extra). */
  rows: number;
  /** Any 32-bit integer; the same seed gives the same bytes. */
  seed: number;
}

/** Writes the next data row, LF included. */
export type RowWriter = (out: AsciiWriter) => void;

/** A chunk is cut once less than this is free: far more than the longest row. */
const ROW_ROOM = 4096;

/** Reject options that would silently produce something else than asked. */
export function checkOptions({ rows, seed }: GenerateOptions): void {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
}

/**
 * Turn a row writer into an async iterable of CSV text: the header line, then `rows` lines in chunks of ~128 KiB.
 * Each iteration starts a fresh writer (iterating twice gives the same text), and rows are only produced as the
 * consumer pulls, so memory stays constant whatever the row count.
 */
export function chunkedCsv(
  columns: readonly string[],
  rows: number,
  startRows: () => RowWriter,
): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      const writeRow = startRows();
      const out = new AsciiWriter();
      out.str(columns.join(',')).eol();
      for (let done = 0; done < rows; done++) {
        writeRow(out);
        if (out.free < ROW_ROOM) yield out.take();
      }
      if (out.length > 0) yield out.take();
    },
  };
}
