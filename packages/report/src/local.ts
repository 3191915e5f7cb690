import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getJson, listObjects, putText } from '@mlops/clients';
import { layout } from '@mlops/core';
import { LOCAL_BUCKETS, openLocalCloud } from '@mlops/local-runner';
import { loadRunReportInput } from './load';
import { renderRunReport } from './render';
import type { RunRecord } from './types';

/** Key of a run's report in the artifacts bucket: next to its record. */
export function reportKey(pipeline: string, runId: string): string {
  return `${layout.runPrefix(pipeline, runId)}report.html`;
}

/**
 * Render the report of one run of a local workdir, store it in the artifacts bucket next to the run
 * (`runs/<p>/<runId>/report.html`, through PutObject) and as `<workdir>/reports/<runId>.html`; returns the file path.
 * @example const path = await writeRunReport({ workdir: '.work', runId: '20261125T194433Z-bcf4e9' })
 */
export async function writeRunReport(options: { workdir: string; runId: string }): Promise<string> {
  const workdir = resolve(options.workdir);
  if (!existsSync(join(workdir, 'cloud'))) throw new Error(`${workdir} holds no local cloud (run \`mlops run\` first)`);
  const { cloud } = await openLocalCloud(workdir);
  const s3 = cloud.s3 as never;
  const bucket = LOCAL_BUCKETS.artifacts;
  const suffix = `/${options.runId}/record.json`;
  const found = (await listObjects(s3, bucket, 'runs/')).find((o) => o.key.endsWith(suffix));
  if (!found) throw new Error(`no run ${options.runId} in ${workdir} (see \`mlops runs\`)`);
  const record = await getJson<RunRecord>(s3, bucket, found.key);
  const html = await renderRunReport(await loadRunReportInput(s3, bucket, record));
  await putText(s3, bucket, reportKey(record.pipeline, record.runId), html, 'text/html; charset=utf-8');
  const path = join(workdir, 'reports', `${record.runId}.html`);
  await mkdir(join(workdir, 'reports'), { recursive: true });
  await writeFile(path, html);
  return path;
}
