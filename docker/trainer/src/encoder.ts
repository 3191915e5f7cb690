import type { RawColumn, RawTable } from './table';

/**
 * How one input column becomes model features. Numeric: z = (x - mean) / scale, missing → mean (z = 0).
 * Category: one 0/1 column per level seen in training; unknown or empty value → all zero.
 */
export type FeatureEncoder =
  { name: string; kind: 'numeric'; mean: number; scale: number } | { name: string; kind: 'category'; levels: string[] };

/**
 * Encoded rows in "slot" form: one slot per input column, holding the index of its (single) non-zero encoded
 * feature and its value. Numeric slots point at their column; category slots at the active level with value 1,
 * or at the column's first level with value 0 when the value is unknown. Indices grow along a row.
 */
export interface EncodedRows {
  rows: number;
  width: number;
  index: Int32Array;
  value: Float64Array;
}

/** Fits encoders on training data only: means and population standard deviations, sorted category levels. */
export function fitEncoders(table: RawTable): FeatureEncoder[] {
  return table.columns.map((column): FeatureEncoder => {
    if (column.kind === 'category') {
      return { name: column.name, kind: 'category', levels: [...column.dictionary].sort() };
    }
    let sum = 0;
    let count = 0;
    for (const x of column.values) {
      if (!Number.isNaN(x)) {
        sum += x;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    let squares = 0;
    for (const x of column.values) if (!Number.isNaN(x)) squares += (x - mean) * (x - mean);
    const std = count > 0 ? Math.sqrt(squares / count) : 0;
    return { name: column.name, kind: 'numeric', mean, scale: std > 1e-12 ? std : 1 };
  });
}

/** First encoded feature of each input column. */
export function encodedOffsets(encoders: readonly FeatureEncoder[]): number[] {
  let next = 0;
  return encoders.map((e) => {
    const offset = next;
    next += e.kind === 'numeric' ? 1 : e.levels.length;
    return offset;
  });
}

/** Feature names after encoding: `Age`, `Department=Sales`, ... */
export function encodedFeatureNames(encoders: readonly FeatureEncoder[]): string[] {
  return encoders.flatMap((e) => (e.kind === 'numeric' ? [e.name] : e.levels.map((level) => `${e.name}=${level}`)));
}

/** For each encoded feature, the input column it comes from. */
export function featureToInput(encoders: readonly FeatureEncoder[]): Int32Array {
  return Int32Array.from(encoders.flatMap((e, j) => (e.kind === 'numeric' ? [j] : e.levels.map(() => j))));
}

function encodeColumn(
  column: RawColumn,
  encoder: FeatureEncoder,
  offset: number,
  out: EncodedRows,
  slot: number,
): void {
  const { rows, width, index, value } = out;
  if (column.kind === 'numeric' && encoder.kind === 'numeric') {
    // Same arithmetic as CompiledModel.setNumeric, so training and serving encode bit for bit alike.
    for (let i = 0; i < rows; i++) {
      const x = column.values[i] as number;
      index[i * width + slot] = offset;
      value[i * width + slot] = Number.isNaN(x) ? 0 : (x - encoder.mean) / encoder.scale;
    }
    return;
  }
  if (column.kind !== 'category' || encoder.kind !== 'category')
    throw new Error(`column ${column.name}: kind mismatch`);
  const levelOf = new Map(encoder.levels.map((level, k) => [level, k]));
  const codeToLevel = Int32Array.from(column.dictionary, (text) => levelOf.get(text) ?? -1);
  // A column with no level at all points its (always zero) slot at feature 0, which always exists.
  const fallback = encoder.levels.length > 0 ? offset : 0;
  for (let i = 0; i < rows; i++) {
    const code = column.codes[i] as number;
    const level = code < 0 ? -1 : (codeToLevel[code] as number);
    index[i * width + slot] = level < 0 ? fallback : offset + level;
    value[i * width + slot] = level < 0 ? 0 : 1;
  }
}

/** Encodes a table (training or validation) with already fitted encoders. */
export function encodeTable(table: RawTable, encoders: readonly FeatureEncoder[]): EncodedRows {
  const width = encoders.length;
  const out: EncodedRows = {
    rows: table.rows,
    width,
    index: new Int32Array(table.rows * width),
    value: new Float64Array(table.rows * width),
  };
  const offsets = encodedOffsets(encoders);
  table.columns.forEach((column, slot) => {
    encodeColumn(column, encoders[slot] as FeatureEncoder, offsets[slot] as number, out, slot);
  });
  return out;
}
