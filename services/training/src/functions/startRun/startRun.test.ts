import 'aws-sdk-client-mock-vitest/extend';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BudgetExceededError, ConfigError, estimateRunCost, parsePipelineConfig, RunInfoSchema, trustSnapshot, type RunInput } from '@mlops/core';
import { ARTIFACTS, DATA, s3Body, sampleConfig, serveObjects, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { estimateRows, startRun } from './startRun';

const RUN_ID = '20260302T093000Z-3fa9c1';
/** SHA-256 of the dataset bytes, as S3 reports a copy's full-object checksum (base64) and as the record keeps it (hex). */
const SHA256_HEX = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const SHA256_BASE64 = Buffer.from(SHA256_HEX, 'hex').toString('base64');
const CONFIG_KEY = `s3://${ARTIFACTS}/pipelines/attrition/config.json`;
const FROZEN_KEY = `s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/input/hr 2026-03.csv`;
/** The frozen copy: a header and three rows. */
const FROZEN_CSV = 'EmployeeNumber,Age,Attrition\n1,41,Yes\n2,49,No\n3,37,Yes\n';

const input = (dataset: Partial<RunInput['dataset']> = {}): RunInput => ({
  runId: RUN_ID,
  pipeline: 'attrition',
  trigger: {
    type: 's3-upload',
    at: '2026-03-02T09:29:58Z',
    detail: { bucket: DATA, key: 'attrition/incoming/hr 2026-03.csv' },
  },
  dataset: {
    bucket: DATA,
    key: 'attrition/incoming/hr 2026-03.csv',
    versionId: 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a',
    etag: '"9b2cf535"',
    ...dataset,
  },
});

async function deployed(overrides: Record<string, unknown> = {}) {
  const t = testDeps({ now: new Date('2026-03-02T09:30:01.000Z') });
  const config = { ...(await sampleConfig()), ...overrides };
  serveObjects(t.mocks.s3, { [CONFIG_KEY]: config, [FROZEN_KEY]: FROZEN_CSV });
  t.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  t.mocks.s3.on(CopyObjectCommand).resolves({
    CopyObjectResult: { ETag: '"9b2cf535"', ChecksumSHA256: SHA256_BASE64, ChecksumType: 'FULL_OBJECT' },
  });
  return { ...t, config };
}

describe('startRun', () => {
  it('freezes the deployed config, copies the dataset version, writes the run record, in that order', async () => {
    // Prepare
    const { deps, sent } = await deployed();

    // Act
    await startRun(input(), deps);

    // Assess
    expect(sent().map((c) => `${c.command} ${String(c.input.Key ?? c.input.Prefix)}`)).toEqual([
      'GetObjectCommand pipelines/attrition/config.json',
      `PutObjectCommand runs/attrition/${RUN_ID}/config/pipeline.json`,
      `CopyObjectCommand runs/attrition/${RUN_ID}/input/hr 2026-03.csv`,
      'ListObjectsV2Command attrition/score/',
      `GetObjectCommand runs/attrition/${RUN_ID}/input/hr 2026-03.csv`,
      `PutObjectCommand runs/attrition/${RUN_ID}/record.json`,
    ]);
  });

  it('copies exactly the uploaded object version into the run input folder', async () => {
    // Prepare
    const { deps, mocks } = await deployed();

    // Act
    await startRun(input(), deps);

    // Assess
    expect(mocks.s3).toHaveReceivedCommandExactlyOnceWith(CopyObjectCommand, {
      Bucket: ARTIFACTS,
      Key: `runs/attrition/${RUN_ID}/input/hr 2026-03.csv`,
      // S3 accepts `bucket/key` and `/bucket/key` alike.
      CopySource: expect.stringMatching(
        new RegExp(`^/?${DATA}/attrition/incoming/hr%202026-03\\.csv\\?versionId=Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a$`),
      ),
    });
  });

  it('has S3 compute the SHA-256 of the copy and keeps it, hex, as the content hash of the dataset in the record', async () => {
    // Prepare
    const { deps, mocks } = await deployed();

    // Act
    await startRun(input(), deps);

    // Assess
    expect(mocks.s3).toHaveReceivedCommandWith(CopyObjectCommand, { ChecksumAlgorithm: 'SHA256' });
    const record = JSON.parse(writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/record.json`) ?? 'null');
    expect(record.dataset).toEqual({ ...input().dataset, sha256: SHA256_HEX });
  });

  it('records no content hash when S3 gives only a composite (per-part) checksum', async () => {
    // Prepare
    const { deps, mocks } = await deployed();
    mocks.s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ChecksumSHA256: `${SHA256_BASE64}-3`, ChecksumType: 'COMPOSITE' } });

    // Act
    await startRun(input(), deps);

    // Assess
    const record = JSON.parse(writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/record.json`) ?? 'null');
    expect(record.dataset.sha256).toBeNull();
  });

  it('copies the current object when the data bucket is not versioned', async () => {
    // Prepare
    const { deps, mocks } = await deployed();

    // Act
    await startRun(input({ versionId: undefined }), deps);

    // Assess
    expect(mocks.s3.commandCalls(CopyObjectCommand)[0]?.args[0].input.CopySource?.replace(/^\//, '')).toBe(
      `${DATA}/attrition/incoming/hr%202026-03.csv`,
    );
  });

  it('snapshots the validated config, defaults filled in, with its hash, and returns where the run keeps its files', async () => {
    // Prepare
    const { deps, mocks, config } = await deployed();

    // Act
    const run = await startRun(input(), deps);

    // Assess
    const written = writtenObjects(mocks.s3);
    const snapshot = written.get(`s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/config/pipeline.json`) ?? 'null';
    expect(JSON.parse(snapshot)).toEqual(parsePipelineConfig(config));
    expect(createHash('sha256').update(snapshot).digest('hex')).toBe(run.configSha256);
    // What every later task reads back: the same config, trusted by that hash.
    expect(trustSnapshot(snapshot, run.configSha256, 'snapshot')).toEqual(parsePipelineConfig(config));
    expect(() => trustSnapshot(snapshot.replace('"attrition"', '"other"'), run.configSha256, 'snapshot')).toThrow(/changed after StartRun/);
    expect(RunInfoSchema.parse(run)).toEqual({
      runPrefix: `runs/attrition/${RUN_ID}/`,
      configKey: `runs/attrition/${RUN_ID}/config/pipeline.json`,
      configSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      recordKey: `runs/attrition/${RUN_ID}/record.json`,
      scoreData: null,
      estimatedCostUsd: estimateRunCost(config, { rows: 3 }).totalUsd,
      startedAt: '2026-03-02T09:30:01.000Z',
      publishMode: 'batch',
    });
    expect(run.estimatedCostUsd).toBeGreaterThan(0);
  });

  it('writes a running record with the trigger, the dataset version and the cost estimate', async () => {
    // Prepare
    const { deps, mocks } = await deployed();

    // Act
    await startRun(input(), deps);

    // Assess
    const record = JSON.parse(
      writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/record.json`) ?? 'null',
    );
    expect(record).toMatchObject({
      runId: RUN_ID,
      pipeline: 'attrition',
      status: 'running',
      startedAt: '2026-03-02T09:30:01.000Z',
      trigger: { type: 's3-upload' },
      dataset: { versionId: 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a' },
      cost: { estimate: { totalUsd: expect.any(Number), lines: expect.any(Array) } },
    });
  });

  it('scores the newest non-empty file under <pipeline>/score/', async () => {
    // Prepare
    const { deps, mocks } = await deployed();
    mocks.s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'attrition/score/2026-01.csv', Size: 5120, LastModified: new Date('2026-01-31T08:00:00Z') },
        { Key: 'attrition/score/2026-02.csv', Size: 6144, LastModified: new Date('2026-02-28T08:00:00Z') },
        { Key: 'attrition/score/2026-03.csv', Size: 0, LastModified: new Date('2026-03-01T08:00:00Z') },
      ],
    });

    // Act
    const run = await startRun(input(), deps);

    // Assess
    expect(mocks.s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: DATA, Prefix: 'attrition/score/' });
    expect(run.scoreData).toEqual({ bucket: DATA, key: 'attrition/score/2026-02.csv' });
  });

  it('raises BudgetExceededError when the estimate is over budget, after recording the run and its estimate', async () => {
    // Prepare
    const { deps, mocks, config } = await deployed({ budget: { maxRunUsd: 0.05, stages: {} } });
    expect(estimateRunCost(config, { rows: 3 }).totalUsd).toBeGreaterThan(0.05);

    // Act
    const result = startRun(input(), deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(result).rejects.toThrow(/StartRun: the run is estimated at \$0\.\d{4}, over budget\.maxRunUsd of \$0\.0500 \(3 rows, 2 to train on/);
    expect(mocks.s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
    const record = JSON.parse(
      writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${RUN_ID}/record.json`) ?? 'null',
    );
    expect(record.cost.estimate).toEqual(estimateRunCost(config, { rows: 3 }));
  });

  it('refuses a pipeline that has no deployed config, before copying anything', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    serveObjects(mocks.s3, {});

    // Act
    const result = startRun(input(), deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    await expect(result).rejects.toThrow(/pipelines\/attrition\/config\.json/);
    expect(mocks.s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  it('refuses a deployed config that does not match the schema', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    serveObjects(mocks.s3, { [CONFIG_KEY]: { name: 'attrition', dataset: {} } });

    // Act
    const result = startRun(input(), deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    expect(mocks.s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });
});

describe('estimateRows', () => {
  it('counts a small dataset exactly and scales a large one from its first 64 KiB, in one ranged GET', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    const line = `${'x'.repeat(99)}\n`; // 100 bytes per line
    const sample = line.repeat(655) + 'x'.repeat(65_536 - 65_500);
    mocks.s3.on(GetObjectCommand, { Key: 'big.csv' }).resolves({ Body: s3Body(sample), ContentRange: `bytes 0-65535/${100 * 1_000_001}` });
    mocks.s3.on(GetObjectCommand, { Key: 'small.csv' }).resolves({ Body: s3Body('h\n1\n2'), ContentRange: 'bytes 0-4/5' });

    // Act
    const big = await estimateRows(deps, ARTIFACTS, 'big.csv');
    const small = await estimateRows(deps, ARTIFACTS, 'small.csv');

    // Assess
    expect(big).toBeGreaterThan(995_000);
    expect(big).toBeLessThan(1_005_000);
    expect(small).toBe(2);
    expect(mocks.s3).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'big.csv', Range: 'bytes=0-65535' });
  });

  it('reads an empty object (S3 answers its range with InvalidRange) as no rows', async () => {
    // Prepare
    const { deps, mocks } = testDeps();
    mocks.s3.on(GetObjectCommand).rejects(Object.assign(new Error('The requested range is not satisfiable'), { name: 'InvalidRange' }));

    // Act
    const rows = await estimateRows(deps, ARTIFACTS, 'empty.csv');

    // Assess
    expect(rows).toBe(0);
  });
});
