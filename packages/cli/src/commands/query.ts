import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { listObjects } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud } from '@mlops/local-runner';
import { PREDICTIONS_TABLE, publishedFiles, queryPredictions, toCsv, toObjects, toTable } from '../query/predictions';

/** The published predictions of a workdir, with the local file of each. */
export async function localPredictions(workdir: string) {
  const root = resolve(workdir);
  if (!existsSync(join(root, 'cloud'))) throw new Error(`${root} holds no local cloud (run \`mlops run\` first)`);
  const { cloud } = await openLocalCloud(root);
  const listing = await listObjects(cloud.s3 as never, LOCAL_BUCKETS.artifacts, 'predictions/');
  const files = publishedFiles(listing.map((o) => o.key));
  if (files.length === 0)
    throw new Error(`no published predictions in ${root} (a run must reach FinalizePublish first)`);
  return Promise.all(
    files.map(async (f) => ({ ...f, path: await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, f.key) })),
  );
}

/** `mlops query "<SQL>"`: the SQL an analyst would run in Athena, over the workdir's predictions. */
export function registerQuery(program: Command): void {
  program
    .command('query <sql>')
    .description(
      `run SQL over the local predictions: table ${PREDICTIONS_TABLE} (every published run's predictions.csv) with the ` +
        'partition columns pipeline and run, as the Glue crawler catalogs them for Athena (DuckDB dialect)',
    )
    .option('--workdir <dir>', 'workdir', '.work')
    .option('--json', 'print the rows as a JSON array of objects')
    .option('--csv', 'print the rows as CSV with a header')
    .action(async (sql: string, flags: { workdir: string; json?: boolean; csv?: boolean }) => {
      if (flags.json && flags.csv) throw new Error('choose one of --json and --csv');
      const result = await queryPredictions(await localPredictions(flags.workdir), sql);
      if (flags.json) process.stdout.write(`${JSON.stringify(toObjects(result), null, 2)}\n`);
      else process.stdout.write(flags.csv ? toCsv(result) : toTable(result));
    });
}
