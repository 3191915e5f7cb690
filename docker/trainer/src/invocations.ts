import * as z from 'zod/mini';
import '@mlops/core/messages';
import { ByteOutput } from './byte-output';
import { csvField, parseCsvText } from './csv';
import { scanPlainCsv, wrongWidth } from './csv-scan';
import { sigmoid } from './logistic';
import type { CompiledModel } from './model';

export interface ScoringOptions {
  /** probability ≥ threshold → label 1. */
  threshold: number;
  modelVersion: string;
  runId: string;
  /** Contributions kept per CSV output line, largest |c| first. */
  topK: number;
}

/** Explains encoded rows and writes `probability,label,model_version,run_id,f1,c1,...` lines into bytes. */
class CsvRowWriter {
  readonly index: Int32Array;
  readonly value: Float64Array;
  private readonly contributions: Float64Array;
  private readonly top: Int32Array;
  private readonly topAbs: Float64Array;
  private readonly names: Uint8Array[];
  private readonly suffix: Uint8Array;
  private readonly out = new ByteOutput();
  private rows = 0;

  constructor(
    private readonly model: CompiledModel,
    private readonly options: ScoringOptions,
  ) {
    const width = model.width;
    const k = Math.min(options.topK, width);
    this.index = new Int32Array(width);
    this.value = new Float64Array(width);
    this.contributions = new Float64Array(width);
    this.top = new Int32Array(k);
    this.topAbs = new Float64Array(k);
    this.names = model.inputColumns.map((name) => Buffer.from(`,${csvField(name)},`));
    this.suffix = Buffer.from(`,${csvField(options.modelVersion)},${csvField(options.runId)}`);
  }

  /** Keeps the k largest |c| in `top` (ties: first column wins); returns how many were kept. */
  private selectTop(): number {
    const { contributions, top, topAbs } = this;
    const k = top.length;
    let kept = 0;
    for (let s = 0; k > 0 && s < contributions.length; s++) {
      const a = Math.abs(contributions[s] as number);
      if (kept === k && a <= (topAbs[k - 1] as number)) continue;
      let at = kept < k ? kept++ : k - 1;
      for (; at > 0 && a > (topAbs[at - 1] as number); at--) {
        topAbs[at] = topAbs[at - 1] as number;
        top[at] = top[at - 1] as number;
      }
      topAbs[at] = a;
      top[at] = s;
    }
    return kept;
  }

  /** Scores the row currently in `index` / `value`. */
  row(): void {
    const { out, contributions } = this;
    const p = sigmoid(this.model.explain(this.index, this.value, contributions));
    if (this.rows++ > 0) out.byte(LF);
    out.number(p);
    out.byte(COMMA);
    out.byte(p >= this.options.threshold ? ONE : ZERO);
    out.raw(this.suffix);
    const kept = this.selectTop();
    for (let t = 0; t < kept; t++) {
      const s = this.top[t] as number;
      out.raw(this.names[s] as Uint8Array);
      out.number(contributions[s] as number);
    }
  }

  finish(): Buffer {
    return this.out.finish();
  }
}

const LF = 10;
const COMMA = 44;
const ZERO = 48;
const ONE = 49;

/**
 * Scores a `text/csv` body: headerless lines in `inputColumns` order → one line per input line,
 * `probability,label,model_version,run_id,f1,c1,...,fK,cK` (contributions on the logit scale, by |c| descending,
 * numbers with at most 12 decimals). Lines are joined by '\n' without a trailing one; blank lines are skipped.
 * A line with the wrong field count or a non-numeric value in a numeric column throws a RowError naming it.
 * Bodies without any quote take an allocation-free scanner; others go through the RFC 4180 parser.
 * @example scoreCsv(model, '41,Sales,...\n', { threshold: 0.5, modelVersion: '3', runId: 'r1', topK: 3 }).toString()
 */
export function scoreCsv(model: CompiledModel, body: string, options: ScoringOptions): Buffer {
  const writer = new CsvRowWriter(model, options);
  if (!body.includes('"')) {
    scanPlainCsv(model, body, writer.index, writer.value, () => writer.row());
    return writer.finish();
  }
  const width = model.width;
  parseCsvText(body, (fields, line) => {
    if (fields.length !== width) throw wrongWidth(model, line, fields.length);
    model.encodeFields(fields, line, writer.index, writer.value);
    writer.row();
  });
  return writer.finish();
}

const JsonRequestSchema = z.object({
  instances: z.array(z.record(z.string(), z.unknown())),
});

export interface JsonPrediction {
  probability: number;
  label: 0 | 1;
  /** Every input column's contribution on the logit scale: baseValue + Σ = logit(probability). */
  contributions: Record<string, number>;
  baseValue: number;
}

/**
 * Scores an `application/json` body `{ "instances": [ { column: value } ] }` with all contributions; the answer also
 * names the operating threshold, model version and run the labels come from.
 * Throws a RowError (instance number, 1-based) or a ZodError on a malformed request.
 */
export function scoreJson(
  model: CompiledModel,
  body: unknown,
  options: ScoringOptions,
): { predictions: JsonPrediction[]; threshold: number; modelVersion: string; runId: string } {
  const request = JsonRequestSchema.parse(body);
  const width = model.width;
  const index = new Int32Array(width);
  const value = new Float64Array(width);
  const contributions = new Float64Array(width);
  const predictions = request.instances.map((instance, i): JsonPrediction => {
    model.encodeInstance(instance, i + 1, index, value);
    const probability = sigmoid(model.explain(index, value, contributions));
    const byName: Record<string, number> = {};
    model.inputColumns.forEach((name, s) => (byName[name] = contributions[s] as number));
    return {
      probability,
      label: probability >= options.threshold ? 1 : 0,
      contributions: byName,
      baseValue: model.baseValue,
    };
  });
  return { predictions, threshold: options.threshold, modelVersion: options.modelVersion, runId: options.runId };
}
