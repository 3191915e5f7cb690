import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest, loadServiceModel, modelServiceName, serviceModelsAvailable } from '@mlops/aws-model-check';
import { getJsonIfExists } from '@mlops/clients';
import { loadPipelineConfig } from '@mlops/core';
import { openLocalCloud, openLocalRuntime, runPipeline, LOCAL_BUCKETS, type RunOutcome } from '@mlops/local-runner';
import { generateChurn, writeDataset } from '@mlops/sample-data';
import { parse, stringify } from 'yaml';
import { predictLocally, typedCsvRows } from '../../packages/cli/src/commands/predict';
import { REPO, tempDir } from '../helpers/pipeline';

// publish.mode both on the churn sample: batch predictions, then the real-time endpoint (created, then updated
// blue/green), the prediction API's function on top, and a broken update that rolls back.

type Json = Record<string, any>;
const CHURN = join(REPO, 'pipelines', 'churn.yml');
const ENDPOINT = 'mlops-local-churn';

describe('real-time endpoint (churn, publish.mode both)', () => {
  let dir: string;
  let workdir: string;
  let score: string;
  let first: RunOutcome;

  const sagemaker = async () => (await openLocalCloud(workdir)).cloud.sagemaker;
  /** The first scoring row, typed by the schema (as `mlops predict --file` sends it). */
  const sampleRow = async () => {
    const [header, line] = (await readFile(score, 'utf8')).trim().split('\n');
    return typedCsvRows(await loadPipelineConfig(CHURN), `${header}\n${line}\n`);
  };
  const describeEndpoint = async () => (await sagemaker()).send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));

  beforeAll(async () => {
    dir = await tempDir('serving');
    workdir = join(dir, 'work');
    const data = join(dir, 'customers.csv');
    score = join(dir, 'current.csv');
    await writeDataset(generateChurn({ rows: 3000, seed: 3 }), data);
    await writeDataset(generateChurn({ rows: 120, seed: 9, scoring: true }), score);
    first = await runPipeline({ pipeline: CHURN, data, score, workdir });
  });

  afterAll(async () => {
    if (workdir !== undefined) await (await sagemaker()).send(new DeleteEndpointCommand({ EndpointName: ENDPOINT })).catch(() => undefined);
  });

  it('publishes the batch output, then creates the endpoint and approves the package', async () => {
    expect(first.status, JSON.stringify(first.record?.error ?? first.record?.evaluation)).toBe('published');
    const record = first.record as Json;
    expect(record.endpoint).toMatchObject({ endpointName: ENDPOINT, runId: first.runId, action: 'create', previousConfigName: null });
    expect(record.registration.approvalStatus).toBe('Approved');
    expect(record.predictions.rows).toBe(120);
    const stages = (record.stages as Json[]).map((s) => s.name);
    expect(stages).toEqual(expect.arrayContaining(['FinalizePublish', 'DeployEndpoint', 'CheckEndpoint', 'NotifySuccess']));
    expect(stages.indexOf('DeployEndpoint')).toBeGreaterThan(stages.indexOf('FinalizePublish'));
    const endpoint = await describeEndpoint();
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: record.endpoint.endpointConfigName });
  });

  it('mlops predict returns the batch prediction of the same row (within 1e-9), with label and contributions', async () => {
    const { cloud } = await openLocalCloud(workdir);
    const latest = (await getJsonIfExists(cloud.s3 as never, LOCAL_BUCKETS.artifacts, 'predictions/pipeline=churn/latest.json')) as Json;
    const [batchHeader, ...batch] = (await readFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, latest.files[0]), 'utf8')).trim().split('\n');
    expect(batchHeader).toMatch(/^customer_id,probability,label,/);
    const [header, ...lines] = (await readFile(score, 'utf8')).trim().split('\n');
    const config = await loadPipelineConfig(CHURN);
    for (const index of [0, 57]) {
      const [key, probability, label] = (batch[index] as string).split(',');
      const line = lines.find((l) => l.startsWith(`${key},`)) as string;
      const answer = await predictLocally({ workdir, pipeline: 'churn', rows: typedCsvRows(config, `${header}\n${line}\n`) });
      expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
      const prediction = (answer.body.predictions as Json[])[0] as Json;
      expect(prediction.key).toBe(key);
      expect(Math.abs(prediction.probability - Number(probability))).toBeLessThan(1e-9);
      expect(prediction.label).toBe(Number(label));
      const logit = Math.log(prediction.probability / (1 - prediction.probability));
      const sum = prediction.baseValue + Object.values(prediction.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - logit)).toBeLessThan(1e-6);
      expect(answer.body).toMatchObject({ runId: first.runId, modelVersion: '1', threshold: (first.record as Json).evaluation.threshold });
    }
    // The CSV path of the CLI (`--file`) answers every row.
    const csv = await predictLocally({ workdir, pipeline: CHURN, csv: `${header}\n${lines.slice(0, 5).join('\n')}\n` });
    expect((csv.body.predictions as Json[]).map((p) => p.key)).toEqual(lines.slice(0, 5).map((l) => l.split(',')[0]));
  });

  it('answers 400 with every problem of a request that does not match the schema', async () => {
    const answer = await predictLocally({ workdir, pipeline: 'churn', rows: [{ tenure_months: 'long', colour: 'red', contract_type: 3 }] });
    expect(answer.statusCode).toBe(400);
    const problems = (answer.body.problems as string[]).join('\n');
    expect(problems).toMatch(/row 1: unknown field "colour"/);
    expect(problems).toMatch(/"tenure_months" must be an integer/);
    expect(problems).toMatch(/"contract_type" must be a string/);
    expect(problems).toMatch(/required column "age" is missing/);
    expect((await predictLocally({ workdir, pipeline: 'attrition', rows: [{}] })).statusCode).toBe(404);
  });

  it('a second accepted run updates the endpoint blue/green (canary) with the rollback alarms', async () => {
    const again = join(dir, 'customers-again.csv');
    await copyFile(join(dir, 'customers.csv'), again);
    const second = await runPipeline({ pipeline: CHURN, data: again, score, workdir });
    expect(second.status, JSON.stringify(second.record?.error ?? second.record?.evaluation)).toBe('published');
    const record = second.record as Json;
    expect(record.endpoint).toMatchObject({ action: 'update', previousConfigName: (first.record as Json).endpoint.endpointConfigName, runId: second.runId });
    const endpoint = await describeEndpoint();
    expect(endpoint.EndpointConfigName).toBe(record.endpoint.endpointConfigName);
    expect(endpoint.LastDeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 300, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 1500,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: `${ENDPOINT}-5xx` }, { AlarmName: `${ENDPOINT}-model-latency` }] },
    });
    const answer = await predictLocally({ workdir, pipeline: 'churn', rows: await sampleRow() });
    expect(answer.body).toMatchObject({ runId: second.runId, modelVersion: '2' });
  });

  it('a broken model update rolls back: the old config keeps serving and the old model keeps answering', async () => {
    const sm = await sagemaker();
    const before = await describeEndpoint();
    const serving = (await getJsonIfExists(((await openLocalCloud(workdir)).cloud.s3) as never, LOCAL_BUCKETS.artifacts, 'endpoints/churn/current.json')) as Json;
    const model = await sm.send(new DescribeModelCommand({ ModelName: serving.modelName }));
    // Same artifact, broken serving settings: the new fleet cannot start.
    await sm.send(
      new CreateModelCommand({
        ModelName: 'mlops-churn-broken',
        ExecutionRoleArn: model.ExecutionRoleArn,
        PrimaryContainer: { ...model.PrimaryContainer, Environment: { ...model.PrimaryContainer?.Environment, OPERATING_THRESHOLD: 'high' } },
      }),
    );
    await sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'mlops-churn-broken',
        ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'mlops-churn-broken', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
      }),
    );
    await sm.send(
      new UpdateEndpointCommand({
        EndpointName: ENDPOINT,
        EndpointConfigName: 'mlops-churn-broken',
        DeploymentConfig: before.LastDeploymentConfig,
      }),
    );
    await sm.settled();
    const after = await describeEndpoint();
    expect(after.EndpointStatus).toBe('InService');
    expect(after.EndpointConfigName).toBe(before.EndpointConfigName);
    expect(after.FailureReason).toMatch(/rolled back to "mlops-churn-epc-[0-9a-f]+".*OPERATING_THRESHOLD/s);
    const answer = await predictLocally({ workdir, pipeline: 'churn', rows: await sampleRow() });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ runId: serving.runId });

    // The pipeline's CheckEndpoint reads that rollback as a failed deployment naming the cause (the run would fail).
    const record = first.record as Json;
    const { invoker } = await openLocalRuntime({ workdir });
    const event = {
      runId: record.runId,
      pipeline: 'churn',
      trigger: record.trigger,
      dataset: record.dataset,
      run: { runPrefix: `runs/churn/${record.runId}/`, configKey: `runs/churn/${record.runId}/config/pipeline.json`, recordKey: `runs/churn/${record.runId}/record.json`, scoreData: null, estimatedCostUsd: 1, startedAt: record.startedAt },
      endpoint: { endpointName: ENDPOINT, endpointConfigName: 'mlops-churn-broken', modelName: 'mlops-churn-broken', action: 'update', previousConfigName: before.EndpointConfigName, status: 'Deploying', attempt: 0, waitSeconds: 60 },
      evaluation: record.evaluation,
      registration: record.registration,
    };
    await expect(invoker.invoke('checkEndpoint', event)).rejects.toMatchObject({
      name: 'EndpointDeploymentError',
      message: expect.stringMatching(new RegExp(`rolled back; ${before.EndpointConfigName} keeps serving\\. Reason: .*OPERATING_THRESHOLD`, 's')),
    });
  });

  it.skipIf(!serviceModelsAvailable())('every traced request, InvokeEndpoint and UpdateEndpoint included, is valid for its API (botocore models)', async () => {
    const { cloud } = await openLocalCloud(workdir);
    // The serving calls; test/trace/trace.test.ts checks the rest of the pipeline's (with the old model's supplements).
    const traced = cloud.trace.filter((t) => t.service === 'sagemaker-runtime' || (t.service === 'sagemaker' && /Endpoint|^CreateModel$/.test(t.command)));
    const commands = new Set(traced.map((t) => `${t.service}.${t.command}`));
    for (const c of ['sagemaker.CreateEndpointConfig', 'sagemaker.CreateEndpoint', 'sagemaker.UpdateEndpoint', 'sagemaker.DescribeEndpoint', 'sagemaker-runtime.InvokeEndpoint']) {
      expect(commands, c).toContain(c);
    }
    const models = new Map<string, ReturnType<typeof loadServiceModel>>();
    const violations = traced.flatMap((t) => {
      const name = modelServiceName(t.service);
      if (!models.has(name)) models.set(name, loadServiceModel(name));
      return checkRequest(models.get(name)!, t.command, t.input).violations.map((v) => `${t.service} ${t.command}: ${v}`);
    });
    expect(violations, violations.join('\n')).toEqual([]);
  });
});

describe('real-time endpoint only (publish.mode endpoint)', () => {
  it('skips the batch transform, deploys the endpoint and approves the package once it is InService', async () => {
    const dir = await tempDir('serving-endpoint');
    const workdir = join(dir, 'work');
    const config = parse(await readFile(CHURN, 'utf8')) as Json;
    config.validation.rules = await readFile(join(REPO, 'pipelines', 'churn.dqdl'), 'utf8');
    delete config.validation.rulesFile;
    config.publish.mode = 'endpoint';
    const pipeline = join(dir, 'churn.yml');
    await writeFile(pipeline, stringify(config));
    const data = join(dir, 'customers.csv');
    await writeDataset(generateChurn({ rows: 3000, seed: 3 }), data);
    try {
      const outcome = await runPipeline({ pipeline, data, workdir });
      expect(outcome.status, JSON.stringify(outcome.record?.error ?? outcome.record?.evaluation)).toBe('published');
      const record = outcome.record as Json;
      const stages = (record.stages as Json[]).map((s) => s.name);
      expect(stages).toEqual(expect.arrayContaining(['IsBatchPublishing', 'DeployEndpoint', 'CheckEndpoint', 'EndpointPublished']));
      expect(stages).not.toContain('StartPublishing');
      expect(stages).not.toContain('FinalizePublish');
      expect(record.predictions).toBeNull();
      expect(record.endpoint).toMatchObject({ endpointName: ENDPOINT, action: 'create', runId: outcome.runId });
      expect(record.registration.approvalStatus).toBe('Approved');
      const answer = await predictLocally({ workdir, pipeline: 'churn', rows: [{ region: 'west', age: 28, has_partner: 'no', has_dependents: 'no', tenure_months: 4, contract_type: 'month-to-month', payment_method: 'electronic-check', paperless_billing: 'no', internet_service: 'fiber', streaming: 'yes', tech_support: 'no', phone_lines: 1, monthly_charges: 78.47, support_calls: 0 }] });
      expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
      expect((answer.body.predictions as Json[])[0]).toMatchObject({ key: null, label: expect.any(Number) });
    } finally {
      await (await openLocalCloud(workdir)).cloud.sagemaker.send(new DeleteEndpointCommand({ EndpointName: ENDPOINT })).catch(() => undefined);
    }
  });
});

