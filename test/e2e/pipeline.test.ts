import { getJsonIfExists } from '@mlops/clients';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { LOCAL_BUCKETS } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// One test per path through the state machine, each through the real ingest function, the deployed
// state-machine file and every real handler, against the local backend.

type Json = Record<string, any>;

async function artifactPath(workdir: string, key: string): Promise<string> {
  const { cloud } = await openLocalCloud(workdir);
  return cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key);
}

async function latestPointer(workdir: string): Promise<string | undefined> {
  const { cloud } = await openLocalCloud(workdir);
  const pointer = await getJsonIfExists(cloud.s3 as never, LOCAL_BUCKETS.artifacts, 'predictions/pipeline=attrition/latest.json');
  return pointer === undefined ? undefined : JSON.stringify(pointer);
}

describe('local pipeline, every path', () => {
  let dir: string;
  let workdir: string;
  let train: string;
  let score: string;
  let first: RunOutcome;

  beforeAll(async () => {
    dir = await tempDir('e2e');
    workdir = join(dir, 'work');
    train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    score = await attritionCsv(dir, 'current.csv', 250, 8, true);
    first = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score, workdir });
  });

  it('happy path: validates, tunes, evaluates, registers and publishes one prediction per scoring row', async () => {
    expect(first.status, JSON.stringify(first.record?.error)).toBe('published');
    expect(first.executionStatus).toBe('SUCCEEDED');
    const record = first.record as Json;
    expect(record.validation.status).toBe('PASSED');
    expect(record.tuning.trials).toHaveLength(8);
    expect(record.evaluation.decision).toBe('accept');
    expect(record.registration.approvalStatus).toBe('Approved');
    const pointer = JSON.parse((await latestPointer(workdir)) as string) as Json;
    expect(pointer.runId).toBe(first.runId);
    expect(pointer.rows).toBe(250);
    const predictions = await readFile(await artifactPath(workdir, pointer.files[0]), 'utf8');
    const [predictionHeader, ...lines] = predictions.trim().split('\n');
    expect(predictionHeader?.split(',').slice(0, 5)).toEqual(['EmployeeNumber', 'probability', 'label', 'model_version', 'run_id']);
    expect(lines).toHaveLength(250);
    const [header, ...rows] = (await readFile(score, 'utf8')).trim().split('\n');
    const keyColumn = (header as string).split(',').indexOf('EmployeeNumber');
    const keys = rows.map((l) => l.split(',')[keyColumn]);
    expect(lines.map((l) => l.split(',')[0])).toEqual(keys);
    const stageNames = (record.stages as Json[]).map((s) => s.name);
    expect(stageNames).toEqual(expect.arrayContaining(['StartRun', 'CheckValidation', 'StartTuning', 'EvaluateCandidate', 'FinalizePublish', 'NotifySuccess']));
  });

  it('second run on the same data is judged against the first run\'s champion, with reasons', async () => {
    const second = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score, workdir });
    const evaluation = second.record?.evaluation as Json;
    expect(evaluation.reasons.join('\n')).toMatch(/champion/i);
    const evidence = JSON.parse(await readFile(await artifactPath(workdir, evaluation.evidenceKey), 'utf8')) as Json;
    expect(evidence.champion).not.toBeNull();
    expect(['published', 'rejected']).toContain(second.status);
  });

  it('invalid data stops the run before training and changes nothing published', async () => {
    const before = await latestPointer(workdir);
    const bad = join(dir, 'bad.csv');
    const text = (await readFile(train, 'utf8')).replace(/^([^,]*),No,/m, '$1,Maybe,');
    await writeFile(bad, text);
    const outcome = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: bad, workdir });
    expect(outcome.status).toBe('invalid-data');
    expect(outcome.executionStatus).toBe('FAILED');
    expect(outcome.error).toBe('InvalidDataError');
    expect(JSON.stringify(outcome.record?.validation)).toMatch(/Attrition/);
    expect(outcome.record?.tuning).toBeNull();
    expect(await latestPointer(workdir)).toBe(before);
  });

  it('a candidate below the policy floor is rejected, registered Rejected, and the champion stays', async () => {
    const before = await latestPointer(workdir);
    const config = await attritionVariant(dir, 'strict', (c) => {
      c.evaluation.policy.floors = { roc_auc: 0.999 };
    });
    const outcome = await runPipeline({ pipeline: config, data: train, score, workdir });
    expect(outcome.status).toBe('rejected');
    expect(outcome.executionStatus).toBe('SUCCEEDED');
    const record = outcome.record as Json;
    expect(record.registration.approvalStatus).toBe('Rejected');
    expect(record.evaluation.reasons.join('\n')).toMatch(/FAIL .*roc_auc/);
    expect(await latestPointer(workdir)).toBe(before);
  });

  it('a training job that fails ends the run failed, with the failing state and cause recorded', async () => {
    const before = await latestPointer(workdir);
    const config = await attritionVariant(dir, 'broken', (c) => {
      c.tuning.staticHyperparameters = { model: 'no-such-model' };
    });
    const outcome = await runPipeline({ pipeline: config, data: train, score, workdir });
    expect(outcome.status).toBe('failed');
    const error = outcome.record?.error as Json;
    expect(error.state).toBe('CheckTuning');
    expect(error.error).toBe('JobFailedError');
    expect(await latestPointer(workdir)).toBe(before);
  });

  it('a batch transform that fails leaves latest on the previous run', async () => {
    const before = await latestPointer(workdir);
    const broken = join(dir, 'score-missing-column.csv');
    const rows = (await readFile(score, 'utf8')).trim().split('\n').map((l) => l.split(',').filter((_, i) => i !== 0).join(','));
    await writeFile(broken, `${rows.join('\n')}\n`);
    const outcome = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score: broken, workdir });
    expect(outcome.status).toBe('failed');
    expect(String((outcome.record?.error as Json).state)).toMatch(/Publishing|Preparation/);
    expect(String((outcome.record?.error as Json).cause)).toMatch(/Age/);
    expect(await latestPointer(workdir)).toBe(before);
  });
});
