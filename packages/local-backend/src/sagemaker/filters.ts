import { validationError } from './validate';

/** The positions a filter keeps from a record of `count` fields, in output order. */
export type FieldSelector = (count: number) => readonly number[];

/** Selects fields of a record seen as a JSON array (a CSV line): the JSONPath subset batch transform uses. */
export interface FieldFilter {
  (fields: string[]): string[];
  /** The same selection as positions, so a line can be cut without splitting it (see `filterCsvLine`). */
  select: FieldSelector;
}

/** A FieldFilter from a function over fields; its positions are that function applied to [0, 1, …, count − 1]. */
function fieldFilter(pick: <T>(fields: T[]) => T[]): FieldFilter {
  const positions = new Map<number, readonly number[]>();
  const select: FieldSelector = (count) => {
    let known = positions.get(count);
    if (known === undefined) positions.set(count, (known = pick(Array.from({ length: count }, (_, i) => i))));
    return known;
  };
  return Object.assign((fields: string[]) => pick(fields), { select });
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
  const parts = body.split(',').map((part) => {
    const slicePart = SLICE.exec(part);
    if (slicePart !== null) {
      const [, from = '', to = ''] = slicePart;
      return <T>(fields: T[]) => slice(fields, from, to);
    }
    if (!INDEX.test(part)) throw validationError(`Unsupported JSONPath expression "${expression}"`);
    return <T>(fields: T[]) => at(fields, Number(part));
  });
  return fieldFilter(<T>(fields: T[]) => parts.flatMap((select) => select(fields)));
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
export function filterCsvLine(line: string, select: FieldSelector): string {
  if (line.indexOf('"') !== -1) {
    const fields = csvFields(line);
    return select(fields.length).map((i) => fields[i]).join(',');
  }
  const count = markCommas(line, 0);
  return cutRuns(line, count, '', 0, select(count));
}

/**
 * `filterCsvLine(record + ',' + answer, select)` (an input record joined with its answer, `JoinSource: Input`)
 * without building the joined line.
 * @example filterJoinedCsvLine('k,1,2', '0.9,1', compileFilter('$[0,-2:]').select) // 'k,0.9,1'
 */
export function filterJoinedCsvLine(record: string, answer: string, select: FieldSelector): string {
  if (record.indexOf('"') !== -1 || answer.indexOf('"') !== -1) return filterCsvLine(`${record},${answer}`, select);
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
