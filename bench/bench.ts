import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { ensureSampleData } from '../packages/cli/src/sample';
import { benchLambdas } from './lambdas';
import { benchPipeline } from './pipeline';
import { benchValidation } from './validation';
import { printTable, type Spread } from './stats';

// `pnpm bench [--runs N]`: prints a table and writes bench/results.json. Figures are medians of N runs with min/max.
const repo = join(import.meta.dirname, '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
// `pnpm bench --only lambdas`: only the Lambda bundles (size, load time), printed without writing results.json.
const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined;
if (only !== undefined && only !== 'lambdas') throw new Error(`bench: --only supports "lambdas", not ${JSON.stringify(only)}`);

function lambdaRows(lambdas: Awaited<ReturnType<typeof benchLambdas>>): { name: string; unit: string; value: Spread; target?: string }[] {
  const rows: { name: string; unit: string; value: Spread; target?: string }[] = [{ name: 'bare `node -e 0`', unit: 'ms', value: lambdas.bare }];
  for (const l of lambdas.lambdas) {
    rows.push({ name: `  bundle ${l.fn}`, unit: 'KiB', value: { median: l.bytes / 1024, min: l.bytes / 1024, max: l.bytes / 1024, runs: 1 }, target: '≤ 100' });
    const sdk = l.sdkModules.map((m) => m.replace('@aws-sdk/client-', '')).join(', ') || 'none';
    rows.push({ name: `  load ${l.fn}: bundle + SDK clients it loads (${sdk})`, unit: 'ms', value: l.loadMs, target: '≤ 50' });
    rows.push({ name: `  load ${l.fn}: bundle code alone`, unit: 'ms', value: l.codeMs, target: '≤ 50' });
    rows.push({ name: `  load ${l.fn}: bundle + SDK clients, CPU time`, unit: 'ms', value: l.loadCpuMs });
    rows.push({ name: `  load ${l.fn}: bundle code alone, CPU time`, unit: 'ms', value: l.codeCpuMs });
  }
  return rows;
}

async function main(): Promise<void> {
  if (only === 'lambdas') {
    process.stderr.write('bench: bundling every Lambda as sls package does…\n');
    process.stdout.write(`${printTable(lambdaRows(await benchLambdas(repo, Math.max(runs, 5))))}\n`);
    return;
  }
  const sample = await ensureSampleData(join(repo, 'data', 'sample'));
  process.stderr.write(`bench: sample pipeline (1,470 rows, 8 trials), ${runs} runs…\n`);
  const pipeline = await benchPipeline(repo, { pipeline: join(repo, 'pipelines', 'attrition.yml'), data: sample.train, score: sample.score, runs });
  const rows: { name: string; unit: string; value: Spread; target?: string }[] = [
    { name: 'sample pipeline, whole process', unit: 'ms', value: pipeline.wallMs, target: '≤ 3000 (issue 8), < 5000 (issue 3)' },
    { name: 'sample pipeline, inside the run', unit: 'ms', value: pipeline.inProcessMs },
    ...(pipeline.peakRssMiB ? [{ name: 'peak RSS, largest process', unit: 'MiB', value: pipeline.peakRssMiB }] : []),
    { name: 'state transitions per run', unit: 'count', value: pipeline.stateTransitions },
    { name: 'Lambda invocations per run', unit: 'count', value: pipeline.lambdaInvocations },
    ...Object.entries(pipeline.stages)
      .filter(([name]) => !/^(Wait|Is)/.test(name))
      .map(([name, value]) => ({ name: `  state ${name}`, unit: 'ms', value })),
  ];
  process.stderr.write('bench: validation of a generated 1,000,000-row file…\n');
  const validation = await benchValidation(repo, 1_000_000, runs);
  rows.push({ name: `validation, 1M rows (${validation.status})`, unit: 'rows/s', value: validation.rowsPerSecond, target: '≥ 200000' });
  if (validation.peakRssMiB) rows.push({ name: 'validation peak RSS', unit: 'MiB', value: validation.peakRssMiB, target: '< 300' });
  process.stderr.write('bench: bundling every Lambda as sls package does…\n');
  const lambdas = await benchLambdas(repo, Math.max(runs, 5));
  rows.push(...lambdaRows(lambdas));
  process.stdout.write(`${printTable(rows)}\n`);
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs,
    samplePipeline: pipeline,
    lambdas,
    validation,
  };
  await mkdir(join(repo, 'bench'), { recursive: true });
  await writeFile(join(repo, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write('bench: wrote bench/results.json\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
