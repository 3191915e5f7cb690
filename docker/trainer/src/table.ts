import { featureColumns, InputError, type PipelineConfig } from '@mlops/core';
import { readCsvFile } from './csv';
import { RowError } from './errors';

export type FeatureKind = 'numeric' | 'category';

export interface ColumnSpec {
  name: string;
  kind: FeatureKind;
  required: boolean;
}

/** What a training file must hold: the feature columns (in `featureColumns` order) and the binary target. */
export interface DatasetSpec {
  columns: ColumnSpec[];
  target: string;
  positiveLabel: string;
  negativeLabel: string;
}

export type RawColumn =
  | { kind: 'numeric'; name: string; values: Float64Array }
  | { kind: 'category'; name: string; codes: Int32Array; dictionary: string[] };

/** A training file held column by column: numbers as Float64Array (NaN = missing), categories as codes (-1 = missing). */
export interface RawTable {
  rows: number;
  columns: RawColumn[];
  labels: Uint8Array;
}

/** The feature columns of a pipeline config with their kind (integer/number → numeric, category → category). */
export function datasetSpec(config: PipelineConfig): DatasetSpec {
  const { dataset } = config;
  const columns = featureColumns(config).map((name): ColumnSpec => {
    const column = dataset.columns[name];
    if (column === undefined) throw new InputError(`feature column ${name} is not declared`);
    return { name, kind: column.type === 'category' ? 'category' : 'numeric', required: column.required };
  });
  return {
    columns,
    target: dataset.target,
    positiveLabel: dataset.positiveLabel,
    negativeLabel: dataset.negativeLabel,
  };
}

/** A number from a CSV field; '' is missing (NaN). Throws on anything else that is not a finite number. */
export function parseNumber(text: string, column: string, line: number): number {
  if (text === '') return NaN;
  const x = +text;
  // `+' '` is 0, so a zero needs a second look; every other number is accepted as is.
  if (Number.isFinite(x) && (x !== 0 || text.trim() !== '')) return x;
  throw new RowError(line, `column ${column}: "${text}" is not a number`);
}

class Growable<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  done(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

type ColumnReader = (fields: string[], line: number) => void;

function columnReader(spec: ColumnSpec, position: number): { read: ColumnReader; finish: () => RawColumn } {
  if (spec.kind === 'numeric') {
    const values = new Growable(new Float64Array(1024), (n) => new Float64Array(n));
    return {
      read: (fields, line) => values.push(position < 0 ? NaN : parseNumber(fields[position] ?? '', spec.name, line)),
      finish: () => ({ kind: 'numeric', name: spec.name, values: values.done() }),
    };
  }
  const codes = new Growable(new Int32Array(1024), (n) => new Int32Array(n));
  const dictionary = new Map<string, number>();
  return {
    read: (fields) => {
      const text = position < 0 ? '' : (fields[position] ?? '');
      if (text === '') return codes.push(-1);
      let code = dictionary.get(text);
      if (code === undefined) dictionary.set(text, (code = dictionary.size));
      codes.push(code);
    },
    finish: () => ({ kind: 'category', name: spec.name, codes: codes.done(), dictionary: [...dictionary.keys()] }),
  };
}

/**
 * Streams a CSV file with a header into a RawTable. Optional feature columns may be absent (all missing);
 * a required column or the target missing, a wrong field count, a bad number or an unknown label throws.
 */
export async function loadTable(path: string, spec: DatasetSpec): Promise<RawTable> {
  let readers: ReturnType<typeof columnReader>[] | undefined;
  let targetPosition = -1;
  let width = 0;
  const labels = new Growable(new Uint8Array(1024), (n) => new Uint8Array(n));
  await readCsvFile(path, (fields, line) => {
    if (readers === undefined) {
      width = fields.length;
      const position = new Map(fields.map((name, i) => [name, i]));
      targetPosition = position.get(spec.target) ?? -1;
      if (targetPosition < 0) throw new InputError(`${path}: target column ${spec.target} is missing from the header`);
      readers = spec.columns.map((column) => {
        const at = position.get(column.name) ?? -1;
        if (at < 0 && column.required) throw new InputError(`${path}: required column ${column.name} is missing`);
        return columnReader(column, at);
      });
      return;
    }
    if (fields.length !== width) throw new RowError(line, `expected ${width} columns, got ${fields.length}`);
    const label = fields[targetPosition];
    if (label === spec.positiveLabel) labels.push(1);
    else if (label === spec.negativeLabel) labels.push(0);
    else
      throw new RowError(
        line,
        `target ${spec.target} is "${label}", neither "${spec.positiveLabel}" nor "${spec.negativeLabel}"`,
      );
    for (const reader of readers) reader.read(fields, line);
  });
  if (readers === undefined) throw new InputError(`${path} is empty (no header)`);
  const labelArray = labels.done();
  return { rows: labelArray.length, columns: readers.map((r) => r.finish()), labels: labelArray };
}
