import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAttrition, writeDataset } from '@mlops/sample-data';
import { measure, peaksByRole } from './process';
import { spread, type Spread, type TableRow } from './stats';

export interface ScaleFigures {
  rows: number;
  /** Whole `mlops run` process, from spawn to exit. */
  wallMs: Spread;
  /** The run's own clock (first to last state). */
  inProcessMs: Spread;
  /** CPU seconds of every process of the run together (what the run costs the machine, whatever else runs). */
  cpuSeconds: Spread | null;
  /** Per stage (`Validation` = Start/WaitFor/Check/IsValidationDone together, …), in ms. */
  stages: Record<string, Spread>;
  /** Every tuning trial of every run: whole training job, and the container's own load / fit times. */
  trial: { jobMs: Spread; loadMs: Spread | null; fitMs: Spread | null; count: number };
  /** Rows per second of the publishing batch transform (every scoring row), from the job's own start/end times. */
  publishRowsPerSecond: Spread | null;
  /** Largest peak RSS of any single process of the run (GNU time), in MiB. */
  peakRssMiB: Spread | null;
  /** Peak RSS per kind of process (the CLI, each container command), largest of its kind per run, in MiB. */
  peakRssByRole: Record<string, Spread>;
  /** CPU seconds per kind of process (all eight trials together for `container train`), as last polled. */
  cpuSecondsByRole: Record<string, Spread>;
  status: string[];
}

/** The generated training and scoring files of `rows` rows (written once into the temp folder, then reused). */
export async function scaleDatasets(rows: number): Promise<{ train: string; score: string }> {
  const train = join(tmpdir(), `mlops-bench-attrition-${rows}.csv`);
  const score = join(tmpdir(), `mlops-bench-attrition-${rows}-score.csv`);
  if (!existsSync(train)) await writeDataset(generateAttrition({ rows, seed: 11 }), train);
  if (!existsSync(score)) await writeDataset(generateAttrition({ rows, seed: 12, scoring: true }), score);
  return { train, score };
}

/** `StartValidation`, `WaitForValidation`, `CheckValidation`, `IsValidationDone` → `Validation`; others as named. */
export function stageOf(state: string): string {
  return /^(?:Start|WaitFor|Check|Is)(.+?)(?:Done)?$/.exec(state)?.[1] ?? state;
}

interface Trial {
  jobMs: number;
  loadMs?: number;
  fitMs?: number;
}

/** Training jobs of one run, from the local SageMaker's records: job wall time and the container's own timings. */
async function trialsOf(workdir: string): Promise<Trial[]> {
  const root = join(workdir, 'cloud', 'sagemaker', 'training-jobs');
  const names = await readdir(root).catch(() => [] as string[]);
  return Promise.all(
    names.map(async (name): Promise<Trial> => {
      const state = JSON.parse(await readFile(join(root, name, 'state.json'), 'utf8')) as { TrainingStartTime?: string; TrainingEndTime?: string };
      const log = await readFile(join(root, name, 'logs', 'stdout.log'), 'utf8').catch(() => '');
      const loadMs = /^loaded .* in (\d+) ms$/m.exec(log)?.[1];
      const fitMs = /fitted in (\d+) ms$/m.exec(log)?.[1];
      return {
        jobMs: Date.parse(state.TrainingEndTime ?? '') - Date.parse(state.TrainingStartTime ?? ''),
        ...(loadMs === undefined ? {} : { loadMs: Number(loadMs) }),
        ...(fitMs === undefined ? {} : { fitMs: Number(fitMs) }),
      };
    }),
  );
}

/** Rows per second of the publishing transform job (the one whose name holds `publish`), or undefined. */
async function publishRate(workdir: string, rows: number): Promise<number | undefined> {
  const root = join(workdir, 'cloud', 'sagemaker', 'transform-jobs');
  const name = (await readdir(root).catch(() => [] as string[])).find((n) => n.includes('publish'));
  if (name === undefined) return undefined;
  const state = JSON.parse(await readFile(join(root, name, 'state.json'), 'utf8')) as { TransformStartTime?: string; TransformEndTime?: string };
  const seconds = (Date.parse(state.TransformEndTime ?? '') - Date.parse(state.TransformStartTime ?? '')) / 1000;
  return seconds > 0 ? rows / seconds : undefined;
}

const spreadOrNull = (values: number[]): Spread | null => (values.length > 0 ? spread(values) : null);

/**
 * The whole local pipeline (`mlops run`: validate, split, 8-trial tuning, scoring, evaluation, publishing of the
 * scoring file) on generated datasets of `rows` rows, `runs` times, each in a fresh process and workdir.
 */
export async function benchPipelineScale(repo: string, rows: number, runs: number): Promise<ScaleFigures> {
  const { train, score } = await scaleDatasets(rows);
  const samples: { wall: number; inProcess: number; cpu: number | null; stages: Record<string, number>; rss: number | null; roles: Record<string, number>; cpuRoles: Record<string, number>; status: string }[] = [];
  const trials: Trial[] = [];
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const workdir = await mkdtemp(join(tmpdir(), 'mlops-bench-scale-'));
    try {
      const cli = ['--import', 'tsx', join(repo, 'packages/cli/src/main.ts'), 'run', '--pipeline', join(repo, 'pipelines', 'attrition.yml'), '--data', train, '--score', score, '--workdir', workdir, '--json'];
      const result = await measure(process.execPath, cli, { cwd: repo, perProcess: true });
      if (!result.stdout.trim()) throw new Error(`pipeline run on ${rows} rows produced no JSON (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
      const summary = JSON.parse(result.stdout) as { status: string; wallMs: number; stages: { name: string; durationMs: number }[] };
      const stages: Record<string, number> = {};
      for (const s of summary.stages) stages[stageOf(s.name)] = (stages[stageOf(s.name)] ?? 0) + s.durationMs;
      samples.push({
        wall: result.wallMs,
        inProcess: summary.wallMs,
        cpu: result.cpuSeconds,
        stages,
        rss: result.peakRssMiB,
        roles: Object.fromEntries(Object.entries(peaksByRole(result.processes)).map(([role, p]) => [role, p.peakRssMiB])),
        cpuRoles: Object.fromEntries(Object.entries(peaksByRole(result.processes)).map(([role, p]) => [role, p.cpuSeconds])),
        status: summary.status,
      });
      trials.push(...(await trialsOf(workdir)));
      const rate = await publishRate(workdir, rows);
      if (rate !== undefined) rates.push(rate);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  }
  const stageNames = [...new Set(samples.flatMap((s) => Object.keys(s.stages)))];
  const roleNames = [...new Set(samples.flatMap((s) => Object.keys(s.roles)))];
  return {
    rows,
    wallMs: spread(samples.map((s) => s.wall)),
    inProcessMs: spread(samples.map((s) => s.inProcess)),
    cpuSeconds: samples.every((s) => s.cpu !== null) ? spread(samples.map((s) => s.cpu as number)) : null,
    stages: Object.fromEntries(stageNames.map((n) => [n, spread(samples.map((s) => s.stages[n] ?? 0))])),
    trial: {
      jobMs: spread(trials.map((t) => t.jobMs)),
      loadMs: spreadOrNull(trials.flatMap((t) => (t.loadMs === undefined ? [] : [t.loadMs]))),
      fitMs: spreadOrNull(trials.flatMap((t) => (t.fitMs === undefined ? [] : [t.fitMs]))),
      count: trials.length,
    },
    publishRowsPerSecond: spreadOrNull(rates),
    peakRssMiB: samples.every((s) => s.rss !== null) ? spread(samples.map((s) => s.rss as number)) : null,
    peakRssByRole: Object.fromEntries(roleNames.map((r) => [r, spread(samples.flatMap((s) => (s.roles[r] === undefined ? [] : [s.roles[r]])))])),
    cpuSecondsByRole: Object.fromEntries(roleNames.map((r) => [r, spread(samples.flatMap((s) => (s.cpuRoles[r] === undefined ? [] : [s.cpuRoles[r]])))])),
    status: samples.map((s) => s.status),
  };
}

/** The `scale` section of `pnpm bench`: the pipeline on each generated size, its table rows appended to `table`. */
export async function scaleSection(repo: string, sizes: number[], runs: number, table: TableRow[]): Promise<Record<string, ScaleFigures>> {
  const results: Record<string, ScaleFigures> = {};
  for (const n of sizes) {
    const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
    process.stderr.write(`bench: whole pipeline on ${n} generated rows (8 trials, scoring ${n} rows), ${runs} runs…\n`);
    const figures = await benchPipelineScale(repo, n, runs);
    results[String(n)] = figures;
    const big = n >= 1_000_000;
    const memory = big ? '≤ 1024' : undefined;
    table.push({ name: `${label} pipeline, whole process (${[...new Set(figures.status)].join('/')})`, unit: 'ms', value: figures.wallMs, target: big ? '≤ 60000' : undefined });
    table.push({ name: `${label} pipeline, inside the run`, unit: 'ms', value: figures.inProcessMs });
    if (figures.cpuSeconds) table.push({ name: `${label} pipeline, CPU time of all its processes`, unit: 's', value: figures.cpuSeconds });
    for (const [stage, value] of Object.entries(figures.stages)) if (value.median >= 50) table.push({ name: `  ${label} stage ${stage}`, unit: 'ms', value });
    table.push({ name: `  ${label} training job per trial (${figures.trial.count} trials)`, unit: 'ms', value: figures.trial.jobMs });
    if (figures.trial.loadMs) table.push({ name: `  ${label} trial: load train+validation`, unit: 'ms', value: figures.trial.loadMs });
    if (figures.trial.fitMs) table.push({ name: `  ${label} trial: encode, fit, metrics`, unit: 'ms', value: figures.trial.fitMs });
    if (figures.publishRowsPerSecond) table.push({ name: `  ${label} publishing transform`, unit: 'rows/s', value: figures.publishRowsPerSecond });
    if (figures.peakRssMiB) table.push({ name: `  ${label} peak RSS, largest process`, unit: 'MiB', value: figures.peakRssMiB, target: memory });
    for (const [role, value] of Object.entries(figures.peakRssByRole)) table.push({ name: `  ${label} peak RSS, ${role}`, unit: 'MiB', value, target: memory });
    for (const [role, value] of Object.entries(figures.cpuSecondsByRole)) table.push({ name: `  ${label} CPU time, ${role}`, unit: 's', value });
  }
  return results;
}
