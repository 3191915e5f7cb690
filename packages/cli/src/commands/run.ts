import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '@mlops/local-backend';
import { openLocalCloud, runPipeline, summarize, type RunStatus, type RunSummary, type StateEvent } from '@mlops/local-runner';
import { localDashboard } from '@mlops/report/dashboard';
import { countLines, estimateRunCost, loadPipelineConfig, type PipelineConfig } from '@mlops/core';
import { scoringProgress, trialProgress } from '../progress';
import { costEstimateLines, humanSummary } from '../human';
import { captureFunctionLogs, progressPrinter } from '../output';
import { ensureSampleData } from '../sample';

/** Exit codes: 0 published, 3 rejected by the gate (champion kept), 2 invalid data, 1 failure. */
export const EXIT_CODES: Record<RunStatus, number> = { published: 0, rejected: 3, 'invalid-data': 2, failed: 1 };

interface RunFlags {
  pipeline: string;
  data: string;
  score?: string;
  workdir: string;
  json?: boolean;
  trace?: string;
}

/** Progress lines, plus how to decide when the run waits for a person (in any mode: the run blocks until then). */
function progress(flags: RunFlags, workdir: string): (event: StateEvent) => void {
  const print = flags.json ? undefined : progressPrinter(process.stdout);
  return (event) => {
    if (event.phase !== 'waiting') return print?.(event);
    const approve = `mlops approve ${event.runId ?? '<runId>'} --workdir ${workdir}`;
    (flags.json ? process.stderr : process.stdout).write(
      `  wait   ${event.state}: waiting for a decision: \`${approve}\` (or add --reject --reason "…")\n`,
    );
  };
}

/** Data rows of a CSV file (its lines but the header). */
async function dataRows(file: string): Promise<number> {
  return Math.max(0, (await countLines(createReadStream(file))) - 1);
}

/** The AWS cost estimate of this run, from the files' row counts, printed before the run starts. */
async function printEstimate(config: PipelineConfig, flags: RunFlags, out: NodeJS.WritableStream): Promise<void> {
  const [rows, scoreRows] = await Promise.all([dataRows(flags.data), flags.score ? dataRows(flags.score) : undefined]);
  out.write(`${costEstimateLines(estimateRunCost(config, { rows, scoreRows }), config.budget)}\n`);
}

async function runCommand(flags: RunFlags, verbose: boolean): Promise<number> {
  const workdir = resolve(flags.workdir);
  const logs = captureFunctionLogs(join(workdir, 'logs', 'functions.log'), verbose);
  const out = flags.json ? process.stderr : process.stdout;
  if (!flags.json) out.write(`mlops: running ${flags.pipeline} on ${flags.data} (workdir ${workdir})\n`);
  const started = Date.now();
  // The run report's renderer (Vega) is the largest module the CLI loads: loaded while the run waits on its jobs,
  // not before the run starts nor after it ends.
  const report = import('@mlops/report');
  report.catch(() => undefined);
  const config = await loadPipelineConfig(flags.pipeline);
  await printEstimate(config, flags, out);
  const { cloud: live } = await openLocalCloud(workdir);
  const stops = flags.json ? [] : [trialProgress(live, config.tuning.maxJobs, process.stdout), scoringProgress(live, process.stdout)];
  const stopProgress = () => stops.forEach((stop) => stop());
  try {
    const outcome = await runPipeline({
      pipeline: flags.pipeline,
      data: flags.data,
      score: flags.score,
      workdir,
      trace: flags.trace,
      onEvent: progress(flags, workdir),
    });
    stopProgress();
    const summary: RunSummary & { wallMs: number; report?: string; dashboard?: string } = { ...(await summarize(outcome, live)), wallMs: Date.now() - started };
    if (outcome.record) summary.report = await (await report).writeRunReport({ workdir, runId: outcome.runId });
    summary.dashboard = await localDashboard({ workdir, pipeline: config.name, runId: outcome.runId });
    await writeFile(join(workdir, 'last-run.json'), JSON.stringify(summary, null, 2));
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else out.write(`${humanSummary(summary)}\n  (${summary.wallMs} ms wall, logs: ${join(workdir, 'logs', 'functions.log')})\n`);
    if (!flags.json && summary.report) out.write(`report: ${summary.report}\n`);
    if (!flags.json && summary.dashboard) out.write(`dashboard: ${summary.dashboard}\n`);
    return EXIT_CODES[outcome.status];
  } finally {
    stopProgress();
    logs.end();
  }
}

/** `mlops run` and `mlops start` (the main job on the bundled sample). */
export function registerRun(program: Command, verbose: () => boolean): void {
  program
    .command('run')
    .description('run a pipeline end to end locally')
    .requiredOption('--pipeline <config.yml>', 'pipeline config')
    .requiredOption('--data <train.csv>', 'training dataset (uploaded under <pipeline>/incoming/)')
    .option('--score <score.csv>', 'rows to score after acceptance (default: the dataset itself)')
    .option('--workdir <dir>', 'local cloud and outputs; reuse it to keep the registry and champion', '.work')
    .option('--json', 'print one JSON object on stdout (logs go to stderr)')
    .option('--trace <file.jsonl>', 'write every AWS SDK command the handlers issued')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags, verbose());
    });
  program
    .command('start')
    .description('the main job: generate the sample data if absent and run the attrition pipeline')
    .option('--workdir <dir>', 'workdir', '.work')
    .option('--json', 'print one JSON object on stdout')
    .action(async (flags: { workdir: string; json?: boolean }) => {
      const root = repoRoot();
      const sample = await ensureSampleData(join(root, 'data', 'sample'));
      process.exitCode = await runCommand(
        { pipeline: join(root, 'pipelines', 'attrition.yml'), data: sample.train, score: sample.score, workdir: flags.workdir, json: flags.json },
        verbose(),
      );
    });
}
