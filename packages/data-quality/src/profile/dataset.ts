import type { PipelineConfig } from '@mlops/core';
import { numericColumns } from '../builtin';
import { readCsv, type CsvInput, type CsvSink } from '../csv/reader';
import { CsvRow } from '../csv/row';
import { RowDispatcher } from '../evaluate/dispatch';
import { attachProfilers } from './profiler';
import type { Profile } from './schema';

/**
 * Builds a dataset's profile (the one `evaluateDataset` returns) from the rows a caller reads, so that a program
 * streaming the file for another purpose (the container's `prepare`) profiles it in the same pass. Memory is
 * bounded per column (a sketch, at most CATEGORY_CAP categories) whatever the number of rows.
 * @example const p = new DatasetProfiler(config); p.header(names); for (const r of rows) p.fields(r); p.finish()
 */
export class DatasetProfiler implements CsvSink {
  private readonly record = new CsvRow();
  private rows = 0;
  private rowFunction: (row: CsvRow, rowNumber: number) => void = () => {};
  private build: (rowCount: number) => Profile = (rowCount) => ({ rowCount, columns: {} });

  constructor(private readonly config: PipelineConfig) {}

  /** The file's header (column names in file order); once, before the first row. */
  header(names: readonly string[]): void {
    const dispatcher = new RowDispatcher(names, numericColumns(this.config));
    this.build = attachProfilers(this.config, dispatcher);
    this.rowFunction = dispatcher.rowFunction();
  }

  /** One data row as a CsvRow (the streaming reader's sink interface). */
  row(row: CsvRow): void {
    this.rows += 1;
    this.rowFunction(row, this.rows);
  }

  /** One data row's fields, in header order (read during the call, not kept). */
  fields(values: string[]): void {
    this.record.setFields(values);
    this.row(this.record);
  }

  /** The profile of every row seen so far. */
  finish(): Profile {
    return this.build(this.rows);
  }
}

/**
 * Profile a CSV file in one streaming pass, without evaluating any rule.
 * @example const profile = await profileDataset({ input: createReadStream(path), config })
 */
export async function profileDataset(options: { input: CsvInput; config: PipelineConfig }): Promise<Profile> {
  const profiler = new DatasetProfiler(options.config);
  await readCsv(options.input, profiler);
  return profiler.finish();
}
