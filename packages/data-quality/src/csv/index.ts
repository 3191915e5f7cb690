/**
 * The streaming CSV reader alone (`@mlops/data-quality/csv`): what a Lambda or a client needs to read CSV without
 * the rule evaluator, profiles and their schemas.
 */
export { readCsv, readCsvHeader, type CsvInput, type CsvReadFailure, type CsvReadResult, type CsvSink } from './reader';
export { csvRecordBatches, csvRecords, type CsvRecordsOptions } from './records';
export { CsvRow } from './row';
export { CsvFormatError } from './scanner';
