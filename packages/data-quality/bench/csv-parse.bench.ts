/**
 * Why the evaluator has its own CSV reader: parse-only throughput of csv-parse (the maintained streaming
 * library) against `readCsv` on the same file, with no rule evaluation. Not a test: it prints numbers.
 *
 *   pnpm --filter @mlops/data-quality bench:csv-parse
 */
import { createReadStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { readCsv } from '../src/index';
import { writeSyntheticAttritionCsv } from './synthetic';

const rows = 1_000_000;
const path = join(tmpdir(), `mlops-dq-bench-${rows}.csv`);
if (!existsSync(path)) await writeSyntheticAttritionCsv(path, rows);

/** Time `count()`, which returns the number of data rows it read. */
async function time(label: string, count: () => Promise<number>): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const n = await count();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = (s: number): string => Math.round(n / s).toLocaleString('en');
  console.log(`${label.padEnd(10)} ${n} rows: ${rate(seconds)} rows/s wall, ${rate(cpuSeconds)} rows/cpu-s`);
}

const stream = () => createReadStream(path, { highWaterMark: 1 << 20 });
await time('csv-parse', async () => {
  let n = -1; // the header
  for await (const record of stream().pipe(parse({ bom: true }))) n += (record as string[]).length > 0 ? 1 : 0;
  return n;
});
await time('readCsv', async () => {
  let fields = 0;
  const result = await readCsv(stream(), { header: () => {}, row: (row) => (fields += row.count) });
  return fields > 0 ? result.rows : 0;
});
