import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './process';
import { spread, type Spread } from './stats';

export interface PipelineFigures {
  wallMs: Spread;
  inProcessMs: Spread;
  peakRssMiB: Spread | null;
  stages: Record<string, Spread>;
  stateTransitions: Spread;
  lambdaInvocations: Spread;
  status: string[];
}

/**
 * Run the pipeline `runs` times, each in a fresh workdir and a fresh process (`mlops run --json`), and gather the
 * wall time (whole process, and inside the run), per-state durations, peak RSS, transitions and invocations.
 */
export async function benchPipeline(repo: string, args: { pipeline: string; data: string; score?: string; runs: number }): Promise<PipelineFigures> {
  const samples: { wall: number; inProcess: number; rss: number | null; stages: Record<string, number>; transitions: number; invocations: number; status: string }[] = [];
  // The CLI bundle is built once per source change (packages/cli/bin/mlops.mjs): build it before timing runs.
  await measure(process.execPath, [join(repo, 'packages/cli/bin/mlops.mjs'), '--help'], { cwd: repo });
  for (let i = 0; i < args.runs; i++) {
    const workdir = await mkdtemp(join(tmpdir(), 'mlops-bench-'));
    // What `pnpm mlops` runs: the cached bundle of the CLI and the handlers (packages/cli/bin/mlops.mjs).
    const cli = [process.execPath, join(repo, 'packages/cli/bin/mlops.mjs'), 'run', '--pipeline', args.pipeline, '--data', args.data, '--workdir', workdir, '--json'];
    if (args.score) cli.push('--score', args.score);
    const result = await measure(cli[0] as string, cli.slice(1), { cwd: repo });
    await rm(workdir, { recursive: true, force: true });
    if (!result.stdout.trim()) throw new Error(`pipeline run produced no JSON (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
    const summary = JSON.parse(result.stdout) as { status: string; wallMs: number; stages: { name: string; durationMs: number }[]; stateTransitions: number; lambdaInvocations: number };
    samples.push({
      wall: result.wallMs,
      inProcess: summary.wallMs,
      rss: result.peakRssMiB,
      stages: Object.fromEntries(summary.stages.map((s) => [s.name, s.durationMs])),
      transitions: summary.stateTransitions,
      invocations: summary.lambdaInvocations,
      status: summary.status,
    });
  }
  const stageNames = [...new Set(samples.flatMap((s) => Object.keys(s.stages)))];
  return {
    wallMs: spread(samples.map((s) => s.wall)),
    inProcessMs: spread(samples.map((s) => s.inProcess)),
    peakRssMiB: samples.every((s) => s.rss !== null) ? spread(samples.map((s) => s.rss as number)) : null,
    stages: Object.fromEntries(stageNames.map((n) => [n, spread(samples.map((s) => s.stages[n] ?? 0))])),
    stateTransitions: spread(samples.map((s) => s.transitions)),
    lambdaInvocations: spread(samples.map((s) => s.invocations)),
    status: samples.map((s) => s.status),
  };
}
