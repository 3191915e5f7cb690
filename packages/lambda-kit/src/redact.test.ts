import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { createHandler, runConfig } from './index';
import { REDACTED, redactingReplacer, registerSensitiveColumns } from './redact';
import { runState, sampleConfig, serveRunConfig, testDeps } from './testing';

const CONTEXT = { functionName: 'probe', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:probe', memoryLimitInMB: '128' };

describe('log redaction', () => {
  let lines: string[];
  const level = process.env.POWERTOOLS_LOG_LEVEL;

  beforeEach(() => {
    lines = [];
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.POWERTOOLS_LOG_LEVEL = level;
  });

  it('keeps sensitive column values and secrets out of what a handler logs', async () => {
    // Prepare: a pipeline whose config declares MonthlyIncome sensitive, and an event carrying a row and secrets.
    registerSensitiveColumns(['MonthlyIncome']);
    const handler = createHandler('probe', z.looseObject({}), async (event, deps) => {
      deps.logger.info('received', { event });
      deps.logger.warn('a rule failed', { rule: { column: 'MonthlyIncome', values: [987654], message: 'too high' } });
      return 'ok';
    });
    // Act
    await handler(
      {
        row: { EmployeeNumber: 1001, MonthlyIncome: 987654, Department: 'Sales' },
        dbPassword: 'hunter2-secret-value',
        clientSecret: 'cs-000111',
        taskToken: 'AQCEAAAAKgAAAAMAAAAA-token-value',
        apiKey: 'key-abc-123',
      },
      CONTEXT as never,
    );
    // Assess
    const logged = lines.join('');
    expect(logged).toContain('"EmployeeNumber":1001');
    expect(logged).toContain('"Department":"Sales"');
    expect(logged).toContain('too high');
    for (const secret of ['987654', 'hunter2-secret-value', 'cs-000111', 'token-value', 'key-abc-123']) expect(logged).not.toContain(secret);
    expect(logged.split(REDACTED).length - 1).toBe(6);
  });

  it('learns the sensitive columns of every config a function loads', async () => {
    const { deps, mocks } = testDeps();
    const state = runState({ pipeline: 'attrition', runId: '20260302T093000Z-aaaaaa' });
    const config = await sampleConfig();
    serveRunConfig(mocks.s3, state, { ...config, dataset: { ...config.dataset, sensitive: ['DailyRate'] } });
    expect(redactingReplacer('DailyRate', 1200)).toBe(1200);
    await runConfig(state, deps);
    expect(redactingReplacer('DailyRate', 1200)).toBe(REDACTED);
    expect(JSON.stringify({ row: { DailyRate: 1200, Age: 41 } }, redactingReplacer)).toBe(`{"row":{"DailyRate":"${REDACTED}","Age":41}}`);
  });
});
