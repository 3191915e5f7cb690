import { validationError } from './validate';

/** Selects fields of a record seen as a JSON array (a CSV line): the JSONPath subset batch transform uses. */
export type FieldFilter = (fields: string[]) => string[];

const INDEX = /^-?\d+$/;
const SLICE = /^(-?\d*):(-?\d*)$/;

function at(fields: string[], index: number): string[] {
  const i = index < 0 ? fields.length + index : index;
  const value = fields[i];
  return value === undefined ? [] : [value];
}

function slice(fields: string[], from: string, to: string): string[] {
  return fields.slice(from === '' ? 0 : Number(from), to === '' ? fields.length : Number(to));
}

/**
 * Compile an InputFilter / OutputFilter: `$`, `$[i]`, `$[a:b]`, `$[a:]`, `$[:b]` and unions of them such as `$[0,5:]` (negative indices
 * count from the end, slices end-exclusive, like SageMaker's JSONPath).
 * @example compileFilter('$[1:]')(['id', 'a', 'b']) // ['a', 'b']
 */
export function compileFilter(expression: string | undefined): FieldFilter {
  const text = (expression ?? '$').replace(/\s+/g, '');
  if (text === '$') return (fields) => fields;
  const match = /^\$\[(.+)\]$/.exec(text);
  const body = match?.[1];
  if (body === undefined) throw validationError(`Unsupported JSONPath expression "${expression}" (the local backend supports $, $[i], $[i,j], $[a:b])`);
  // A union of indices and slices, e.g. SageMaker's own example `$[0,5:]`.
  const parts = body.split(',').map((part) => {
    const slicePart = SLICE.exec(part);
    if (slicePart !== null) {
      const [, from = '', to = ''] = slicePart;
      return (fields: string[]) => slice(fields, from, to);
    }
    if (!INDEX.test(part)) throw validationError(`Unsupported JSONPath expression "${expression}"`);
    return (fields: string[]) => at(fields, Number(part));
  });
  return (fields) => parts.flatMap((select) => select(fields));
}

/**
 * Split one CSV line into its raw fields (quotes kept), so a record can be filtered and joined without changing
 * how its values were written.
 * @example csvFields('1,"a,b",c') // ['1', '"a,b"', 'c']
 */
export function csvFields(line: string): string[] {
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
