import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '@mlops/core/messages';
import { encodedOffsets, featureToInput } from './encoder';
import { ModelFormatError, RowError } from './errors';
import { gbtExplain, type Tree } from './gbt';
import { parseNumber } from './table';

export const MODEL_FORMAT = 'mlops-trainer-model/1';

const EncoderSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string(), kind: z.literal('numeric'), mean: z.number(), scale: z.number().check(z.positive()) }),
  z.object({ name: z.string(), kind: z.literal('category'), levels: z.array(z.string()) }),
]);

const TreeSchema = z.object({
  feature: z.array(z.int()),
  threshold: z.array(z.number()),
  left: z.array(z.int()),
  right: z.array(z.int()),
  value: z.array(z.number()),
});

const CommonSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  /** Columns a scoring row holds, in order: featureColumns(config). */
  inputColumns: z.array(z.string()),
  /** Features after encoding (`Age`, `Department=Sales`), the order of weights and tree feature indices. */
  featureNames: z.array(z.string()),
  encoders: z.array(EncoderSchema),
  /** Logit before any feature: intercept (logistic) or prior + Σ tree roots (gbt). */
  baseValue: z.number(),
  target: z.object({ name: z.string(), positiveLabel: z.string(), negativeLabel: z.string() }),
  hyperparameters: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.number()),
  training: z.object({ rows: z.int(), positives: z.int(), validationRows: z.int() }),
});

export const ModelArtifactSchema = z.discriminatedUnion('modelType', [
  z.extend(CommonSchema, {
    modelType: z.literal('logistic'),
    logistic: z.object({ intercept: z.number(), weights: z.array(z.number()), l2: z.number(), iterations: z.number() }),
  }),
  z.extend(CommonSchema, {
    modelType: z.literal('gbt'),
    gbt: z.object({ prior: z.number(), learningRate: z.number(), trees: z.array(TreeSchema) }),
  }),
]);

/** Everything needed to score, as written to `model/model.json`. */
export type ModelArtifact = z.infer<typeof ModelArtifactSchema>;

/**
 * A model ready to score: encoders compiled to typed arrays and lookup maps.
 * Rows go through "slots" (see EncodedRows): encode a row into `index`/`value` (length `width`), then `explain`.
 * @example const m = new CompiledModel(artifact); m.encodeFields(fields, 1, idx, val); const logit = m.explain(idx, val, c)
 */
export class CompiledModel {
  readonly inputColumns: readonly string[];
  readonly width: number;
  readonly baseValue: number;
  /** Per slot: mean and scale of a numeric column (NaN for a category column). */
  readonly means: Float64Array;
  readonly scales: Float64Array;
  /** Per slot: the levels of a category column (undefined for a numeric column). */
  readonly levelLists: (readonly string[] | undefined)[];
  private readonly levelMaps: (Map<string, number> | undefined)[];
  private readonly offsets: Int32Array;
  private readonly fallback: Int32Array;
  private readonly dense: Float64Array;
  private readonly slotOf: Int32Array;
  private readonly weights: Float64Array | undefined;
  private readonly trees: readonly Tree[];
  private readonly prior: number;

  constructor(readonly artifact: ModelArtifact) {
    const encoders = artifact.encoders;
    this.inputColumns = artifact.inputColumns;
    this.width = artifact.inputColumns.length;
    this.baseValue = artifact.baseValue;
    this.means = Float64Array.from(encoders, (e) => (e.kind === 'numeric' ? e.mean : NaN));
    this.scales = Float64Array.from(encoders, (e) => (e.kind === 'numeric' ? e.scale : NaN));
    this.levelLists = encoders.map((e) => (e.kind === 'category' ? e.levels : undefined));
    this.levelMaps = encoders.map((e) => (e.kind === 'category' ? new Map(e.levels.map((l, k) => [l, k])) : undefined));
    this.offsets = Int32Array.from(encodedOffsets(encoders));
    // Unknown level: the slot points at its first level with value 0, or at feature 0 when it has no level at all.
    this.fallback = Int32Array.from(encoders, (e, slot) =>
      e.kind === 'category' && e.levels.length === 0 ? 0 : (this.offsets[slot] as number),
    );
    this.dense = new Float64Array(artifact.featureNames.length);
    this.slotOf = featureToInput(encoders);
    this.weights = artifact.modelType === 'logistic' ? Float64Array.from(artifact.logistic.weights) : undefined;
    this.trees = artifact.modelType === 'gbt' ? artifact.gbt.trees : [];
    this.prior = artifact.modelType === 'gbt' ? artifact.gbt.prior : artifact.logistic.intercept;
    if (encoders.length !== this.width) throw new ModelFormatError('model.json: one encoder per input column expected');
  }

  /** Numeric slot: z = (x - mean) / scale; NaN (missing) → 0, the training mean. */
  setNumeric(slot: number, x: number, index: Int32Array, value: Float64Array): void {
    index[slot] = this.offsets[slot] as number;
    value[slot] = Number.isNaN(x) ? 0 : (x - (this.means[slot] as number)) / (this.scales[slot] as number);
  }

  /** Category slot: level k → one-hot column offset + k; -1 (unknown or empty) → all zero. */
  setLevel(slot: number, level: number, index: Int32Array, value: Float64Array): void {
    index[slot] = level < 0 ? (this.fallback[slot] as number) : (this.offsets[slot] as number) + level;
    value[slot] = level < 0 ? 0 : 1;
  }

  /** Level number of a category value, -1 when unknown. */
  levelOf(slot: number, text: string): number {
    return (this.levelMaps[slot] as Map<string, number>).get(text) ?? -1;
  }

  private setCategory(slot: number, text: string, index: Int32Array, value: Float64Array): void {
    this.setLevel(slot, this.levelOf(slot, text), index, value);
  }

  /** Encodes CSV fields in `inputColumns` order. '' is missing; a non-numeric numeric value throws a RowError. */
  encodeFields(fields: readonly string[], line: number, index: Int32Array, value: Float64Array): void {
    for (let slot = 0; slot < this.width; slot++) {
      const text = fields[slot] as string;
      if (this.levelLists[slot] === undefined) {
        this.setNumeric(slot, parseNumber(text, this.inputColumns[slot] as string, line), index, value);
      } else this.setCategory(slot, text, index, value);
    }
  }

  /** Encodes a JSON instance `{ column: value }`; absent, null and '' are missing. */
  encodeInstance(instance: Record<string, unknown>, line: number, index: Int32Array, value: Float64Array): void {
    for (let slot = 0; slot < this.width; slot++) {
      const name = this.inputColumns[slot] as string;
      const raw = instance[name];
      if (raw !== undefined && raw !== null && typeof raw === 'object') {
        throw new RowError(line, `column ${name}: expected a number or a string`, 'instance');
      }
      const text = raw === undefined || raw === null ? '' : String(raw);
      if (this.levelLists[slot] !== undefined) this.setCategory(slot, text, index, value);
      else if (typeof raw === 'number') this.setNumeric(slot, raw, index, value);
      else {
        try {
          this.setNumeric(slot, parseNumber(text, name, line), index, value);
        } catch (error) {
          throw new RowError(line, (error as Error).message.replace(/^line \d+: /, ''), 'instance');
        }
      }
    }
  }

  /**
   * Logit of an encoded row; writes one contribution per input column into `contributions`
   * so that baseValue + Σ contributions = logit (logistic: weight × encoded value; gbt: Saabas paths).
   */
  /**
   * Logits of many encoded rows (slot form, `width` slots per row): for each row exactly what `explain` returns —
   * the logistic sum inline, in the same order and arithmetic, without a view per row.
   */
  logits(index: Int32Array, value: Float64Array, rows: number): Float64Array {
    const { weights, width } = this;
    const out = new Float64Array(rows);
    if (weights === undefined) {
      const contributions = new Float64Array(width);
      for (let i = 0, at = 0; i < rows; i++, at += width) {
        out[i] = this.explain(index.subarray(at, at + width), value.subarray(at, at + width), contributions);
      }
      return out;
    }
    for (let i = 0, at = 0; i < rows; i++) {
      let logit = this.prior;
      for (let s = 0; s < width; s++, at++)
        logit += (weights[index[at] as number] as number) * (value[at] as number) + 0;
      out[i] = logit;
    }
    return out;
  }

  explain(index: Int32Array, value: Float64Array, contributions: Float64Array): number {
    const { weights, width } = this;
    if (weights !== undefined) {
      let logit = this.prior;
      for (let s = 0; s < width; s++) {
        // `+ 0` turns -0 (negative weight × absent value) into 0.
        const c = (weights[index[s] as number] as number) * (value[s] as number) + 0;
        contributions[s] = c;
        logit += c;
      }
      return logit;
    }
    const x = this.dense;
    x.fill(0);
    for (let s = 0; s < width; s++) if (value[s] !== 0) x[index[s] as number] = value[s] as number;
    contributions.fill(0);
    return gbtExplain(x, this.prior, this.trees, this.slotOf, contributions);
  }
}

/** Reads and checks `model.json`. */
export async function loadModel(path: string): Promise<CompiledModel> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(`cannot read model ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ModelArtifactSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelFormatError(
      `${path} is not a model written by this trainer: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return new CompiledModel(parsed.data);
}
