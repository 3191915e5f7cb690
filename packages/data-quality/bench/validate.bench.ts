/**
 * Throughput and memory of `evaluateDataset` on a synthetic attrition-shaped CSV (35 columns), with the
 * attrition pipeline's config and DQDL rules. Not a test: it prints numbers.
 *
 *   pnpm --filter @mlops/data-quality bench                      # 1,000,000 rows, 3 runs
 *   pnpm --filter @mlops/data-quality bench -- 200000 --runs=5   # another row count / number of runs
 *
 * The file is generated once into the OS temp folder and reused. Peak RSS is the process's maxRSS. The
 * machine is shared, so each run prints wall and CPU rates and the load average is shown.
 */
import { createReadStream, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPipelineConfig } from '@mlops/core';
import { evaluateDataset, type DataQualityOutcome } from '../src/index';
import { writeSyntheticAttritionCsv } from './synthetic';

const args = process.argv.slice(2);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 3);
const path = join(tmpdir(), `mlops-dq-bench-${rows}.csv`);
const configPath = resolve(import.meta.dirname, '../../../pipelines/attrition.yml');

if (!existsSync(path)) {
  console.log(`generating ${rows} rows into ${path} ...`);
  await writeSyntheticAttritionCsv(path, rows);
}
const config = await loadPipelineConfig(configPath);

/** One evaluation of the file: wall and CPU seconds. */
async function run(): Promise<{ seconds: number; cpuSeconds: number; outcome: DataQualityOutcome }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await evaluateDataset({
    input: createReadStream(path, { highWaterMark: 1 << 20 }),
    ruleset: config.validation.rules,
    config,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, outcome };
}

const rate = (n: number, s: number): string => Math.round(n / s).toLocaleString('en');
const results = [];
for (let i = 1; i <= runs; i += 1) {
  const result = await run();
  results.push(result);
  const { outcome, seconds, cpuSeconds } = result;
  console.log(
    `run ${i}: ${rate(outcome.rowCount, seconds)} rows/s wall (${seconds.toFixed(2)} s), ` +
      `${rate(outcome.rowCount, cpuSeconds)} rows/cpu-s`,
  );
}
const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const { outcome } = best;
const failed = outcome.ruleResults.filter((r) => r.Result !== 'PASS').map((r) => r.Description);
console.log(
  `status          ${outcome.status} (${outcome.ruleResults.length} rules${failed.length ? `; failed: ${failed.join(' | ')}` : ''})`,
);
console.log(`rows            ${outcome.rowCount} x ${outcome.columns.length} columns`);
console.log(`best wall       ${best.seconds.toFixed(2)} s -> ${rate(outcome.rowCount, best.seconds)} rows/s`);
console.log(`cpu of best     ${best.cpuSeconds.toFixed(2)} s -> ${rate(outcome.rowCount, best.cpuSeconds)} rows/cpu-s`);
console.log(`peak RSS        ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (whole process, all runs)`);
console.log(
  `load average    ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
