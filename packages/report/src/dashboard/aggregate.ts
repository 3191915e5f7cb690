/**
 * Streaming aggregation of a published predictions file into the figures of the predictions dashboard.
 * Memory is constant in rows: fixed histogram bins, one sum per feature, at most `maxSegments` segment groups.
 * No rendering dependency here, so a Lambda can aggregate without pulling the chart renderer in.
 */

/** Columns of the published predictions file (after the row key, which comes first under its own name). */
export const PREDICTION_COLUMNS = ['probability', 'label', 'model_version', 'run_id'] as const;

/** Header of the published predictions file: the row key's name, the fixed columns, then K driver/contribution pairs. */
export function predictionsHeader(rowKey: string, pairs: number): string[] {
  const drivers = Array.from({ length: pairs }, (_, i) => [`driver_${i + 1}`, `contribution_${i + 1}`]).flat();
  return [rowKey, ...PREDICTION_COLUMNS, ...drivers];
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface Driver {
  feature: string;
  /** Mean |contribution| over all rows, 0 where the feature is not among a row's top drivers (a lower bound). */
  meanAbsContribution: number;
  /** Rows where the feature is among the top drivers. */
  rows: number;
}

export interface SegmentGroup {
  value: string;
  rows: number;
  meanProbability: number;
  /** Rows predicted positive (label 1) at the operating threshold. */
  flagged: number;
}

export interface DashboardSummary {
  pipeline: string;
  runId: string;
  modelVersion: string;
  rows: number;
  /** Rows predicted positive (label 1) at the operating threshold. */
  flagged: number;
  meanProbability: number;
  histogram: HistogramBin[];
  drivers: Driver[];
  /** Driver/contribution pairs per row in the file (the config's `publish.topContributions`, at most the features). */
  topK: number;
  segment: { column: string; groups: SegmentGroup[]; otherGroups: number } | null;
}

export interface AggregateOptions {
  pipeline: string;
  runId: string;
  bins?: number;
  /** The segment column's name when the dashboard groups risk by one. */
  segmentColumn?: string;
  /** Distinct segment values kept; later values are summed into `(other)`. */
  maxSegments?: number;
}

/** A predictions file or its companion file is not what the dashboard expects. */
export class DashboardInputError extends Error {
  override name = 'DashboardInputError';
}

const OTHER = '(other)';
const MISSING = '(missing)';

interface Layout {
  probability: number;
  label: number;
  modelVersion: number;
  pairs: [number, number][];
}

function layoutOf(header: string[]): Layout {
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new DashboardInputError(`predictions header has no "${name}" column: ${header.join(',')}`);
    return i;
  };
  const pairs: [number, number][] = [];
  for (let k = 1; header.includes(`driver_${k}`); k++) pairs.push([at(`driver_${k}`), at(`contribution_${k}`)]);
  return { probability: at('probability'), label: at('label'), modelVersion: at('model_version'), pairs };
}

/**
 * Adds predictions one record at a time. `header()` first (the file's header row), then `add()` per row.
 * @example const agg = new PredictionAggregator({ pipeline, runId }); agg.header(h); for (const r of rows) agg.add(r); agg.finish()
 */
export class PredictionAggregator {
  private layout: Layout | undefined;
  private readonly bins: number[];
  private readonly drivers = new Map<string, { sum: number; rows: number }>();
  private readonly segments = new Map<string, { rows: number; sum: number; flagged: number }>();
  private otherValues = new Set<string>();
  private rows = 0;
  private flagged = 0;
  private sum = 0;
  private modelVersion = '';

  constructor(private readonly options: AggregateOptions) {
    this.bins = new Array<number>(options.bins ?? 20).fill(0);
  }

  header(fields: string[]): void {
    this.layout = layoutOf(fields);
  }

  add(fields: string[], segmentValue?: string): void {
    const layout = this.layout;
    if (!layout) throw new DashboardInputError('predictions: header() must come before the first row');
    const p = Number(fields[layout.probability]);
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new DashboardInputError(
        `predictions row ${this.rows + 1}: probability "${fields[layout.probability]}" is not in [0, 1]`,
      );
    }
    const flagged = fields[layout.label] === '1' ? 1 : 0;
    this.rows++;
    this.sum += p;
    this.flagged += flagged;
    this.modelVersion ||= fields[layout.modelVersion] ?? '';
    this.bins[Math.min(this.bins.length - 1, Math.floor(p * this.bins.length))]! += 1;
    for (const [f, c] of layout.pairs) this.addDriver(fields[f], Number(fields[c]));
    if (this.options.segmentColumn !== undefined) this.addSegment(segmentValue, p, flagged);
  }

  private addDriver(feature: string | undefined, contribution: number): void {
    if (!feature || !Number.isFinite(contribution)) return;
    const entry = this.drivers.get(feature) ?? { sum: 0, rows: 0 };
    entry.sum += Math.abs(contribution);
    entry.rows++;
    this.drivers.set(feature, entry);
  }

  private addSegment(raw: string | undefined, p: number, flagged: number): void {
    const value = raw === undefined || raw === '' ? MISSING : raw;
    let key = value;
    if (!this.segments.has(value) && this.segments.size >= (this.options.maxSegments ?? 30)) {
      key = OTHER;
      if (this.otherValues.size <= (this.options.maxSegments ?? 30)) this.otherValues.add(value);
    }
    const entry = this.segments.get(key) ?? { rows: 0, sum: 0, flagged: 0 };
    entry.rows++;
    entry.sum += p;
    entry.flagged += flagged;
    this.segments.set(key, entry);
  }

  finish(): DashboardSummary {
    const n = this.bins.length;
    const drivers = [...this.drivers]
      .map(([feature, d]) => ({ feature, meanAbsContribution: this.rows ? d.sum / this.rows : 0, rows: d.rows }))
      .sort((a, b) => b.meanAbsContribution - a.meanAbsContribution || a.feature.localeCompare(b.feature));
    const column = this.options.segmentColumn;
    const groups = [...this.segments]
      .map(([value, s]) => ({ value, rows: s.rows, meanProbability: s.sum / s.rows, flagged: s.flagged }))
      .sort((a, b) => b.meanProbability - a.meanProbability || a.value.localeCompare(b.value));
    return {
      pipeline: this.options.pipeline,
      runId: this.options.runId,
      modelVersion: this.modelVersion,
      rows: this.rows,
      flagged: this.flagged,
      meanProbability: this.rows ? this.sum / this.rows : 0,
      histogram: this.bins.map((count, i) => ({ from: i / n, to: (i + 1) / n, count })),
      drivers,
      topK: this.layout?.pairs.length ?? 0,
      segment: column === undefined ? null : { column, groups, otherGroups: this.otherValues.size },
    };
  }
}

/** A cell of a file we wrote with the OWASP formula escape (`'=…`), back to the original text. */
export function unescapeCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/** Where the segment column's values come from: the scored input `[rowKey, ...features]`, in prediction order. */
export interface SegmentSource {
  /** Its records, in batches of any size (e.g. `csvRecordBatches` from @mlops/clients). */
  records: AsyncIterable<string[][]>;
  /** Position of the segment column in each record. */
  position: number;
}

/** Pulls single records out of a stream of batches, awaiting only when a batch is used up. */
class RecordCursor {
  private batch: string[][] = [];
  private at = 0;
  private readonly batches: AsyncIterator<string[][]>;

  constructor(records: AsyncIterable<string[][]>) {
    this.batches = records[Symbol.asyncIterator]();
  }

  /** The next record, or undefined at the end. Synchronous while the current batch lasts. */
  next(): string[] | undefined | Promise<string[] | undefined> {
    if (this.at < this.batch.length) return this.batch[this.at++];
    return this.refill();
  }

  private async refill(): Promise<string[] | undefined> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done) return undefined;
      if (next.value.length > 0) {
        this.batch = next.value;
        this.at = 1;
        return next.value[0];
      }
    }
  }
}

/** The segment value of prediction `row` from its scored input record, after checking that their keys match. */
function segmentValue(position: number, fields: string[], input: string[] | undefined, row: number): string {
  if (input === undefined) throw new DashboardInputError(`the scored input has fewer rows than the predictions (${row - 1})`);
  if (unescapeCell(input[0] ?? '') !== unescapeCell(fields[0] ?? '')) {
    throw new DashboardInputError(`row ${row}: prediction key "${fields[0]}" but scored input key "${input[0]}"`);
  }
  return unescapeCell(input[position] ?? '');
}

/**
 * Aggregate a predictions file (header first), given as batches of records, and, when a segment is asked for, the
 * scored input it was made from, read in lockstep: batch transform keeps each file's record order, and every row's
 * key is checked to match. Awaits once per batch, not per record.
 * @example const summary = await aggregatePredictions(csvRecordBatches(s3, bucket, key), { pipeline, runId })
 */
export async function aggregatePredictions(
  predictions: AsyncIterable<string[][]>,
  options: AggregateOptions,
  segment?: SegmentSource,
): Promise<DashboardSummary> {
  const aggregator = new PredictionAggregator(options);
  const inputs = segment ? new RecordCursor(segment.records) : undefined;
  let first = true;
  let row = 0;
  for await (const batch of predictions) {
    for (const fields of batch) {
      if (first) {
        aggregator.header(fields);
        first = false;
        continue;
      }
      row++;
      let input = inputs?.next();
      if (input instanceof Promise) input = await input;
      aggregator.add(fields, segment && segmentValue(segment.position, fields, input, row));
    }
  }
  if (first) throw new DashboardInputError('the predictions file is empty (no header)');
  if (inputs && (await inputs.next()) !== undefined)
    throw new DashboardInputError(`the scored input has more rows than the predictions (${row})`);
  return aggregator.finish();
}
