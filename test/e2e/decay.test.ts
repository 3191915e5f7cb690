import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRequest, extendModel, loadServiceModel, modelServiceName, NEWER_API_MEMBERS, serviceModelsAvailable } from '@mlops/aws-model-check';
import { getJsonIfExists } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { monitorLocally, type MonitorOutcome } from '../../packages/cli/src/commands/monitor';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// The decay loop as it runs on AWS: ground truth uploaded under <pipeline>/labels/ is joined to the published
// predictions by the real monitorModel handler; a model whose realised ROC AUC fell past monitoring.maxDrop starts a
// retraining (trigger model-decay) through ingest's entry point and the real state machine; a healthy one does not.

type Json = Record<string, any>;

let dir: string;
let workdir: string;
let data: string;
let published: RunOutcome;
let healthy: MonitorOutcome;
let decayed: MonitorOutcome;

/** The dataset's outcomes as a labels file; `flip` swaps every label (a model that now ranks backwards). */
async function labelsFile(name: string, flip: boolean): Promise<string> {
  const [header, ...rows] = (await readFile(data, 'utf8')).trimEnd().split('\n');
  const columns = (header as string).split(',');
  const key = columns.indexOf('EmployeeNumber');
  const target = columns.indexOf('Attrition');
  const swap: Record<string, string> = { Yes: 'No', No: 'Yes' };
  const lines = rows.map((line) => {
    const cells = line.split(',');
    const label = cells[target] as string;
    return `${cells[key]},${flip ? swap[label] : label}`;
  });
  const path = join(dir, name);
  await writeFile(path, `EmployeeNumber,Attrition\n${lines.join('\n')}\n`);
  return path;
}

describe('retraining on model decay', () => {
  beforeAll(async () => {
    dir = await tempDir('decay');
    workdir = join(dir, 'work');
    data = await attritionCsv(dir, 'employees.csv', 600, 41);
    const pipeline = await attritionVariant(dir, 'attrition', (c) => {
      c.tuning.maxJobs = 2;
      c.tuning.warmStart = false;
      c.evaluation.bootstrap.samples = 0;
      c.monitoring = { metric: 'roc_auc', maxDrop: 0.1, minLabels: 100, windowDays: 30, retrainOnDrift: true };
    });
    published = await runPipeline({ pipeline, data, workdir });
    healthy = await monitorLocally({ pipeline: 'attrition', labels: await labelsFile('outcomes-1.csv', false), workdir });
    decayed = await monitorLocally({ pipeline: 'attrition', labels: await labelsFile('outcomes-2.csv', true), workdir });
  }, 240_000);

  it('publishes the first model, whose predictions the labels are joined to', () => {
    expect(published.status, JSON.stringify(published.record?.error ?? null)).toBe('published');
  });

  it('keeps a healthy model: realised ROC AUC close to the evaluated one, no retraining', () => {
    expect(healthy.monitored, healthy.reason).toBe(true);
    const [version] = healthy.report?.versions as Json[];
    expect(version).toMatchObject({ modelVersion: 1, labelled: 600, metric: 'roc_auc', decayed: false });
    expect(version?.drop).toBeLessThan(0.1);
    expect(healthy.report?.decision).toEqual({ retrain: false, reasons: [] });
    expect(healthy.retrain).toBeNull();
  });

  it('retrains a decayed model (labels flipped) on the newest upload, with trigger model-decay', async () => {
    const [version] = decayed.report?.versions as Json[];
    expect(version).toMatchObject({ modelVersion: 1, labelled: 600, decayed: true });
    expect(version?.realised).toBeCloseTo(1 - (healthy.report?.versions[0]?.realised as number), 10);
    expect(decayed.report?.decision.reasons[0]).toMatch(/^model version 1: realised roc_auc/);
    expect(decayed.retrain).toMatchObject({ duplicate: false });
    expect(['published', 'rejected']).toContain(decayed.retrain?.status);
    const { cloud } = await openLocalCloud(workdir);
    const record = await getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, `runs/attrition/${decayed.retrain?.runId}/record.json`);
    expect(record?.trigger).toMatchObject({ type: 'model-decay', detail: { labelsKey: 'attrition/labels/outcomes-2.csv' } });
    expect(record?.dataset).toMatchObject({ key: 'attrition/incoming/employees.csv' });
  });

  it('stores both reports: per window and model version, and the latest', async () => {
    const { cloud } = await openLocalCloud(workdir);
    const latest = await getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, 'monitoring/attrition/latest.json');
    expect(latest?.decision.retrain).toBe(true);
    expect(decayed.report?.reportKey).toMatch(/^monitoring\/attrition\/window=\d{4}-\d{2}-\d{2}\/model-1\.json$/);
    const stored = await getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, decayed.report?.reportKey as string);
    expect(stored?.labelKeys).toEqual(['attrition/labels/outcomes-1.csv', 'attrition/labels/outcomes-2.csv']);
  });

  it.skipIf(!serviceModelsAvailable())('issues only valid AWS requests (botocore service models)', () => {
    const violations = [...healthy.trace, ...decayed.trace].flatMap((t) => {
      const name = modelServiceName(t.service);
      const model = extendModel(loadServiceModel(name), NEWER_API_MEMBERS[name] ?? {});
      return checkRequest(model, t.command, t.input).violations.map((v) => `${t.service} ${t.command}: ${v}`);
    });
    expect(healthy.trace.map((t) => t.command)).toEqual(expect.arrayContaining(['GetObject', 'HeadObject', 'ListObjectsV2', 'PutObject']));
    expect(decayed.trace.map((t) => t.command)).toContain('StartExecution');
    expect(violations, violations.join('\n')).toEqual([]);
  });
});
