/**
 * One CSV record, reused for every record (copy what you keep: it changes on the next record).
 * Records without quotes are not split into strings: `bounds` marks where each field starts in `source`
 * (a whole decoded chunk), so a reader slices only the fields it needs. Quoted records carry `fields`.
 */
export class CsvRow {
  /** Text the fields are read from when `fields` is undefined. */
  source = '';
  /** Field i spans source[bounds[i], bounds[i + 1] - 1). */
  bounds: Int32Array = new Int32Array(64);
  /** Number of fields. */
  count = 0;
  fields: string[] | undefined;

  /** The text of field `i` ('' past the last field). */
  field(i: number): string {
    if (i >= this.count) return '';
    if (this.fields) return this.fields[i] as string;
    return this.source.slice(this.bounds[i] as number, (this.bounds[i + 1] as number) - 1);
  }

  /** All fields as strings. */
  toArray(): string[] {
    if (this.fields) return this.fields.slice();
    const { source, bounds, count } = this;
    const out = new Array<string>(count);
    for (let i = 0; i < count; i += 1) out[i] = source.slice(bounds[i] as number, (bounds[i + 1] as number) - 1);
    return out;
  }

  /** Point at an unquoted line source[start, end) and find its commas. */
  setLine(source: string, start: number, end: number): void {
    this.source = source;
    this.fields = undefined;
    let bounds = this.bounds;
    let count = 0;
    bounds[0] = start;
    for (let i = start; i < end; i += 1) {
      if (source.charCodeAt(i) === 44) {
        count += 1;
        if (count + 1 >= bounds.length) bounds = this.grow();
        bounds[count] = i + 1;
      }
    }
    count += 1;
    bounds[count] = end + 1;
    this.count = count;
  }

  /** Use fields already split (records with quotes). */
  setFields(fields: string[]): void {
    this.fields = fields;
    this.count = fields.length;
  }

  private grow(): Int32Array {
    const grown = new Int32Array(this.bounds.length * 2);
    grown.set(this.bounds);
    this.bounds = grown;
    return grown;
  }
}
