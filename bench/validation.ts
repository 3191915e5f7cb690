import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAttrition, writeDataset } from '@mlops/sample-data';
import { measure } from './process';
import { spread, type Spread } from './stats';

export interface ValidationFigures {
  rows: number;
  rowsPerSecond: Spread;
  peakRssMiB: Spread | null;
  status: string;
}

/** Validation throughput and memory on a generated attrition file of `rows` rows (generated once, in the temp folder). */
export async function benchValidation(repo: string, rows: number, runs: number): Promise<ValidationFigures> {
  const file = join(tmpdir(), `mlops-bench-attrition-${rows}.csv`);
  if (!existsSync(file)) await writeDataset(generateAttrition({ rows, seed: 11 }), file);
  const rates: number[] = [];
  const rss: number[] = [];
  let status = '';
  for (let i = 0; i < runs; i++) {
    const result = await measure(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'validation-run.ts'), file], { cwd: repo });
    const out = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { rows: number; seconds: number; status: string };
    rates.push(out.rows / out.seconds);
    if (result.peakRssMiB !== null) rss.push(result.peakRssMiB);
    status = out.status;
  }
  return { rows, rowsPerSecond: spread(rates), peakRssMiB: rss.length ? spread(rss) : null, status };
}
