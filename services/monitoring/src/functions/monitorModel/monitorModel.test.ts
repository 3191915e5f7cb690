import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { RunInputSchema, UnsafePathError } from '@mlops/core';
import { ARTIFACTS, DATA, sampleConfig, serveObjects, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { metricDrop } from './realised';
import { monitorModel, windowOf, type MonitorModelEvent } from './monitorModel';

const RUN = '20260301T090000Z-abc123';
const LATER_RUN = '20260310T090000Z-def456';
const LABELS_KEY = 'attrition/labels/outcomes-2026-03.csv';
const UPLOADED_AT = new Date('2026-03-20T12:00:00Z');

const labelsUploaded = (key = LABELS_KEY): MonitorModelEvent => ({
  'detail-type': 'Object Created',
  source: 'aws.s3',
  time: UPLOADED_AT.toISOString(),
  detail: { bucket: { name: DATA }, object: { key, 'version-id': 'labels-v1' } },
});

/** 200 scored employees: the score ranks them perfectly when `flip` is false, backwards when it is true. */
function scenario(flip: boolean, rows = 200) {
  const predictions: string[] = [];
  const labels = ['EmployeeNumber,Attrition'];
  for (let i = 0; i < rows; i++) {
    const positive = i % 5 === 0;
    const score = positive ? 0.6 + (i % 7) / 20 : 0.05 + (i % 9) / 40;
    predictions.push(`${100000 + i},${score.toFixed(6)},${score >= 0.5 ? 1 : 0},3,${RUN},Age,0.1`);
    labels.push(`${100000 + i},${positive !== flip ? 'Yes' : 'No'}`);
  }
  // A labelled key that was never scored, and a scored key without a label, are both left out.
  labels.push('999999,Yes');
  return { predictions: `${predictions.join('\n')}\n`, labels: `${labels.join('\n')}\n` };
}

async function deployed(options: { flip: boolean; drift?: string; rows?: number; retrainOnDrift?: boolean }) {
  const t = testDeps({ now: new Date('2026-03-20T12:00:05Z') });
  const config = await sampleConfig('attrition');
  const { predictions, labels } = scenario(options.flip, options.rows);
  const objects: Record<string, string | object> = {
    [`s3://${ARTIFACTS}/pipelines/attrition/config.json`]: {
      ...config,
      monitoring: { ...config.monitoring, minLabels: 100, maxDrop: 0.05, retrainOnDrift: options.retrainOnDrift ?? true },
    },
    [`s3://${ARTIFACTS}/predictions/pipeline=attrition/latest.json`]: {
      runId: RUN,
      pipeline: 'attrition',
      files: [`predictions/pipeline=attrition/run=${RUN}/score.csv.out`],
      modelVersion: 3,
    },
    [`s3://${ARTIFACTS}/predictions/pipeline=attrition/run=${RUN}/score.csv.out`]: predictions,
    [`s3://${ARTIFACTS}/runs/attrition/${RUN}/record.json`]: {
      evaluation: { threshold: 0.5, evidenceKey: `runs/attrition/${RUN}/evaluation/evidence.json` },
    },
    [`s3://${ARTIFACTS}/runs/attrition/${RUN}/evaluation/evidence.json`]: {
      candidate: { report: { metrics: { roc_auc: 0.9, log_loss: 0.3 } } },
    },
    [`s3://${DATA}/${LABELS_KEY}`]: labels,
  };
  if (options.drift) objects[`s3://${ARTIFACTS}/runs/attrition/${LATER_RUN}/validation/drift.json`] = { status: options.drift };
  serveObjects(t.mocks.s3, objects);
  t.mocks.s3.on(HeadObjectCommand).callsFake((input: { Key: string; VersionId?: string }) => ({
    VersionId: input.VersionId ?? 'current',
    ETag: '"0123456789abcdef0123456789abcdef"',
    LastModified: input.Key.includes('/labels/') ? UPLOADED_AT : new Date('2026-03-01T08:00:00Z'),
  }));
  t.mocks.s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string; Delimiter?: string }) => {
    if (input.Prefix === 'attrition/labels/') return { Contents: [{ Key: LABELS_KEY, LastModified: UPLOADED_AT, Size: 10 }] };
    if (input.Prefix === 'attrition/incoming/') {
      return { Contents: [{ Key: 'attrition/incoming/hr-2026-03.csv', LastModified: new Date('2026-03-01T08:00:00Z'), Size: 10 }] };
    }
    if (input.Prefix === 'runs/attrition/' && input.Delimiter === '/') {
      return { CommonPrefixes: [{ Prefix: `runs/attrition/${RUN}/` }, ...(options.drift ? [{ Prefix: `runs/attrition/${LATER_RUN}/` }] : [])] };
    }
    return { Contents: [] };
  });
  t.mocks.sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:${input.name}`,
    startDate: new Date(),
  }));
  return t;
}

describe('monitorModel', () => {
  it('joins labels to the published predictions by row key and keeps a healthy model as it is', async () => {
    // Prepare
    const t = await deployed({ flip: false });

    // Act
    const result = await monitorModel(labelsUploaded(), t.deps);

    // Assess
    expect(result).toMatchObject({ monitored: true, labelledKeys: 201, decision: { retrain: false, reasons: [] }, retrain: null });
    if (!result.monitored) throw new Error('not monitored');
    expect(result.versions).toHaveLength(1);
    const [v3] = result.versions;
    expect(v3).toMatchObject({ modelVersion: 3, labelled: 200, positives: 40, metric: 'roc_auc', evaluated: 0.9, realised: 1, decayed: false });
    expect(v3?.drop).toBeCloseTo(-0.1, 10);
    expect(v3?.calibrationError).toBeGreaterThan(0);
    expect(t.mocks.sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('stores the report per window and model version, and as the pipeline latest', async () => {
    // Prepare
    const t = await deployed({ flip: false });

    // Act
    await monitorModel(labelsUploaded(), t.deps);

    // Assess
    const window = windowOf(UPLOADED_AT, 30).start.slice(0, 10);
    const written = writtenObjects(t.mocks.s3);
    const key = `s3://${ARTIFACTS}/monitoring/attrition/window=${window}/model-3.json`;
    expect([...written.keys()].sort()).toEqual([key, `s3://${ARTIFACTS}/monitoring/attrition/latest.json`].sort());
    expect(JSON.parse(written.get(key) as string)).toMatchObject({ pipeline: 'attrition', published: { runId: RUN, modelVersion: 3 } });
  });

  it('starts a model-decay retraining on the newest upload when the realised metric fell past maxDrop', async () => {
    // Prepare
    const t = await deployed({ flip: true });

    // Act
    const result = await monitorModel(labelsUploaded(), t.deps);

    // Assess
    if (!result.monitored) throw new Error('not monitored');
    expect(result.versions[0]).toMatchObject({ realised: 0, decayed: true });
    expect(result.decision.retrain).toBe(true);
    expect(result.decision.reasons[0]).toMatch(/realised roc_auc 0\.0000 is 0\.9000 below the evaluated 0\.9000/);
    expect(t.mocks.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const input = RunInputSchema.parse(JSON.parse(t.mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? ''));
    expect(input.trigger).toMatchObject({ type: 'model-decay', at: UPLOADED_AT.toISOString(), detail: { labelsKey: LABELS_KEY } });
    expect(input.dataset.key).toBe('attrition/incoming/hr-2026-03.csv');
    expect(result.retrain).toMatchObject({ started: true, duplicate: false, runId: input.runId });
  });

  it('starts the same execution name for a redelivered labels event (idempotent)', async () => {
    // Prepare
    const t = await deployed({ flip: true });

    // Act
    await monitorModel(labelsUploaded(), t.deps);
    await monitorModel(labelsUploaded(), t.deps);

    // Assess
    const names = t.mocks.sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe(names[0]);
  });

  it('does not judge a window with fewer labelled predictions than minLabels', async () => {
    // Prepare
    const t = await deployed({ flip: true, rows: 60 });

    // Act
    const result = await monitorModel(labelsUploaded(), t.deps);

    // Assess
    if (!result.monitored) throw new Error('not monitored');
    expect(result.versions[0]).toMatchObject({ labelled: 60, realised: 0, decayed: false });
    expect(t.mocks.sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('retrains on input drift flagged by a run after the published one, unless retrainOnDrift is off', async () => {
    // Prepare
    const flagged = await deployed({ flip: false, drift: 'warn' });
    const ignored = await deployed({ flip: false, drift: 'warn', retrainOnDrift: false });

    // Act
    const withDrift = await monitorModel(labelsUploaded(), flagged.deps);
    const withoutDrift = await monitorModel(labelsUploaded(), ignored.deps);

    // Assess
    expect(withDrift).toMatchObject({ drift: { runId: LATER_RUN, status: 'warn' }, decision: { retrain: true } });
    expect(flagged.mocks.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(withoutDrift).toMatchObject({ drift: null, decision: { retrain: false } });
    expect(ignored.mocks.sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('ignores keys outside <pipeline>/labels/, unknown pipelines, and refuses keys escaping their prefix', async () => {
    // Prepare
    const t = await deployed({ flip: false });

    // Act
    const outside = await monitorModel(labelsUploaded('attrition/incoming/x.csv'), t.deps);
    const unknown = await monitorModel(labelsUploaded('churn/labels/x.csv'), t.deps);
    const escaping = monitorModel(labelsUploaded('attrition/labels/../incoming/x.csv'), t.deps);

    // Assess
    expect(outside).toEqual({ monitored: false, reason: 'key attrition/incoming/x.csv is not under <pipeline>/labels/' });
    expect(unknown).toEqual({ monitored: false, reason: 'no deployed pipeline named churn' });
    await expect(escaping).rejects.toBeInstanceOf(UnsafePathError);
    expect(t.mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('on demand without a key, checks the newest labels object of the pipeline', async () => {
    // Prepare
    const t = await deployed({ flip: false });

    // Act
    const result = await monitorModel({ source: 'mlops', pipeline: 'attrition' }, t.deps);

    // Assess
    expect(result).toMatchObject({ monitored: true, labelKeys: [LABELS_KEY], decision: { retrain: false } });
    expect(t.mocks.s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: DATA, Prefix: 'attrition/labels/' });
  });

  it('names the missing columns of a labels file', async () => {
    // Prepare
    const t = await deployed({ flip: false });
    serveObjects(t.mocks.s3, {
      [`s3://${ARTIFACTS}/pipelines/attrition/config.json`]: await sampleConfig('attrition'),
      [`s3://${ARTIFACTS}/predictions/pipeline=attrition/latest.json`]: { runId: RUN, files: [], modelVersion: 3 },
      [`s3://${DATA}/${LABELS_KEY}`]: 'id,left\n1,Yes\n',
    });

    // Act
    const result = monitorModel({ source: 'mlops', pipeline: 'attrition', key: LABELS_KEY }, t.deps);

    // Assess
    await expect(result).rejects.toThrow(/need the columns EmployeeNumber and Attrition; the header has id, left/);
  });

  it('measures the drop in the direction of the metric', () => {
    expect(metricDrop('roc_auc', 0.9, 0.8)).toBeCloseTo(0.1, 12);
    expect(metricDrop('log_loss', 0.3, 0.5)).toBeCloseTo(0.2, 12);
  });
});
