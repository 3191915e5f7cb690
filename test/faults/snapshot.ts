import { readFile } from 'node:fs/promises';
import { ListModelPackagesCommand } from '@aws-sdk/client-sagemaker';
import { layout } from '@mlops/core';
import { openLocalCloud, LOCAL_BUCKETS } from '@mlops/local-runner';

type Json = Record<string, any>;

/** What a failed run must leave untouched: the registry (every package and its status) and `latest` with its files. */
export interface Published {
  registry: { arn: string; status: string }[];
  champion: string | undefined;
  latest: string | undefined;
  files: Record<string, string>;
}

/** The registry listing and the bytes of `latest` and of every object it points to. */
export async function published(workdir: string, pipeline = 'attrition'): Promise<Published> {
  const { cloud } = await openLocalCloud(workdir);
  const registry: Published['registry'] = [];
  let token: string | undefined;
  do {
    const page = (await cloud.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: `mlops-${pipeline}`, SortBy: 'CreationTime', SortOrder: 'Ascending', NextToken: token }),
    )) as Json;
    registry.push(...(page.ModelPackageSummaryList as Json[]).map((p) => ({ arn: p.ModelPackageArn as string, status: p.ModelApprovalStatus as string })));
    token = page.NextToken as string | undefined;
  } while (token);
  const champion = registry.filter((p) => p.status === 'Approved').at(-1)?.arn;
  const read = async (key: string) => readFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key), 'utf8');
  const latest = await read(layout.latestPredictions(pipeline)).catch(() => undefined);
  const files: Record<string, string> = {};
  for (const key of latest ? ((JSON.parse(latest) as { files: string[] }).files ?? []) : []) files[key] = await read(key);
  return { registry, champion, latest, files };
}

/** Every package that existed before keeps its status; new ones (a failed run's candidate) are never Approved. */
export function assertUnchanged(before: Published, after: Published, expect: (v: unknown) => any): void {
  expect(after.champion).toBe(before.champion);
  expect(after.latest).toBe(before.latest);
  expect(after.files).toEqual(before.files);
  expect(after.registry.slice(0, before.registry.length)).toEqual(before.registry);
  expect(after.registry.slice(before.registry.length).filter((p) => p.status === 'Approved')).toEqual([]);
}
