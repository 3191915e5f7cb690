import type { CsvInput } from './reader';
import { CsvFormatError, CsvScanner } from './scanner';
import { Utf8ChunkDecoder } from './utf8';

export interface CsvRecordsOptions {
  /** The first record is a header: checked for width like every record, never yielded. */
  header?: boolean;
}

/**
 * Stream the records of a CSV file as arrays of strings, in batches (the records one input chunk completes), so a
 * consumer awaits once per chunk rather than once per record. The dialect of `readCsv`: UTF-8 with or without BOM,
 * LF or CRLF, RFC 4180 quoting, blank lines skipped. Every record must have as many fields as the first (the header
 * when there is one). Invalid UTF-8, broken quoting or a record of another width throw a `CsvFormatError` naming the
 * record ("malformed CSV at data row 7: …"). Memory stays constant in the number of records.
 * @example for await (const batch of csvRecordBatches(createReadStream(path), { header: true })) for (const [key] of batch) keys.push(key)
 */
export async function* csvRecordBatches(input: CsvInput, options: CsvRecordsOptions = {}): AsyncGenerator<string[][]> {
  const skip = options.header ? 1 : 0;
  const where = (record: number): string => (skip === 0 ? `record ${record + 1}` : record === 0 ? 'the header' : `data row ${record}`);
  let width = -1;
  let batch: string[][] = [];
  const scanner = new CsvScanner((row, record) => {
    if (width < 0) width = row.count;
    else if (row.count !== width) {
      throw new CsvFormatError(`${row.count} fields where ${skip ? 'the header has' : 'the first record has'} ${width}`, record);
    }
    if (record >= skip) batch.push(row.toArray());
  });
  /** Run a step of the scanner, naming the record in any error it throws. */
  const step = (run: () => string | undefined): void => {
    let message: string | undefined;
    let record: number;
    try {
      message = run();
      record = scanner.recordCount;
    } catch (error) {
      if (!(error instanceof CsvFormatError)) throw error;
      message = error.message;
      record = error.record;
    }
    if (message !== undefined) throw new CsvFormatError(`malformed CSV at ${where(record)}: ${message}`, record);
  };
  const decoder = new Utf8ChunkDecoder();
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    step(() => {
      const decoded = decoder.decode(chunk);
      scanner.push(decoded.text);
      return decoded.error;
    });
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  step(() => {
    const error = decoder.finish();
    if (error === undefined) scanner.end();
    return error;
  });
  if (batch.length > 0) yield batch;
}

/** The records of a CSV file one at a time: `csvRecordBatches` flattened (one await per record). */
export async function* csvRecords(input: CsvInput, options: CsvRecordsOptions = {}): AsyncGenerator<string[]> {
  for await (const batch of csvRecordBatches(input, options)) yield* batch;
}
