import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { listObjects } from '@mlops/clients';
import { layout, loadPipelineConfig } from '@mlops/core';
import { LOCAL_BUCKETS, LOCAL_STATE_MACHINE_ARN, openLocalRuntime, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { deployLocally } from '../../packages/local-runner/src/setup';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';
import { published } from './snapshot';

// EventBridge delivers at least once, and two people may upload at the same moment: one execution per object
// version, and concurrent runs that never share or interleave their artifacts.

type Json = Record<string, any>;
const small = (c: Json) => {
  c.tuning.maxJobs = 2;
  c.tuning.maxParallelJobs = 2;
  c.evaluation.bootstrap.samples = 50;
};

describe('the same object version delivered twice', () => {
  let first: Json;
  let second: Json;
  let third: Json;
  let executions: Json[];

  beforeAll(async () => {
    const dir = await tempDir('dup');
    const workdir = join(dir, 'work');
    const pipeline = await attritionVariant(dir, 'attrition', small);
    const data = await attritionCsv(dir, 'employees.csv', 600, 3);
    const { cloud, env, invoker } = await openLocalRuntime({ workdir });
    await deployLocally(cloud, await loadPipelineConfig(pipeline), env);
    const key = 'attrition/incoming/employees.csv';
    const put = (await cloud.s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.data, Key: key, Body: createReadStream(data) }))) as Json;
    const event = {
      version: '0',
      id: 'evt-1',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: cloud.accountId,
      time: '2026-11-25T10:00:00Z',
      region: cloud.region,
      resources: [],
      detail: { bucket: { name: LOCAL_BUCKETS.data }, object: { key, 'version-id': put.VersionId, etag: put.ETag }, reason: 'PutObject' },
    };
    // The redelivery arrives while the first execution runs, and again once it is over.
    first = (await invoker.invoke('startPipeline', event)) as Json;
    second = (await invoker.invoke('startPipeline', { ...event, id: 'evt-1-redelivered' })) as Json;
    await cloud.sfn.waitFor(first.executionArn);
    third = (await invoker.invoke('startPipeline', event)) as Json;
    executions = ((await cloud.sfn.send(new ListExecutionsCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN }))) as Json).executions;
  });

  it('starts one execution and answers the duplicate with it', () => {
    expect(first).toMatchObject({ started: true, duplicate: false });
    // While it runs, StartExecution with the same name and input answers with the running execution (as on AWS);
    // once it has ended, with ExecutionAlreadyExists, which ingest reports as a duplicate.
    expect(second).toMatchObject({ started: true, executionArn: first.executionArn, runId: first.runId });
    expect(third).toMatchObject({ started: true, duplicate: true, executionArn: first.executionArn, runId: first.runId });
    expect(executions.map((e) => e.executionArn)).toEqual([first.executionArn]);
    expect(executions[0]?.status).toBe('SUCCEEDED');
  });
});

describe('two different uploads at once for the same pipeline', () => {
  let workdir: string;
  let runs: RunOutcome[];

  beforeAll(async () => {
    const dir = await tempDir('concurrent');
    workdir = join(dir, 'work');
    const pipeline = await attritionVariant(dir, 'attrition', small);
    const [a, b] = await Promise.all([attritionCsv(dir, 'employees-a.csv', 600, 11), attritionCsv(dir, 'employees-b.csv', 600, 12)]);
    const score = await attritionCsv(dir, 'current.csv', 150, 13, true);
    runs = await Promise.all([a, b].map((data) => runPipeline({ pipeline, data: data as string, score, workdir })));
  }, 600_000);

  it('both complete, as distinct runs with distinct model versions', () => {
    expect(runs.map((r) => r.status), JSON.stringify(runs.map((r) => [r.executionStatus, r.error, r.cause, r.record?.error]))).toEqual(['published', 'published']);
    const [x, y] = runs as [RunOutcome, RunOutcome];
    expect(x.runId).not.toBe(y.runId);
    expect(x.record?.registration).toBeTruthy();
    expect((x.record as Json).registration.version).not.toBe((y.record as Json).registration.version);
  });

  it('keep every artifact under their own run prefix', async () => {
    const { cloud } = await openLocalRuntime({ workdir });
    for (const run of runs) {
      const other = runs.find((r) => r !== run)?.runId as string;
      const own = await listObjects(cloud.s3 as never, LOCAL_BUCKETS.artifacts, layout.runPrefix('attrition', run.runId));
      expect(own.length).toBeGreaterThan(5);
      for (const object of own) {
        if (!/\.(json|csv|html)$/.test(object.key)) continue;
        const text = await readFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, object.key), 'utf8');
        expect(text.includes(other), `${object.key} mentions the other run ${other}`).toBe(false);
      }
      const record = run.record as Json;
      const described = (await cloud.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: record.registration.modelPackageArn }))) as Json;
      expect(JSON.stringify(described.InferenceSpecification)).toContain(run.runId);
      expect(JSON.stringify(described.InferenceSpecification)).not.toContain(other);
    }
  });

  it('leave `latest` on one complete run whose package is the champion', async () => {
    const now = await published(workdir);
    const pointer = JSON.parse(now.latest as string) as { runId: string; modelPackageArn: string; files: string[]; rows: number };
    expect(runs.map((r) => r.runId)).toContain(pointer.runId);
    expect(pointer.files.every((f) => f.startsWith(layout.predictions('attrition', pointer.runId)))).toBe(true);
    expect(Object.values(now.files).map((text) => text.trim().split('\n').length - 1)).toEqual([pointer.rows]);
    expect(now.champion).toBe(pointer.modelPackageArn);
  });
});
