import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { ARTIFACTS, sampleConfig, serveObjects, testDeps } from '@mlops/lambda-kit/testing';
import { MAX_PREDICT_BYTES } from '@mlops/lambda-kit';
import { predict } from './predict';

const CONFIG_KEY = 'runs/churn/20260302T093000Z-3fa9c1/config/pipeline.json';
const POINTER = {
  pipeline: 'churn',
  endpointName: 'mlops-dev-churn',
  endpointConfigName: 'mlops-churn-epc-11111111',
  modelName: 'mlops-churn-model-22222222',
  runId: '20260302T093000Z-3fa9c1',
  modelVersion: 3,
  modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/3',
  threshold: 0.3125,
  configKey: CONFIG_KEY,
  deployedAt: '2026-03-02T10:00:00.000Z',
};
const ROW = {
  customer_id: 'C50000001',
  region: 'west',
  age: 28,
  has_partner: 'no',
  has_dependents: 'no',
  tenure_months: 4,
  contract_type: 'month-to-month',
  payment_method: 'electronic-check',
  paperless_billing: 'no',
  internet_service: 'fiber',
  streaming: 'yes',
  tech_support: 'no',
  phone_lines: 1,
  monthly_charges: 78.47,
  total_charges: null,
  support_calls: 0,
};

async function setup(deployed = true) {
  const t = testDeps();
  serveObjects(t.mocks.s3, {
    [`s3://${ARTIFACTS}/${CONFIG_KEY}`]: await sampleConfig('churn'),
    ...(deployed ? { [`s3://${ARTIFACTS}/endpoints/churn/current.json`]: POINTER } : {}),
  });
  return t;
}

const event = (body: unknown, pipeline = 'churn') => ({ pathParameters: { pipeline }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('predict (HTTP API)', () => {
  it('sends the features to the endpoint as JSON and answers probability, label and contributions per row', async () => {
    const { deps, mocks } = await setup();
    const answer = { predictions: [{ probability: 0.61, label: 1, contributions: { tenure_months: 0.4, contract_type: 0.2 }, baseValue: -0.1 }], threshold: 0.3125, modelVersion: '3', runId: POINTER.runId };
    mocks.sagemakerRuntime.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode(JSON.stringify(answer)) as never });

    const result = await predict(event({ rows: [ROW] }), deps);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      pipeline: 'churn',
      endpointName: 'mlops-dev-churn',
      modelVersion: '3',
      runId: POINTER.runId,
      threshold: 0.3125,
      predictions: [{ key: 'C50000001', probability: 0.61, label: 1, contributions: { tenure_months: 0.4, contract_type: 0.2 }, baseValue: -0.1 }],
    });
    const sent = mocks.sagemakerRuntime.commandCalls(InvokeEndpointCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ EndpointName: 'mlops-dev-churn', ContentType: 'application/json', Accept: 'application/json' });
    const instances = JSON.parse(new TextDecoder().decode(sent?.Body as Uint8Array)).instances as Record<string, unknown>[];
    // Only features travel: no row key, no missing optional value.
    expect(Object.keys(instances[0] ?? {})).not.toContain('customer_id');
    expect(Object.keys(instances[0] ?? {})).not.toContain('total_charges');
    expect(instances[0]).toMatchObject({ age: 28, contract_type: 'month-to-month' });
  });

  it('answers 400 listing every problem of every row, without calling the endpoint', async () => {
    const { deps, mocks } = await setup();
    const result = await predict(event({ rows: [{ ...ROW, age: 28.5, colour: 'red' }, { ...ROW, tenure_months: undefined, region: 7 }] }), deps);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).problems).toEqual([
      'row 1: "age" must be an integer, got 28.5',
      'row 1: unknown field "colour"',
      'row 2: "region" must be a string (a category), got 7',
      'row 2: required column "tenure_months" is missing',
    ]);
    expect(mocks.sagemakerRuntime).not.toHaveReceivedCommand(InvokeEndpointCommand);
  });

  it.each([
    ['not JSON', '{rows', 400, /not JSON/],
    ['no rows', { instances: [] }, 400, /must be \{ \\"rows/],
    ['empty rows', { rows: [] }, 400, /non-empty/],
    ['too many rows', { rows: Array.from({ length: 1001 }, () => ({})) }, 400, /at most 1000 rows/],
    ['too large', 'x'.repeat(MAX_PREDICT_BYTES + 1), 413, /limit/],
  ])('rejects a request that is %s', async (_name, body, status, message) => {
    const { deps } = await setup();
    const result = await predict(event(body), deps);
    expect(result.statusCode).toBe(status);
    expect(result.body).toMatch(message);
  });

  it('answers 404 for a pipeline without an endpoint and 400 for a malformed name', async () => {
    const { deps } = await setup(false);
    expect((await predict(event({ rows: [ROW] }), deps)).statusCode).toBe(404);
    expect((await predict(event({ rows: [ROW] }, '../etc'), deps)).statusCode).toBe(400);
  });

  it('passes the container\'s 4xx on as 400 and its 5xx as 502', async () => {
    const { deps, mocks } = await setup();
    const modelError = (status: number) => Object.assign(new Error('Received error'), { name: 'ModelError', OriginalStatusCode: status, OriginalMessage: `status ${status}` });
    mocks.sagemakerRuntime.on(InvokeEndpointCommand).rejectsOnce(modelError(400)).rejectsOnce(modelError(500));
    expect((await predict(event({ rows: [ROW] }), deps)).statusCode).toBe(400);
    expect((await predict(event({ rows: [ROW] }), deps)).statusCode).toBe(502);
  });
});
