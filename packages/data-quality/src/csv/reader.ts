import type { CsvRow } from './row';
import { CsvFormatError, CsvScanner } from './scanner';
import { Utf8ChunkDecoder } from './utf8';

/**
 * Receives the header once, then each data row with its 1-based data row number. The CsvRow object is
 * reused: read what you need during the call.
 */
export interface CsvSink {
  header(fields: string[]): void;
  row(row: CsvRow, rowNumber: number): void;
}

/** Why reading stopped early. `row` is the data row being read (0 = the header). */
export interface CsvReadFailure {
  reason: 'encoding' | 'malformed';
  message: string;
  row: number;
}

export interface CsvReadResult {
  /** Data rows handed to the sink (the header excluded). */
  rows: number;
  headerSeen: boolean;
  bytes: number;
  failure?: CsvReadFailure;
}

/** What `readCsv` accepts: a Node readable stream or any async iterable of byte chunks (or strings). */
export type CsvInput = NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>;

/**
 * Stream a CSV file into `sink`: UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting. Memory stays
 * constant in the number of rows. Invalid UTF-8 or malformed quoting stops the read and is returned as a
 * `failure` naming the byte offset or data row, never thrown.
 * @example const result = await readCsv(createReadStream(path), { header: console.log, row: () => {} })
 */
export async function readCsv(input: CsvInput, sink: CsvSink): Promise<CsvReadResult> {
  const scanner = new CsvScanner((row, record) => (record === 0 ? sink.header(row.toArray()) : sink.row(row, record)));
  const decoder = new Utf8ChunkDecoder();
  const summary = (failure?: CsvReadFailure): CsvReadResult => {
    const records = scanner.recordCount;
    const result: CsvReadResult = { rows: Math.max(0, records - 1), headerSeen: records > 0, bytes: decoder.bytes };
    if (failure) result.failure = failure;
    return result;
  };
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      const decoded = decoder.decode(chunk);
      scanner.push(decoded.text);
      if (decoded.error) return summary(encodingFailure(decoded.error, scanner.recordCount));
    }
    const tailError = decoder.finish();
    if (tailError) return summary(encodingFailure(tailError, scanner.recordCount));
    scanner.end();
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    return summary({
      reason: 'malformed',
      message: `malformed CSV ${where(error.record)}: ${error.message}`,
      row: error.record,
    });
  }
  return summary();
}

/**
 * The header of a CSV file, reading no further than its first record (BOM stripped, quoted names unquoted):
 * what a catalog table or a report needs without a pass over the data. Undefined when the file is empty or its
 * first record cannot be read (invalid UTF-8, broken quoting); `readCsv` reports why.
 * @example const header = await readCsvHeader(createReadStream(path)) // ['Age', 'Attrition', ...]
 */
export async function readCsvHeader(input: CsvInput): Promise<string[] | undefined> {
  let header: string[] | undefined;
  const scanner = new CsvScanner((row, record) => {
    if (record === 0) header = row.toArray();
  });
  const decoder = new Utf8ChunkDecoder();
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      const decoded = decoder.decode(chunk);
      scanner.push(decoded.text);
      if (header !== undefined || decoded.error) return header;
    }
    if (decoder.finish() === undefined) scanner.end();
  } catch (error) {
    // A record after the header may be cut by a ranged read; only the header matters here.
    if (!(error instanceof CsvFormatError)) throw error;
  }
  return header;
}

const where = (record: number): string => (record === 0 ? 'in the header' : `at data row ${record}`);

function encodingFailure(message: string, record: number): CsvReadFailure {
  return { reason: 'encoding', message: `${message}, ${where(record)}`, row: record };
}
