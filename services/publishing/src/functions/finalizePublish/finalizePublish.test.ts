import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CrawlerRunningException, GlueServiceException, StartCrawlerCommand } from '@aws-sdk/client-glue';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { InputError } from '@mlops/core';
import {
  ARTIFACTS,
  runState,
  sampleConfig,
  serveRunConfig,
  testDeps,
  TEST_ENV,
  writtenObjects,
} from '@mlops/lambda-kit/testing';
import { finalizePublish, type FinalizePublishEvent } from './finalizePublish';

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4';

/** `rowKey, probability, label, model_version, run_id, f1, c1, f2, c2, f3, c3` per line. */
function predictions(rows: number, start = 0, trailingNewline = true): string {
  const lines = Array.from(
    { length: rows },
    (_, i) => `${1001 + start + i},0.731,1,4,20260302T093000Z-3fa9c1,OverTime,0.82,Age,-0.41,JobLevel,-0.33`,
  );
  return lines.join('\n') + (trailingNewline ? '\n' : '');
}

async function finalize(options: {
  scoreRows: number;
  files: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** The dataset profile `prepare` wrote, if any. */
  profile?: object;
}) {
  const t = testDeps({ env: options.env, now: new Date('2026-03-02T11:45:00.000Z') });
  const base = runState();
  const prefix = `runs/attrition/${base.runId}/publishing/transform/`;
  const state: FinalizePublishEvent = {
    ...base,
    registration: {
      modelPackageGroupName: 'mlops-attrition',
      modelPackageArn: PACKAGE,
      version: 4,
      approvalStatus: 'PendingManualApproval',
    },
    publishing: {
      outputPrefix: prefix,
      modelName: 'mlops-attrition-model-1c2d3e4f',
      kind: 'transform',
      names: ['mlops-attrition-publish-5a6b7c8d'],
    },
  };
  const objects: Record<string, string | object> = {
    [`s3://${ARTIFACTS}/runs/attrition/${base.runId}/prepared/summary.json`]: {
      rows: { train: 1029, validation: 220, test: 221 },
      positives: { train: 166, validation: 35, test: 36 },
      scoreRows: options.scoreRows,
      featureColumns: ['Age', 'OverTime', 'JobLevel', 'Department'],
    },
  };
  for (const [name, body] of Object.entries(options.files)) objects[`s3://${ARTIFACTS}/${prefix}${name}`] = body;
  if (options.profile) objects[`s3://${ARTIFACTS}/runs/attrition/${base.runId}/prepared/profile.json`] = options.profile;
  serveRunConfig(t.mocks.s3, state, await sampleConfig(), objects);
  const keys = Object.keys(options.files).map((name) => `${prefix}${name}`);
  t.mocks.s3.on(ListObjectsV2Command).resolves({
    Contents: keys.map((Key) => ({ Key, Size: options.files[Key.slice(prefix.length)]?.length ?? 0 })),
    IsTruncated: false,
  });
  // Like S3, read the streamed body of every PutObject (a Readable of the transform outputs behind a header).
  const bodies = new Map<string, string>();
  t.mocks.s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown; ContentLength?: number }) => {
    const body = typeof input.Body === 'string' ? input.Body : await text(input.Body as Readable);
    if (input.ContentLength !== undefined) expect(Buffer.byteLength(body)).toBe(input.ContentLength);
    bodies.set(input.Key, body);
    return {};
  });
  const pointer = () => {
    const text = writtenObjects(t.mocks.s3).get(`s3://${ARTIFACTS}/predictions/pipeline=attrition/latest.json`);
    return text === undefined ? undefined : JSON.parse(text);
  };
  return { ...t, state, prefix, pointer, bodies };
}

describe('finalizePublish', () => {
  it('counts the predictions, then switches `latest`, then approves the package, then starts the crawler', async () => {
    // Prepare
    const { deps, sent, state } = await finalize({ scoreRows: 5, files: { 'score.csv.out': predictions(5) } });

    // Act
    await finalizePublish(state, deps);

    // Assess
    expect(
      sent().map(
        (c) => `${c.command} ${String(c.input.Key ?? c.input.Prefix ?? c.input.ModelPackageArn ?? c.input.Name)}`,
      ),
    ).toEqual([
      `GetObjectCommand runs/attrition/${state.runId}/config/pipeline.json`,
      `GetObjectCommand runs/attrition/${state.runId}/prepared/summary.json`,
      `ListObjectsV2Command ${state.publishing.outputPrefix}`,
      `GetObjectCommand ${state.publishing.outputPrefix}score.csv.out`,
      `PutObjectCommand predictions/pipeline=attrition/run=${state.runId}/predictions.csv`,
      `GetObjectCommand ${state.publishing.outputPrefix}score.csv.out`,
      'GetObjectCommand predictions/pipeline=attrition/latest.json',
      'PutObjectCommand predictions/pipeline=attrition/latest.json',
      `GetObjectCommand runs/attrition/${state.runId}/prepared/profile.json`,
      `UpdateModelPackageCommand ${PACKAGE}`,
      `StartCrawlerCommand ${TEST_ENV.CRAWLER_NAME}`,
    ]);
  });

  it('points `latest` at this run with its files, rows and model version, and approves the package', async () => {
    // Prepare
    const { deps, mocks, state, pointer } = await finalize({
      scoreRows: 5,
      files: { 'score.csv.out': predictions(5) },
    });
    const prefix = `predictions/pipeline=attrition/run=${state.runId}/`;

    // Act
    const result = await finalizePublish(state, deps);

    // Assess
    expect(pointer()).toEqual({
      runId: state.runId,
      pipeline: 'attrition',
      prefix,
      files: [`${prefix}predictions.csv`],
      rows: 5,
      modelVersion: 4,
      modelPackageArn: PACKAGE,
      publishedAt: '2026-03-02T11:45:00.000Z',
    });
    expect(mocks.sagemaker).toHaveReceivedCommandExactlyOnceWith(UpdateModelPackageCommand, {
      ModelPackageArn: PACKAGE,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: `published by run ${state.runId}`,
    });
    expect(result).toMatchObject({
      latestKey: 'predictions/pipeline=attrition/latest.json',
      prefix,
      rows: 5,
      crawler: TEST_ENV.CRAWLER_NAME,
    });
  });

  it('adds up the rows of every output file, ignoring files that are not transform outputs', async () => {
    // Prepare
    const files = {
      'part-0.csv.out': predictions(3),
      'part-1.csv.out': predictions(4, 3, false),
      'manifest.json': '{"files":2}\n',
    };
    const { deps, state, pointer, bodies } = await finalize({ scoreRows: 7, files });
    const published = `predictions/pipeline=attrition/run=${state.runId}/predictions.csv`;

    // Act
    const result = await finalizePublish(state, deps);

    // Assess
    expect(result.rows).toBe(7);
    expect(pointer()?.files).toEqual([published]);
    const lines = (bodies.get(published) ?? '').split('\n');
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines.slice(1, 8)).toEqual(predictions(7).trim().split('\n'));
    expect(lines[8]).toBe('');
  });

  it('publishes one predictions.csv with a header row naming the row key and every column', async () => {
    // Prepare
    const { deps, state, bodies } = await finalize({ scoreRows: 2, files: { 'score.csv.out': predictions(2) } });

    // Act
    await finalizePublish(state, deps);

    // Assess
    const body = bodies.get(`predictions/pipeline=attrition/run=${state.runId}/predictions.csv`);
    expect(body).toBe(
      'EmployeeNumber,probability,label,model_version,run_id,driver_1,contribution_1,driver_2,contribution_2,driver_3,contribution_3\n' +
        predictions(2),
    );
  });

  it('refuses predictions whose column count does not match the header, before `latest` moves', async () => {
    // Prepare
    const { deps, mocks, state, pointer } = await finalize({ scoreRows: 1, files: { 'score.csv.out': '1001,0.5,1,4,r,Age,0.1\n' } });

    // Act
    const result = finalizePublish(state, deps);

    // Assess
    await expect(result).rejects.toThrow('7 columns per prediction, expected 11');
    expect(pointer()).toBeUndefined();
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it.each([
    ['fewer', 4],
    ['more', 6],
  ])(
    'refuses to switch `latest` or approve anything when the predictions hold %s rows than the scoring data',
    async (_, rows) => {
      // Prepare
      const { deps, mocks, state, pointer } = await finalize({
        scoreRows: 5,
        files: { 'score.csv.out': predictions(rows) },
      });

      // Act
      const result = finalizePublish(state, deps);

      // Assess
      await expect(result).rejects.toBeInstanceOf(InputError);
      await expect(result).rejects.toThrow(`predictions hold ${rows} rows but the scoring data has 5`);
      expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
      expect(pointer()).toBeUndefined();
      expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
      expect(mocks.glue).not.toHaveReceivedCommand(StartCrawlerCommand);
    },
  );

  it('refuses to publish a run whose transform wrote no output', async () => {
    // Prepare
    const { deps, mocks, state } = await finalize({ scoreRows: 5, files: { 'manifest.json': '{}' } });

    // Act
    const result = finalizePublish(state, deps);

    // Assess
    await expect(result).rejects.toThrow(`no predictions under ${state.publishing.outputPrefix}`);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('publishes when the crawler is already running: it will pick the partition up', async () => {
    // Prepare
    const { deps, mocks, state } = await finalize({ scoreRows: 2, files: { 'score.csv.out': predictions(2) } });
    mocks.glue.on(StartCrawlerCommand).rejects(
      new CrawlerRunningException({
        message: 'Crawler with name mlops-dev-predictions has already started',
        $metadata: {},
      }),
    );

    // Act
    const result = await finalizePublish(state, deps);

    // Assess
    expect(result.crawler).toBe(TEST_ENV.CRAWLER_NAME);
  });

  it('reports any other crawler error after `latest` and the approval are done', async () => {
    // Prepare
    const { deps, mocks, state, pointer } = await finalize({
      scoreRows: 2,
      files: { 'score.csv.out': predictions(2) },
    });
    mocks.glue.on(StartCrawlerCommand).rejects(
      new GlueServiceException({
        name: 'EntityNotFoundException',
        $fault: 'client',
        message: 'no crawler',
        $metadata: {},
      }),
    );

    // Act
    const result = finalizePublish(state, deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    expect(pointer()?.rows).toBe(2);
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(UpdateModelPackageCommand);
  });

  it('starts no crawler when the stage has none', async () => {
    // Prepare
    const { deps, mocks, state } = await finalize({
      scoreRows: 2,
      files: { 'score.csv.out': predictions(2) },
      env: { CRAWLER_NAME: undefined },
    });

    // Act
    const result = await finalizePublish(state, deps);

    // Assess
    expect(result.crawler).toBeNull();
    expect(mocks.glue).not.toHaveReceivedCommand(StartCrawlerCommand);
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(UpdateModelPackageCommand);
  });

  it('keeps the published dataset\'s profile as the drift baseline, after `latest` and before the approval', async () => {
    // Prepare
    const profile = { rowCount: 5, columns: { Age: { kind: 'categorical', count: 5, missing: 0 } } };
    const { deps, mocks, sent, state } = await finalize({ scoreRows: 5, files: { 'score.csv.out': predictions(5) }, profile });

    // Act
    await finalizePublish(state, deps);

    // Assess
    const baseline = writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/datasets/attrition/accepted/profile.json`);
    expect(JSON.parse(baseline ?? 'null')).toEqual(profile);
    const order = sent().map((c) => `${c.command} ${String(c.input.Key ?? '')}`);
    const baselineAt = order.indexOf('PutObjectCommand datasets/attrition/accepted/profile.json');
    expect(baselineAt).toBeGreaterThan(order.indexOf('PutObjectCommand predictions/pipeline=attrition/latest.json'));
    expect(baselineAt).toBeLessThan(order.findIndex((c) => c.startsWith('UpdateModelPackageCommand')));
  });
});
