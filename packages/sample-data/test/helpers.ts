/** Test helpers: collect a generated stream and read it back as records (no quoting in generated data). */
import { createHash } from 'node:crypto';

export async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += chunk;
  return text;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface Table {
  header: string[];
  rows: Record<string, string>[];
}

export function parseCsv(text: string): Table {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('CSV text must end with a newline');
  const header = (lines.shift() ?? '').split(',');
  const rows = lines.map((line) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`row has ${cells.length} cells: ${line}`);
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
  return { header, rows };
}

/** Numeric value of a cell (NaN when empty). */
export const num = (row: Record<string, string>, column: string): number =>
  row[column] === '' || row[column] === undefined ? Number.NaN : Number(row[column]);

/** Share of rows where `target` equals `positive`, among rows matching `where`. */
export function rate(
  rows: Record<string, string>[],
  target: string,
  positive: string,
  where: (row: Record<string, string>) => boolean = () => true,
): number {
  const selected = rows.filter(where);
  return selected.filter((r) => r[target] === positive).length / selected.length;
}
