/**
 * Throughput and memory of `evaluateDataset` on a synthetic attrition-shaped CSV (35 columns), with the
 * attrition pipeline's config and DQDL rules. Not a test: it prints numbers.
 *
 *   pnpm --filter @mlops/data-quality bench            # 1,000,000 rows
 *   pnpm --filter @mlops/data-quality bench -- 200000  # another row count
 *
 * The file is generated once into the OS temp folder and reused. Peak RSS is the process's maxRSS.
 */
import { createReadStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPipelineConfig } from '@mlops/core';
import { evaluateDataset } from '../src/index';
import { writeSyntheticAttritionCsv } from './synthetic';

const rows = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const path = join(tmpdir(), `mlops-dq-bench-${rows}.csv`);
const configPath = resolve(import.meta.dirname, '../../../pipelines/attrition.yml');

if (!existsSync(path)) {
  console.log(`generating ${rows} rows into ${path} ...`);
  await writeSyntheticAttritionCsv(path, rows);
}
const config = await loadPipelineConfig(configPath);

const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcome = await evaluateDataset({
  input: createReadStream(path, { highWaterMark: 1 << 20 }),
  ruleset: config.validation.rules,
  config,
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const failed = outcome.ruleResults.filter((r) => r.Result !== 'PASS').map((r) => `${r.Description}: ${r.EvaluationMessage}`);
console.log(`status          ${outcome.status} (${outcome.ruleResults.length} rules${failed.length ? `; failed: ${failed.join(' | ')}` : ''})`);
console.log(`rows            ${outcome.rowCount} x ${outcome.columns.length} columns`);
console.log(`wall            ${seconds.toFixed(2)} s  -> ${Math.round(outcome.rowCount / seconds).toLocaleString('en')} rows/s`);
console.log(`cpu (user+sys)  ${cpuSeconds.toFixed(2)} s  -> ${Math.round(outcome.rowCount / cpuSeconds).toLocaleString('en')} rows/cpu-s`);
console.log(`peak RSS        ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
