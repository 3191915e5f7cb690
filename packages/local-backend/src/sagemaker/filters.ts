import { validationError } from './validate';

/** The positions a filter keeps from a record of `count` fields, in output order. */
export type FieldSelector = (count: number) => readonly number[];

/**
 * A field boundary counted from one end of a record: field index `k` (`fromEnd` false) or `count − k` (`fromEnd`
 * true), where `count` is the record's number of fields.
 */
interface Bound {
  fromEnd: boolean;
  k: number;
}

/** Adjacent fields [from, to) of a record, with bounds counted from either end. */
interface Run {
  from: Bound;
  to: Bound;
}

/** A selection as runs, with how many commas its bounds need from the start (`ahead`) and from the end (`behind`). */
export interface LineCut {
  runs: readonly Run[];
  ahead: number;
  behind: number;
}

/** Selects fields of a record seen as a JSON array (a CSV line): the JSONPath subset batch transform uses. */
export interface FieldFilter {
  (fields: string[]): string[];
  /** The same selection as positions, so a line can be cut without splitting it (see `filterCsvLine`). */
  select: FieldSelector;
  /**
   * The same selection as runs of fields located from the line's ends, when every part of the expression can be
   * (`$[1:]`, `$[0,-10:]`…): a long enough line is then cut after finding only the commas those bounds need.
   */
  cut?: LineCut;
}

/** A FieldFilter from a function over fields; its positions are that function applied to [0, 1, …, count − 1]. */
function fieldFilter(pick: <T>(fields: T[]) => T[], cut?: LineCut): FieldFilter {
  const positions = new Map<number, readonly number[]>();
  const select: FieldSelector = (count) => {
    let known = positions.get(count);
    if (known === undefined) positions.set(count, (known = pick(Array.from({ length: count }, (_, i) => i))));
    return known;
  };
  return Object.assign((fields: string[]) => pick(fields), cut === undefined ? { select } : { select, cut });
}

// `-0` is the first field, as in `fields.slice(-0)`.
const bound = (index: number): Bound => (index < 0 ? { fromEnd: true, k: -index } : { fromEnd: false, k: index });

/**
 * The run of one part of a filter (an index or a slice), or undefined when it cannot be located from the ends
 * alone for every long enough line (an empty slice, a slice from the end to a position from the start).
 */
function runOf(part: string): Run | undefined {
  const slicePart = SLICE.exec(part);
  if (slicePart === null) {
    const i = Number(part);
    return i >= 0 ? { from: bound(i), to: bound(i + 1) } : { from: bound(i), to: { fromEnd: true, k: -i - 1 } };
  }
  const [, from = '', to = ''] = slicePart;
  const run = { from: from === '' ? bound(0) : bound(Number(from)), to: to === '' ? { fromEnd: true, k: 0 } : bound(Number(to)) };
  if (run.from.fromEnd === run.to.fromEnd) {
    const nonEmpty = run.from.fromEnd ? run.from.k > run.to.k : run.from.k < run.to.k;
    return nonEmpty ? run : undefined;
  }
  return run.from.fromEnd ? undefined : run;
}

const INDEX = /^-?\d+$/;
const SLICE = /^(-?\d*):(-?\d*)$/;

function at<T>(fields: T[], index: number): T[] {
  const i = index < 0 ? fields.length + index : index;
  const value = fields[i];
  return value === undefined ? [] : [value];
}

function slice<T>(fields: T[], from: string, to: string): T[] {
  return fields.slice(from === '' ? 0 : Number(from), to === '' ? fields.length : Number(to));
}

/**
 * Compile an InputFilter / OutputFilter: `$`, `$[i]`, `$[a:b]`, `$[a:]`, `$[:b]` and unions of them such as `$[0,5:]` (negative indices
 * count from the end, slices end-exclusive, like SageMaker's JSONPath).
 * @example compileFilter('$[1:]')(['id', 'a', 'b']) // ['a', 'b']
 */
export function compileFilter(expression: string | undefined): FieldFilter {
  const text = (expression ?? '$').replace(/\s+/g, '');
  if (text === '$') return fieldFilter((fields) => fields);
  const match = /^\$\[(.+)\]$/.exec(text);
  const body = match?.[1];
  if (body === undefined) throw validationError(`Unsupported JSONPath expression "${expression}" (the local backend supports $, $[i], $[i,j], $[a:b])`);
  // A union of indices and slices, e.g. SageMaker's own example `$[0,5:]`.
  const texts = body.split(',');
  const parts = texts.map((part) => {
    const slicePart = SLICE.exec(part);
    if (slicePart !== null) {
      const [, from = '', to = ''] = slicePart;
      return <T>(fields: T[]) => slice(fields, from, to);
    }
    if (!INDEX.test(part)) throw validationError(`Unsupported JSONPath expression "${expression}"`);
    return <T>(fields: T[]) => at(fields, Number(part));
  });
  return fieldFilter(<T>(fields: T[]) => parts.flatMap((select) => select(fields)), lineCut(texts.map(runOf)));
}

/** The runs of every part, or undefined when one part has none. */
function lineCut(runs: (Run | undefined)[]): LineCut | undefined {
  if (!runs.every((run) => run !== undefined)) return undefined;
  const bounds = runs.flatMap((run) => [run.from, run.to]);
  const most = (fromEnd: boolean) => Math.max(0, ...bounds.filter((b) => b.fromEnd === fromEnd).map((b) => b.k));
  return { runs, ahead: most(false), behind: most(true) };
}

/** Positions of the first commas (from the start) and the last ones (from the end) of the line being cut. */
let forward = new Int32Array(16);
let backward = new Int32Array(16);

/** First comma at or after `p` of the line `a` (or `a + ',' + b`), or -1. */
function nextComma(a: string, b: string | undefined, p: number): number {
  const r = a.length;
  if (p <= r) {
    const i = a.indexOf(',', p);
    if (i !== -1) return i;
    if (b === undefined) return -1;
    return r;
  }
  if (b === undefined) return -1;
  const j = b.indexOf(',', p - r - 1);
  return j === -1 ? -1 : j + r + 1;
}

/** Last comma at or before `p` of `text`, or -1 (a loop: `lastIndexOf` is a runtime call in V8, far slower here). */
function lastComma(text: string, p: number): number {
  let i = p;
  while (i >= 0 && text.charCodeAt(i) !== 44) i--;
  return i;
}

/** Last comma at or before `p` of the line `a` (or `a + ',' + b`), or -1. */
function previousComma(a: string, b: string | undefined, p: number): number {
  const r = a.length;
  if (p < 0) return -1;
  if (b !== undefined && p >= r) {
    const j = lastComma(b, p - r - 1);
    return j === -1 ? r : j + r + 1;
  }
  return lastComma(a, Math.min(p, r - 1));
}

/** The text of `a` (or `a + ',' + b`) between positions `start` and `end`, without building the joined line. */
function sliceOf(a: string, b: string | undefined, start: number, end: number): string {
  const r = a.length;
  if (b === undefined || end <= r) return a.slice(start, end);
  if (start > r) return b.slice(start - r - 1, end - r - 1);
  return `${a.slice(start)},${b.slice(0, end - r - 1)}`;
}

/**
 * `filter(line)` by its runs, for the quote-free line `a` or the joined line `a + ',' + b` (never built): finds only
 * the commas the runs' bounds need (k from the start, k from the end) and cuts one substring per run. Undefined when
 * the line is too short for the bounds to be apart (the caller then counts every field), so the result is always
 * the one counting every field would give.
 */
function cutByRuns(a: string, b: string | undefined, { runs, ahead, behind }: LineCut): string | undefined {
  if (ahead > forward.length) forward = new Int32Array(ahead * 2);
  if (behind > backward.length) backward = new Int32Array(behind * 2);
  const length = b === undefined ? a.length : a.length + 1 + b.length;
  let at = -1;
  for (let i = 0; i < ahead; i++) {
    at = nextComma(a, b, at + 1);
    if (at === -1) return undefined;
    forward[i] = at;
  }
  let back = length;
  for (let i = 0; i < behind; i++) {
    back = previousComma(a, b, back - 1);
    // The commas found from the end must all lie after those found from the start: the line has ahead + behind + 1
    // fields at least, so no bound depends on its exact count.
    if (back <= at) return undefined;
    backward[i] = back;
  }
  let out = '';
  for (let r = 0; r < runs.length; r++) {
    const { from, to } = runs[r] as Run;
    const start = from.fromEnd ? (backward[from.k - 1] as number) + 1 : from.k === 0 ? 0 : (forward[from.k - 1] as number) + 1;
    const end = to.fromEnd ? (to.k === 0 ? length : (backward[to.k - 1] as number)) : (forward[to.k - 1] as number);
    out += r === 0 ? sliceOf(a, b, start, end) : `,${sliceOf(a, b, start, end)}`;
  }
  return out;
}

/** Comma positions of the lines last cut by `filterCsvLine` / `filterJoinedCsvLine` (reused: no array per line). */
let commas = new Int32Array(256);

/** Records the comma positions of `line` in `commas` from slot `at`; returns the number of fields. */
function markCommas(line: string, at: number): number {
  let count = 1;
  for (let i = line.indexOf(','); i !== -1; i = line.indexOf(',', i + 1)) {
    if (at + count > commas.length) {
      const grown = new Int32Array(commas.length * 2);
      grown.set(commas);
      commas = grown;
    }
    commas[at + count - 1] = i;
    count++;
  }
  return count;
}

/**
 * The kept fields of up to two quote-free lines seen as one record (`first` fields, then `second`'s)
 * as runs of adjacent fields: one substring per run instead of one per field.
 */
function cutRuns(first: string, firstCount: number, second: string, secondCount: number, kept: readonly number[]): string {
  const count = firstCount + secondCount;
  let out = '';
  for (let k = 0; k < kept.length; ) {
    const start = kept[k] as number;
    const inFirst = start < firstCount;
    let j = k;
    while (j + 1 < kept.length && kept[j + 1] === (kept[j] as number) + 1 && (kept[j + 1] as number) < firstCount === inFirst) j++;
    const end = kept[j] as number;
    const line = inFirst ? first : second;
    const base = inFirst ? 0 : firstCount;
    // Field f spans from after comma slot f − 1 (or its line's start) to comma slot f (or its line's end): the
    // second line's commas sit one slot past the first's, so global field numbers index both.
    const from = start === base ? 0 : (commas[start - 1] as number) + 1;
    const to = end === (inFirst ? firstCount : count) - 1 ? line.length : (commas[end] as number);
    out += k === 0 ? line.slice(from, to) : `,${line.slice(from, to)}`;
    k = j + 1;
  }
  return out;
}

/**
 * `filter(csvFields(line)).join(',')` without splitting: for a line without quotes the kept fields are cut as runs
 * of adjacent fields (`$[1:]` is one slice), so a record costs one or two substrings instead of one per field.
 * @example filterCsvLine('k,1,2,3', compileFilter('$[1:]').select) // '1,2,3'
 */
export function filterCsvLine(line: string, select: FieldSelector, lineCut?: LineCut): string {
  if (line.indexOf('"') !== -1) {
    const fields = csvFields(line);
    return select(fields.length).map((i) => fields[i]).join(',');
  }
  const cut = lineCut === undefined ? undefined : cutByRuns(line, undefined, lineCut);
  if (cut !== undefined) return cut;
  const count = markCommas(line, 0);
  return cutRuns(line, count, '', 0, select(count));
}

/**
 * `filterCsvLine(record + ',' + answer, select)` (an input record joined with its answer, `JoinSource: Input`)
 * without building the joined line.
 * @example filterJoinedCsvLine('k,1,2', '0.9,1', compileFilter('$[0,-2:]').select) // 'k,0.9,1'
 */
export function filterJoinedCsvLine(record: string, answer: string, select: FieldSelector, lineCut?: LineCut): string {
  if (record.indexOf('"') !== -1 || answer.indexOf('"') !== -1) return filterCsvLine(`${record},${answer}`, select);
  const cut = lineCut === undefined ? undefined : cutByRuns(record, answer, lineCut);
  if (cut !== undefined) return cut;
  const recordFields = markCommas(record, 0);
  // The answer's commas go one slot past the record's last comma (see cutRuns).
  const answerFields = markCommas(answer, recordFields);
  return cutRuns(record, recordFields, answer, answerFields, select(recordFields + answerFields));
}

/**
 * Split one CSV line into its raw fields (quotes kept), so a record can be filtered and joined without changing
 * how its values were written.
 * @example csvFields('1,"a,b",c') // ['1', '"a,b"', 'c']
 */
export function csvFields(line: string): string[] {
  if (line.indexOf('"') === -1) return line.split(',');
  const fields: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(line.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(line.slice(start));
  return fields;
}
