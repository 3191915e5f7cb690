/** Median, min and max of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, runs: values.length };
}

/** One line of the bench table. */
export interface TableRow {
  name: string;
  unit: string;
  value: Spread;
  target?: string | undefined;
}

/** Plain-text table of named spreads. */
export function printTable(rows: TableRow[]): string {
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 0));
  const lines = rows.map((r) => [r.name, fmt(r.value.median), fmt(r.value.min), fmt(r.value.max), r.unit, r.target ?? '']);
  const head = ['figure', 'median', 'min', 'max', 'unit', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(line)].join('\n');
}
