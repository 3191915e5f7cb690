import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DescribeModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { approveRun } from '../../packages/cli/src/commands/approve';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome, type StateEvent } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, REPO, tempDir } from '../helpers/pipeline';

// The manual approval path (evaluation.manualApproval: true) through the deployed state machine and the real
// handlers: an accepted candidate waits in WaitForApproval until a person decides with `mlops approve`.

type Json = Record<string, any>;
const LATEST = 'predictions/pipeline=attrition/latest.json';

async function artifactBytes(workdir: string, key: string): Promise<Buffer> {
  const { cloud } = await openLocalCloud(workdir);
  return readFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key));
}

async function packageStatus(workdir: string, arn: string): Promise<Json> {
  const { cloud } = await openLocalCloud(workdir);
  return (await cloud.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))) as Json;
}

/** Start a run that waits for approval; resolve once it waits, with its runId and the run's promise. */
async function startWaitingRun(options: { pipeline: string; data: string; score: string; workdir: string }) {
  let waited!: (event: StateEvent) => void;
  const waiting = new Promise<StateEvent>((resolve) => (waited = resolve));
  const outcome: Promise<RunOutcome> = runPipeline({ ...options, onEvent: (e) => e.phase === 'waiting' && waited(e) });
  const event = await Promise.race([
    waiting,
    outcome.then((o) => Promise.reject(new Error(`run ended ${o.status} without waiting`))),
  ]);
  return { runId: event.runId as string, state: event.state, outcome };
}

describe('manual approval', () => {
  let dir: string;
  let workdir: string;
  let train: string;
  let score: string;
  let manual: string;

  beforeAll(async () => {
    dir = await tempDir('approval');
    workdir = join(dir, 'work');
    train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    score = await attritionCsv(dir, 'current.csv', 200, 8, true);
    const first = await runPipeline({
      pipeline: await attritionVariant(dir, 'attrition'),
      data: train,
      score,
      workdir,
    });
    expect(first.status, JSON.stringify(first.record?.error)).toBe('published');
    // A candidate as good as the champion passes non-inferiority, so each run below reaches the approval step.
    manual = await attritionVariant(dir, 'manual', (c) => {
      c.evaluation.manualApproval = true;
    });
  });

  it('waits for a decision; approving from another process publishes, naming who approved', async () => {
    // Prepare
    const before = await artifactBytes(workdir, LATEST);
    const run = await startWaitingRun({ pipeline: manual, data: train, score, workdir });
    const { cloud } = await openLocalCloud(workdir);
    const request = JSON.parse(
      (await artifactBytes(workdir, `runs/attrition/${run.runId}/approval/request.json`)).toString(),
    ) as Json;
    const execution = await cloud.sfn.send(new DescribeExecutionCommand({ executionArn: request.executionArn }));
    const pending = await packageStatus(workdir, request.modelPackageArn);
    const latestWhileWaiting = await artifactBytes(workdir, LATEST);

    // Act
    const cli = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/cli/src/main.ts',
        'approve',
        run.runId,
        '--workdir',
        workdir,
        '--by',
        'jane',
        '--reason',
        'evidence reviewed',
      ],
      { cwd: REPO },
    );
    const outcome = await run.outcome;

    // Assess
    expect(run.state).toBe('WaitForApproval');
    expect(execution).toMatchObject({ status: 'RUNNING' });
    expect(pending).toMatchObject({
      ModelApprovalStatus: 'PendingManualApproval',
      CustomerMetadataProperties: {
        approvalRequest: `s3://${LOCAL_BUCKETS.artifacts}/runs/attrition/${run.runId}/approval/request.json`,
      },
    });
    expect(request.taskToken).toEqual(expect.any(String));
    expect(latestWhileWaiting.equals(before)).toBe(true);
    expect(before.equals(await artifactBytes(workdir, LATEST))).toBe(false);
    expect(cli.stdout).toContain(`run ${run.runId}: approved by jane`);
    expect(outcome.status, JSON.stringify(outcome.record?.error)).toBe('published');
    const record = outcome.record as Json;
    expect(record.approval).toMatchObject({ status: 'approved', decidedBy: 'jane', reason: 'evidence reviewed' });
    expect(record.registration.approvalStatus).toBe('Approved');
    expect(JSON.parse((await artifactBytes(workdir, LATEST)).toString()).runId).toBe(run.runId);
    expect(await packageStatus(workdir, request.modelPackageArn)).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: `published by run ${run.runId}, approved by jane`,
    });
    expect(outcome.notifications.map((n) => n.subject)).toEqual([
      '[mlops/local] attrition awaiting approval',
      '[mlops/local] attrition published',
    ]);
  });

  it('rejecting ends the run rejected with the package Rejected, and changes nothing published', async () => {
    // Prepare
    const latest = await artifactBytes(workdir, LATEST);
    const run = await startWaitingRun({ pipeline: manual, data: train, score, workdir });

    // Act
    const decision = await approveRun({
      workdir,
      runId: run.runId,
      reject: true,
      reason: "uses last quarter's leaky column",
      decidedBy: 'sam',
    });
    const outcome = await run.outcome;

    // Assess
    expect(outcome.status).toBe('rejected');
    expect(outcome.executionStatus).toBe('SUCCEEDED');
    const record = outcome.record as Json;
    expect(record.evaluation.decision).toBe('accept');
    expect(record.registration.approvalStatus).toBe('Rejected');
    expect(record.approval).toMatchObject({ status: 'rejected', decidedBy: 'sam' });
    expect(record.error).toBeNull();
    expect(await packageStatus(workdir, decision.modelPackageArn)).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: "rejected by sam: uses last quarter's leaky column",
    });
    expect((await artifactBytes(workdir, LATEST)).equals(latest)).toBe(true);
    expect(outcome.notifications.map((n) => n.subject)).toEqual([
      '[mlops/local] attrition awaiting approval',
      '[mlops/local] attrition rejected',
    ]);
  });

  it('refuses a decision on a run that does not wait for one', async () => {
    // Prepare
    const run = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score, workdir });

    // Act
    const decision = approveRun({ workdir, runId: run.runId, decidedBy: 'sam' });

    // Assess
    await expect(decision).rejects.toThrow(/not waiting for a decision/);
  });

  it('records the content hash, ETag and version of the dataset version the run used', async () => {
    // Prepare
    const run = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score, workdir });

    // Act
    const dataset = (run.record as Json).dataset;

    // Assess
    expect(dataset).toMatchObject({
      bucket: LOCAL_BUCKETS.data,
      key: 'attrition/incoming/employees.csv',
      versionId: expect.any(String),
      etag: expect.any(String),
      sha256: createHash('sha256')
        .update(await readFile(train))
        .digest('hex'),
    });
  });
});
