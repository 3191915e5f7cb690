import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { getJson, listObjects } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud } from '@mlops/local-runner';

/** Every run record in a workdir, oldest first. */
export async function listRuns(workdir: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(join(resolve(workdir), 'cloud'))) return [];
  const { cloud } = await openLocalCloud(workdir);
  const s3 = cloud.s3 as never;
  const keys = (await listObjects(s3, LOCAL_BUCKETS.artifacts, 'runs/')).filter((o) => o.key.endsWith('/record.json'));
  const records = await Promise.all(keys.map((o) => getJson<Record<string, unknown>>(s3, LOCAL_BUCKETS.artifacts, o.key)));
  return records.sort((a, b) => String(a.runId).localeCompare(String(b.runId)));
}

/** One run record by id, or a clear error. */
export async function findRun(workdir: string, runId: string): Promise<Record<string, unknown>> {
  const record = (await listRuns(workdir)).find((r) => r.runId === runId);
  if (!record) throw new Error(`no run ${runId} in ${resolve(workdir)} (see \`mlops runs\`)`);
  return record;
}

/** `mlops runs` and `mlops show <runId>`. */
export function registerRuns(program: Command): void {
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
      process.stdout.write(`${JSON.stringify(await findRun(flags.workdir, runId), null, 2)}\n`);
    });
}
