import type { RawTable } from './table';

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

/** Per input column, what encoding a row needs, held in flat arrays so the row loop stays monomorphic. */
function encodingPlan(table: RawTable, encoders: readonly FeatureEncoder[]) {
  const offsets = encodedOffsets(encoders);
  return table.columns.map((column, slot) => {
    const encoder = encoders[slot] as FeatureEncoder;
    if (column.kind !== encoder.kind) throw new Error(`column ${column.name}: kind mismatch`);
    if (column.kind === 'numeric' && encoder.kind === 'numeric') {
      return {
        values: column.values,
        codes: undefined,
        levels: undefined,
        offset: offsets[slot] as number,
        ...encoder,
      };
    }
    const levels = encoder.kind === 'category' ? encoder.levels : [];
    const levelOf = new Map(levels.map((level, k) => [level, k]));
    const dictionary = column.kind === 'category' ? column.dictionary : [];
    // A column with no level at all points its (always zero) slot at feature 0, which always exists.
    const offset = levels.length > 0 ? (offsets[slot] as number) : 0;
    return {
      values: undefined,
      codes: column.kind === 'category' ? column.codes : undefined,
      levels: Int32Array.from(dictionary, (text) => levelOf.get(text) ?? -1),
      offset,
      mean: 0,
      scale: 1,
    };
  });
}

/** Encodes a table (training or validation) with already fitted encoders, row by row (sequential writes). */
export function encodeTable(table: RawTable, encoders: readonly FeatureEncoder[]): EncodedRows {
  const width = encoders.length;
  const rows = table.rows;
  const index = new Int32Array(rows * width);
  const value = new Float64Array(rows * width);
  const plan = encodingPlan(table, encoders);
  for (let i = 0; i < rows; i++) {
    for (let slot = 0, at = i * width; slot < width; slot++, at++) {
      const p = plan[slot]!;
      if (p.values !== undefined) {
        // Same arithmetic as CompiledModel.setNumeric, so training and serving encode bit for bit alike.
        const x = p.values[i] as number;
        index[at] = p.offset;
        value[at] = Number.isNaN(x) ? 0 : (x - p.mean) / p.scale;
      } else {
        const code = p.codes![i] as number;
        const level = code < 0 ? -1 : (p.levels![code] as number);
        index[at] = level < 0 ? p.offset : p.offset + level;
        value[at] = level < 0 ? 0 : 1;
      }
    }
  }
  return { rows, width, index, value };
}
