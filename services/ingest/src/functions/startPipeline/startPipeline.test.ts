import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { HeadObjectCommand, ListObjectsV2Command, NotFound } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { RunInputSchema, UnsafePathError } from '@mlops/core';
import {
  ARTIFACTS,
  AWS_NAME,
  DATA,
  LONG_PIPELINE,
  sampleConfig,
  serveObjects,
  testDeps,
  TEST_ENV,
} from '@mlops/lambda-kit/testing';
import { startPipeline, StartPipelineEvent } from './startPipeline';

const uploaded = (key: string, versionId = 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a'): StartPipelineEvent => ({
  'detail-type': 'Object Created',
  source: 'aws.s3',
  time: '2026-03-02T09:29:58Z',
  detail: {
    bucket: { name: DATA },
    object: { key, etag: '9b2cf535f27731c974343645a3985328', 'version-id': versionId },
  },
});

async function deployed(pipelines: string[] = ['attrition']) {
  const t = testDeps({ now: new Date('2026-03-02T10:00:00.000Z') });
  const objects: Record<string, object> = {};
  for (const p of pipelines)
    objects[`s3://${ARTIFACTS}/pipelines/${p}/config.json`] = await sampleConfig('attrition', p);
  serveObjects(t.mocks.s3, objects);
  t.mocks.s3.on(HeadObjectCommand).callsFake((input: { VersionId?: string }) => ({
    VersionId: input.VersionId ?? 'current-version-0001',
    ETag: '"9b2cf535f27731c974343645a3985328"',
  }));
  t.mocks.sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:${input.name}`,
    startDate: new Date('2026-03-02T10:00:00.000Z'),
  }));
  return t;
}

function started(t: ReturnType<typeof testDeps>) {
  return t.mocks.sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
}

describe('startPipeline', () => {
  it('checks the pipeline is deployed and the object exists, then starts one execution', async () => {
    // Prepare
    const t = await deployed();

    // Act
    const result = await startPipeline(uploaded('attrition/incoming/hr-2026-03.csv'), t.deps);

    // Assess
    expect(t.sent().map((c) => c.command)).toEqual(['GetObjectCommand', 'HeadObjectCommand', 'StartExecutionCommand']);
    expect(t.mocks.s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: DATA,
      Key: 'attrition/incoming/hr-2026-03.csv',
      VersionId: 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a',
    });
    const [execution] = started(t);
    expect(execution?.stateMachineArn).toBe(TEST_ENV.STATE_MACHINE_ARN);
    expect(result).toEqual({
      started: true,
      duplicate: false,
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:${execution?.name}`,
      runId: expect.stringMatching(/^20260302T092958Z-[0-9a-f]{6}$/),
      pipeline: 'attrition',
    });
  });

  it('passes the exact dataset version and the trigger as the execution input', async () => {
    // Prepare
    const t = await deployed();

    // Act
    const result = await startPipeline(uploaded('attrition/incoming/hr-2026-03.csv'), t.deps);

    // Assess
    const input = RunInputSchema.parse(JSON.parse(started(t)[0]?.input ?? 'null'));
    expect(input).toEqual({
      runId: result.started ? result.runId : '',
      pipeline: 'attrition',
      trigger: {
        type: 's3-upload',
        at: '2026-03-02T09:29:58Z',
        detail: { bucket: DATA, key: 'attrition/incoming/hr-2026-03.csv' },
      },
      dataset: {
        bucket: DATA,
        key: 'attrition/incoming/hr-2026-03.csv',
        versionId: 'Wq3nZ0t5pX2l8cY1bK7sJd4uVf6rHm9a',
        etag: '"9b2cf535f27731c974343645a3985328"',
      },
    });
  });

  it.each([
    'attrition/score/2026-03.csv',
    'attrition/incoming',
    'attrition/archive/incoming/hr.csv',
    'Attrition/incoming/hr.csv',
    'incoming/hr.csv',
  ])('ignores %s, which is not under <pipeline>/incoming/, without calling AWS', async (key) => {
    // Prepare
    const t = await deployed();

    // Act
    const result = await startPipeline(uploaded(key), t.deps);

    // Assess
    expect(result).toEqual({ started: false, reason: `key ${key} is not under <pipeline>/incoming/` });
    expect(t.sent()).toEqual([]);
  });

  it.each([
    'attrition/incoming/../../pipelines/attrition/config.json',
    'attrition/incoming/2026/../../../x.csv',
    'attrition/incoming/./hr.csv',
    'attrition/incoming//hr.csv',
    'attrition/incoming/..',
    'attrition/incoming/hr\\..\\x.csv',
    'attrition/incoming/hr\u0007.csv',
    'attrition/incoming/hr-\u202egnp.csv',
  ])('refuses the unsafe key %j with UnsafePathError, without calling AWS', async (key) => {
    // Prepare
    const t = await deployed();

    // Act
    const result = startPipeline(uploaded(key), t.deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(UnsafePathError);
    expect(t.sent()).toEqual([]);
  });

  it('gives the same object version the same execution name and run id, every time', async () => {
    // Prepare
    const t = await deployed();
    const event = uploaded('attrition/incoming/hr-2026-03.csv');

    // Act
    const first = await startPipeline(event, t.deps);
    const again = await startPipeline(structuredClone(event), t.deps);

    // Assess
    const [a, b] = started(t);
    expect(a?.name).toBe(b?.name);
    expect(first.started && again.started && first.runId === again.runId).toBe(true);
  });

  it('gives a new version of the same key a new execution name', async () => {
    // Prepare
    const t = await deployed();

    // Act
    await startPipeline(uploaded('attrition/incoming/hr.csv', 'version-a'), t.deps);
    await startPipeline(uploaded('attrition/incoming/hr.csv', 'version-b'), t.deps);

    // Assess
    const [a, b] = started(t);
    expect(a?.name).not.toBe(b?.name);
  });

  it('treats ExecutionAlreadyExists as a duplicate delivery of an event already started', async () => {
    // Prepare
    const t = await deployed();
    t.mocks.sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: { httpStatusCode: 400 } }));

    // Act
    const result = await startPipeline(uploaded('attrition/incoming/hr-2026-03.csv'), t.deps);

    // Assess
    const name = started(t)[0]?.name;
    expect(result).toEqual({
      started: true,
      duplicate: true,
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:${name}`,
      runId: expect.stringMatching(/^20260302T092958Z-[0-9a-f]{6}$/),
      pipeline: 'attrition',
    });
  });

  it('lets any other Step Functions error through', async () => {
    // Prepare
    const t = await deployed();
    const denied = new SFNServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'not authorized',
      $metadata: {},
    });
    t.mocks.sfn.on(StartExecutionCommand).rejects(denied);

    // Act
    const result = startPipeline(uploaded('attrition/incoming/hr-2026-03.csv'), t.deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('ignores an upload for a pipeline that is not deployed, without starting anything', async () => {
    // Prepare
    const t = await deployed([]);

    // Act
    const result = await startPipeline(uploaded('churn/incoming/customers.csv'), t.deps);

    // Assess
    expect(result).toEqual({ started: false, reason: 'no deployed pipeline named churn' });
    expect(t.mocks.s3).not.toHaveReceivedCommand(HeadObjectCommand);
    expect(t.mocks.sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts nothing when the object version is gone', async () => {
    // Prepare
    const t = await deployed();
    t.mocks.s3
      .on(HeadObjectCommand)
      .rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

    // Act
    const result = await startPipeline(uploaded('attrition/incoming/hr-2026-03.csv'), t.deps);

    // Assess
    expect(result).toEqual({ started: false, reason: `s3://${DATA}/attrition/incoming/hr-2026-03.csv does not exist` });
    expect(t.mocks.sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts a requested run on the current version in the data bucket, at the time it was asked', async () => {
    // Prepare
    const t = await deployed();

    // Act
    const result = await startPipeline(
      { source: 'mlops', trigger: 'manual', key: 'attrition/incoming/hr-2026-03.csv', detail: { by: 'alice' } },
      t.deps,
    );

    // Assess
    expect(t.mocks.s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: DATA,
      Key: 'attrition/incoming/hr-2026-03.csv',
      VersionId: undefined,
    });
    const input = RunInputSchema.parse(JSON.parse(started(t)[0]?.input ?? 'null'));
    expect(input.trigger).toEqual({ type: 'manual', at: '2026-03-02T10:00:00.000Z', detail: { by: 'alice' } });
    expect(input.dataset.versionId).toBe('current-version-0001');
    expect(result).toMatchObject({ started: true, runId: expect.stringMatching(/^20260302T100000Z-[0-9a-f]{6}$/) });
  });

  it('treats a requested run on an uploaded version as a new execution, not as a duplicate of the upload', async () => {
    // Prepare
    const t = await deployed();

    // Act
    await startPipeline(uploaded('attrition/incoming/hr.csv', 'version-a'), t.deps);
    await startPipeline(
      { source: 'mlops', trigger: 'manual', bucket: DATA, key: 'attrition/incoming/hr.csv', detail: {} },
      t.deps,
    );

    // Assess
    const [upload, manual] = started(t);
    expect(manual?.name).not.toBe(upload?.name);
  });

  it('runs a scheduled or decay request naming only the pipeline on its newest upload, once per requested time', async () => {
    // Prepare
    const t = await deployed();
    t.mocks.s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'attrition/incoming/hr-2026-01.csv', LastModified: new Date('2026-01-31T08:00:00Z') },
        { Key: 'attrition/incoming/hr-2026-02.csv', LastModified: new Date('2026-02-28T08:00:00Z') },
        { Key: 'attrition/incoming/hr-2025-12.csv', LastModified: new Date('2025-12-31T08:00:00Z') },
      ],
    });
    const request = { source: 'mlops', trigger: 'schedule', pipeline: 'attrition', time: '2026-03-02T03:00:00Z' } as const;

    // Act
    const first = await startPipeline({ ...request, detail: {} }, t.deps);
    const again = await startPipeline({ ...request, detail: {} }, t.deps);
    const nextWeek = await startPipeline({ ...request, time: '2026-03-09T03:00:00Z', detail: {} }, t.deps);

    // Assess
    expect(t.mocks.s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: DATA, Prefix: 'attrition/incoming/' });
    const [a, b, c] = started(t).map((s) => RunInputSchema.parse(JSON.parse(s.input ?? 'null')));
    expect(a?.dataset.key).toBe('attrition/incoming/hr-2026-02.csv');
    expect(a?.trigger).toEqual({ type: 'schedule', at: '2026-03-02T03:00:00Z', detail: {} });
    expect(started(t)[1]?.name).toBe(started(t)[0]?.name);
    expect(started(t)[2]?.name).not.toBe(started(t)[0]?.name);
    expect([b?.runId, c?.dataset.key]).toEqual([a?.runId, 'attrition/incoming/hr-2026-02.csv']);
    expect([first.started, again.started, nextWeek.started]).toEqual([true, true, true]);
  });

  it('starts nothing for a pipeline with no upload yet, or a key of another pipeline', async () => {
    // Prepare
    const t = await deployed();
    t.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [] });

    // Act
    const empty = await startPipeline({ source: 'mlops', trigger: 'model-decay', pipeline: 'attrition', detail: {} }, t.deps);
    const foreign = await startPipeline(
      { source: 'mlops', trigger: 'manual', pipeline: 'churn', key: 'attrition/incoming/hr.csv', detail: {} },
      t.deps,
    );

    // Assess
    expect(empty).toEqual({ started: false, reason: 'nothing uploaded under attrition/incoming/ yet' });
    expect(foreign).toEqual({ started: false, reason: 'key attrition/incoming/hr.csv does not belong to pipeline churn' });
    expect(started(t)).toEqual([]);
  });

  it('rejects a requested run that names neither a key nor a pipeline', () => {
    expect(StartPipelineEvent.safeParse({ source: 'mlops', trigger: 'manual' }).success).toBe(false);
  });

  it.each(['attrition', LONG_PIPELINE, 'a'])(
    'names executions within Step Functions limits for pipeline %s',
    async (pipeline) => {
      // Prepare
      const t = await deployed([pipeline]);
      const key = `${pipeline}/incoming/${'deeply/nested/'.repeat(40)}export with spaces (final).csv`;

      // Act
      const result = await startPipeline(uploaded(key), t.deps);

      // Assess
      const name = started(t)[0]?.name ?? '';
      expect(name).toMatch(AWS_NAME.execution);
      expect(name.length).toBeLessThanOrEqual(80);
      expect(result).toMatchObject({ started: true, pipeline });
    },
  );
});
