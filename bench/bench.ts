import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { ensureSampleData } from '../packages/cli/src/sample';
import { benchLambdas } from './lambdas';
import { benchPipeline } from './pipeline';
import { scaleSection } from './pipeline-scale';
import { scoringSection } from './scoring';
import { benchValidation } from './validation';
import { measure } from './process';
import type { WaitFigure } from './waits';
import { printTable, type Spread } from './stats';

// `pnpm bench [--runs N]`: prints a table and writes bench/results.json. Figures are medians of N runs with min/max.
const repo = join(import.meta.dirname, '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
function lambdaRows(lambdas: Awaited<ReturnType<typeof benchLambdas>>): { name: string; unit: string; value: Spread; target?: string }[] {
  const rows: { name: string; unit: string; value: Spread; target?: string }[] = [{ name: 'bare `node -e 0`', unit: 'ms', value: lambdas.bare }];
  for (const l of lambdas.lambdas) {
    rows.push({ name: `  bundle ${l.fn}`, unit: 'KiB', value: { median: l.bytes / 1024, min: l.bytes / 1024, max: l.bytes / 1024, runs: 1 }, target: '≤ 100' });
    const names = (modules: string[]) => modules.map((m) => m.replace('@aws-sdk/client-', '')).join(', ') || 'none';
    rows.push({ name: `  load ${l.fn} (SDK clients loaded: ${names(l.sdkAtLoad)})`, unit: 'ms', value: l.loadMs, target: '≤ 50' });
    rows.push({ name: `  load ${l.fn}, CPU time`, unit: 'ms', value: l.loadCpuMs });
    rows.push({ name: `  first invocation of ${l.fn}: SDK clients (${names(l.sdkModules)})`, unit: 'ms', value: l.sdkFirstUseMs });
  }
  return rows;
}

// `--only sample,waits`: just those sections (sample, validation, lambdas, waits, scale, scoring); results.json keeps the others' last figures.
const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag > 0 ? new Set((process.argv[onlyFlag + 1] ?? '').split(',')) : undefined;
const selected = (section: string) => only === undefined || only.has(section);
// `--rows 100000,1000000`: the generated datasets of the `scale` section (the whole pipeline on each size); `--scale-runs N`
// (default: --runs) for those runs and the `scoring` section (1M rows through the local batch transform).
const rowsFlag = process.argv.indexOf('--rows');
const scaleRows = rowsFlag > 0 ? (process.argv[rowsFlag + 1] ?? '').split(',').map(Number) : [100_000, 1_000_000];
const scaleRunsFlag = process.argv.indexOf('--scale-runs');
const scaleRuns = scaleRunsFlag > 0 ? Number(process.argv[scaleRunsFlag + 1]) : runs;

/** The simulated long tuning jobs (bench/waits.ts), run in their own process. */
async function benchWaitsApart(args: string[]): Promise<WaitFigure[]> {
  const result = await measure(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'waits.ts'), ...args], { cwd: repo });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !last.startsWith('[')) throw new Error(`bench/waits.ts failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return JSON.parse(last) as WaitFigure[];
}

/** The last results.json, so that a `--only` run updates its sections and keeps the others. */
async function previousResults(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(repo, 'bench', 'results.json'), 'utf8').catch(() => '{}')) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const sample = await ensureSampleData(join(repo, 'data', 'sample'));
  const rows: { name: string; unit: string; value: Spread; target?: string }[] = [];
  const results: Record<string, unknown> = only ? await previousResults() : {};
  if (selected('sample')) {
    process.stderr.write(`bench: sample pipeline (1,470 rows, 8 trials), ${runs} runs…\n`);
    const pipeline = await benchPipeline(repo, { pipeline: join(repo, 'pipelines', 'attrition.yml'), data: sample.train, score: sample.score, runs });
    results.samplePipeline = pipeline;
    rows.push(
      { name: 'sample pipeline, whole process', unit: 'ms', value: pipeline.wallMs, target: '≤ 3000 (issue 8), < 5000 (issue 3)' },
      { name: 'sample pipeline, inside the run', unit: 'ms', value: pipeline.inProcessMs },
      ...(pipeline.peakRssMiB ? [{ name: 'peak RSS, largest process', unit: 'MiB', value: pipeline.peakRssMiB }] : []),
      { name: 'state transitions per run', unit: 'count', value: pipeline.stateTransitions },
      { name: 'Lambda invocations per run', unit: 'count', value: pipeline.lambdaInvocations },
      ...Object.entries(pipeline.stages)
        .filter(([name]) => !/^(Wait|Is)/.test(name))
        .map(([name, value]) => ({ name: `  state ${name}`, unit: 'ms', value })),
    );
  }
  if (selected('waits')) {
    process.stderr.write('bench: simulated long tuning jobs through the real state machine (virtual clock)…\n');
    const waits = await benchWaitsApart([join(repo, 'pipelines', 'attrition.yml'), sample.train, sample.score]);
    results.waits = waits;
    const once = (x: number) => ({ median: x, min: x, max: x, runs: 1 });
    for (const w of waits) {
      const name = `tuning job of ${w.label}: transitions waiting (${w.polls} polls, seen ${w.lateSeconds} s late; back-off model: ${w.modelTransitions})`;
      rows.push({ name, unit: 'count', value: once(w.tuningTransitions), target: w.jobSeconds === 7200 ? '≤ 60' : undefined });
    }
  }
  if (selected('validation')) {
    process.stderr.write('bench: validation of a generated 1,000,000-row file…\n');
    const validation = await benchValidation(repo, 1_000_000, runs);
    results.validation = validation;
    rows.push({ name: `validation, 1M rows (${validation.status})`, unit: 'rows/s', value: validation.rowsPerSecond, target: '≥ 200000' });
    if (validation.peakRssMiB) rows.push({ name: 'validation peak RSS', unit: 'MiB', value: validation.peakRssMiB, target: '< 300' });
  }
  // Sizes not run this time keep their last figures.
  if (selected('scale')) results.scale = { ...(results.scale as object | undefined), ...(await scaleSection(repo, scaleRows, scaleRuns, rows)) };
  if (selected('scoring')) results.scoring = await scoringSection(repo, scaleRuns, rows);
  if (selected('lambdas')) {
    process.stderr.write('bench: bundling every Lambda as sls package does…\n');
    const lambdas = await benchLambdas(repo, Math.max(runs, 5));
    results.lambdas = lambdas;
    rows.push(...lambdaRows(lambdas));
  }
  process.stdout.write(`${printTable(rows)}\n`);
  Object.assign(results, {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs,
  });
  await mkdir(join(repo, 'bench'), { recursive: true });
  await writeFile(join(repo, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write('bench: wrote bench/results.json\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
