import { featureColumns, InputError, type PipelineConfig } from '@mlops/core';
import { readCsvFile } from './csv';
import { fastNumber } from './csv-scan';
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
/** Reads the field `text[start, stop)` of an unquoted line in place (no per-field string for numbers). */
type PlainReader = (text: string, start: number, stop: number, line: number) => void;

interface Reader {
  read: ColumnReader;
  readPlain: PlainReader;
  finish: () => RawColumn;
}

function numericReader(spec: ColumnSpec, position: number): Reader {
  const values = new Growable(new Float64Array(1024), (n) => new Float64Array(n));
  return {
    read: (fields, line) => values.push(position < 0 ? NaN : parseNumber(fields[position] ?? '', spec.name, line)),
    readPlain: (text, start, stop, line) => {
      // fastNumber equals `+text` bit for bit where it answers; anything unusual goes through parseNumber.
      const x = fastNumber(text, start, stop);
      values.push(x === Infinity ? parseNumber(text.slice(start, stop), spec.name, line) : x);
    },
    finish: () => ({ kind: 'numeric', name: spec.name, values: values.done() }),
  };
}

function categoryReader(spec: ColumnSpec, position: number): Reader {
  const codes = new Growable(new Int32Array(1024), (n) => new Int32Array(n));
  const dictionary = new Map<string, number>();
  const known: string[] = [];
  const codeOf = (text: string): number => {
    let code = dictionary.get(text);
    if (code === undefined) {
      dictionary.set(text, (code = dictionary.size));
      known.push(text);
    }
    return code;
  };
  return {
    read: (fields) => {
      const text = position < 0 ? '' : (fields[position] ?? '');
      codes.push(text === '' ? -1 : codeOf(text));
    },
    readPlain: (text, start, stop) => {
      const length = stop - start;
      if (length === 0) return codes.push(-1);
      // Few levels: compare in place rather than cutting a string per row.
      if (known.length <= 16) {
        for (let k = 0; k < known.length; k++) {
          const level = known[k] as string;
          if (level.length === length && text.startsWith(level, start)) return codes.push(k);
        }
      }
      codes.push(codeOf(text.slice(start, stop)));
    },
    finish: () => ({ kind: 'category', name: spec.name, codes: codes.done(), dictionary: [...dictionary.keys()] }),
  };
}

function columnReader(spec: ColumnSpec, position: number): Reader {
  return spec.kind === 'numeric' ? numericReader(spec, position) : categoryReader(spec, position);
}

/** What to do with each field position of a line: -2 skip, -1 target, k ≥ 0 feed reader k. */
interface Layout {
  width: number;
  targetPosition: number;
  readers: Reader[];
  /** Per field position. */
  action: Int32Array;
  /** Readers of columns absent from the file (always missing). */
  absent: Reader[];
}

function layoutOf(path: string, header: string[], spec: DatasetSpec): Layout {
  const position = new Map(header.map((name, i) => [name, i]));
  const targetPosition = position.get(spec.target) ?? -1;
  if (targetPosition < 0) throw new InputError(`${path}: target column ${spec.target} is missing from the header`);
  const action = new Int32Array(header.length).fill(-2);
  action[targetPosition] = -1;
  const absent: Reader[] = [];
  const readers = spec.columns.map((column, k) => {
    const at = position.get(column.name) ?? -1;
    if (at < 0 && column.required) throw new InputError(`${path}: required column ${column.name} is missing`);
    const reader = columnReader(column, at);
    if (at < 0) absent.push(reader);
    else action[at] = k;
    return reader;
  });
  return { width: header.length, targetPosition, readers, action, absent };
}

function labelOf(spec: DatasetSpec, label: string | undefined, line: number): number {
  if (label === spec.positiveLabel) return 1;
  if (label === spec.negativeLabel) return 0;
  throw new RowError(
    line,
    `target ${spec.target} is "${label}", neither "${spec.positiveLabel}" nor "${spec.negativeLabel}"`,
  );
}

/** One unquoted line, scanned field by field in place; same results as splitting it and reading the fields. */
function readPlainLine(
  layout: Layout,
  spec: DatasetSpec,
  raw: string,
  line: number,
  labels: Growable<Uint8Array>,
): void {
  const { width, action, readers } = layout;
  let start = 0;
  let label = -1;
  for (let position = 0; position < width; position++) {
    let stop = raw.indexOf(',', start);
    if (stop === -1) stop = raw.length;
    if (position < width - 1 ? stop >= raw.length : stop < raw.length) {
      throw new RowError(line, `expected ${width} columns, got ${raw.split(',').length}`);
    }
    const k = action[position] as number;
    if (k >= 0) (readers[k] as Reader).readPlain(raw, start, stop, line);
    else if (k === -1) label = labelOf(spec, raw.slice(start, stop), line);
    start = stop + 1;
  }
  labels.push(label);
  for (const reader of layout.absent) reader.read([], line);
}

/**
 * Streams a CSV file with a header into a RawTable. Optional feature columns may be absent (all missing);
 * a required column or the target missing, a wrong field count, a bad number or an unknown label throws.
 * Lines without quotes are scanned in place (numbers parsed without a string per field); others are parsed fully.
 */
export async function loadTable(path: string, spec: DatasetSpec): Promise<RawTable> {
  let layout: Layout | undefined;
  const labels = new Growable(new Uint8Array(1024), (n) => new Uint8Array(n));
  const onFields = (fields: string[], line: number): void => {
    if (layout === undefined) {
      layout = layoutOf(path, fields, spec);
      return;
    }
    if (fields.length !== layout.width)
      throw new RowError(line, `expected ${layout.width} columns, got ${fields.length}`);
    const label = labelOf(spec, fields[layout.targetPosition], line);
    labels.push(label);
    for (const reader of layout.readers) reader.read(fields, line);
  };
  await readCsvFile(path, onFields, {
    onPlainLine: (raw, line) => {
      if (layout === undefined) onFields(raw.split(','), line);
      else readPlainLine(layout, spec, raw, line, labels);
    },
  });
  if (layout === undefined) throw new InputError(`${path} is empty (no header)`);
  const labelArray = labels.done();
  return { rows: labelArray.length, columns: layout.readers.map((r) => r.finish()), labels: labelArray };
}
