import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { getJson, listObjects } from '@mlops/clients';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '@mlops/local-backend';
import { LOCAL_BUCKETS, openLocalCloud, openLocalRuntime, runPipeline, summarize, type RunStatus, type RunSummary } from '@mlops/local-runner';
import { ensureSampleData } from './sample';
import { humanSummary } from './human';
import { captureFunctionLogs, progressPrinter } from './output';

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

async function runCommand(flags: RunFlags, verbose: boolean): Promise<number> {
  const workdir = resolve(flags.workdir);
  const logs = captureFunctionLogs(join(workdir, 'logs', 'functions.log'), verbose);
  const out = flags.json ? process.stderr : process.stdout;
  if (!flags.json) out.write(`mlops: running ${flags.pipeline} on ${flags.data} (workdir ${workdir})\n`);
  const started = Date.now();
  try {
    const outcome = await runPipeline({
      pipeline: flags.pipeline,
      data: flags.data,
      score: flags.score,
      workdir,
      trace: flags.trace,
      onEvent: flags.json ? undefined : progressPrinter(process.stdout),
    });
    const { cloud } = await openLocalCloud(workdir);
    const summary: RunSummary & { wallMs: number } = { ...(await summarize(outcome, cloud)), wallMs: Date.now() - started };
    await writeFile(join(workdir, 'last-run.json'), JSON.stringify(summary, null, 2));
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else out.write(`${humanSummary(summary)}\n  (${summary.wallMs} ms wall, logs: ${join(workdir, 'logs', 'functions.log')})\n`);
    return EXIT_CODES[outcome.status];
  } finally {
    logs.end();
  }
}

async function listRuns(workdir: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(join(workdir, 'cloud'))) return [];
  const { cloud } = await openLocalCloud(workdir);
  const s3 = cloud.s3 as never;
  const keys = (await listObjects(s3, LOCAL_BUCKETS.artifacts, 'runs/')).filter((o) => o.key.endsWith('/record.json'));
  const records = await Promise.all(keys.map((o) => getJson<Record<string, unknown>>(s3, LOCAL_BUCKETS.artifacts, o.key)));
  return records.sort((a, b) => String(a.runId).localeCompare(String(b.runId)));
}

export function registerCommands(program: Command): void {
  const verbose = () => Boolean(program.opts().verbose);
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
  program
    .command('invoke <fn>')
    .description('invoke one function\'s real handler against the local backend of a workdir (like `sls invoke local`, without its start-up cost)')
    .requiredOption('--event <file.json>', 'the event (see services/<svc>/events/<fn>.json)')
    .option('--workdir <dir>', 'workdir', '.work')
    .action(async (fn: string, flags: { event: string; workdir: string }) => {
      const logs = captureFunctionLogs(join(resolve(flags.workdir), 'logs', 'functions.log'), true);
      try {
        const { invoker } = await openLocalRuntime({ workdir: flags.workdir });
        if (!invoker.has(fn)) throw new Error(`no function ${fn} (functions: ${invoker.names().join(', ')})`);
        const event = JSON.parse(await readFile(flags.event, 'utf8')) as unknown;
        process.stdout.write(`${JSON.stringify(await invoker.invoke(fn, event), null, 2)}\n`);
      } finally {
        logs.end();
      }
    });
  program
    .command('runs')
    .description('list the runs recorded in a workdir')
    .option('--workdir <dir>', 'workdir', '.work')
    .action(async (flags: { workdir: string }) => {
      for (const r of await listRuns(flags.workdir)) {
        process.stdout.write(`${String(r.runId)}  ${String(r.pipeline).padEnd(12)} ${String(r.status).padEnd(13)} ${String(r.durationMs ?? '-')} ms\n`);
      }
    });
  program
    .command('show <runId>')
    .description('print the run record of one run')
    .option('--workdir <dir>', 'workdir', '.work')
    .action(async (runId: string, flags: { workdir: string }) => {
      const record = (await listRuns(flags.workdir)).find((r) => r.runId === runId);
      if (!record) throw new Error(`no run ${runId} in ${resolve(flags.workdir)} (see \`mlops runs\`)`);
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    });
}
