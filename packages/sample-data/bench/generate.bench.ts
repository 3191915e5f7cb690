/**
 * Throughput of the generators (not a test): `tsx packages/sample-data/bench/generate.bench.ts [rows]`.
 * The first lines consume the stream without writing it (the generator's own speed); the last one writes to a
 * temporary file with `writeDataset` (generator + disk). Rows per CPU-second is the steadier number on a busy machine.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAttrition, generateChurn, writeDataset } from '../src/index';

async function measure(name: string, rows: number, run: () => Promise<number>): Promise<void> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const bytes = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  const perSecond = (s: number): string => Math.round(rows / s).toLocaleString('en-US');
  const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  console.log(
    `${name}: ${rows} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(2)} s = ${perSecond(seconds)} rows/s` +
      ` (${perSecond((user + system) / 1e6)} rows per CPU-second, heap ${heapMb} MiB)`,
  );
}

async function drain(source: AsyncIterable<string>): Promise<number> {
  let bytes = 0;
  for await (const chunk of source) bytes += chunk.length;
  return bytes;
}

const rows = Number(process.argv[2] ?? 1_000_000);
const file = join(tmpdir(), `sample-data-bench-${process.pid}.csv`);
await measure('attrition', rows, () => drain(generateAttrition({ rows, seed: 1 })));
await measure('attrition --scoring', rows, () => drain(generateAttrition({ rows, seed: 1, scoring: true })));
await measure('churn', rows, () => drain(generateChurn({ rows, seed: 1 })));
await measure('attrition to disk', rows, () => writeDataset(generateAttrition({ rows, seed: 1 }), file));
await rm(file, { force: true });
