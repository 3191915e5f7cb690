import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { headObject } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud } from '@mlops/local-runner';
import { dashboardKeys } from './keys';

/**
 * Local only: the dashboard `buildDashboard` stored for a run of a workdir, copied to `<workdir>/dashboards/<runId>.html`
 * (a stable file to open); undefined when the run has none (not published, or the dashboard failed).
 * @example const path = await localDashboard({ workdir: '.work', pipeline: 'attrition', runId })
 */
export async function localDashboard(options: {
  workdir: string;
  pipeline: string;
  runId: string;
}): Promise<string | undefined> {
  const workdir = resolve(options.workdir);
  if (!existsSync(join(workdir, 'cloud'))) return undefined;
  const { cloud } = await openLocalCloud(workdir);
  const key = dashboardKeys(options.pipeline, options.runId).run;
  if (!(await headObject(cloud.s3 as never, LOCAL_BUCKETS.artifacts, key))) return undefined;
  const path = join(workdir, 'dashboards', `${options.runId}.html`);
  await mkdir(join(workdir, 'dashboards'), { recursive: true });
  await copyFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key), path);
  return path;
}
