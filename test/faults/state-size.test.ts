import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { MAX_EVENT_BYTES, parseEvent } from '../../packages/lambda-kit/src/parse';
import { openLocalRuntime, runPipeline, type RunOutcome } from '@mlops/local-runner';
import * as z from 'zod';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// Step Functions refuses a state input or output over 256 KB: the pipeline passes S3 URIs, never data.

type HistoryEvent = Record<string, { input?: string; output?: string } | undefined>;

describe('state payloads', () => {
  let outcome: RunOutcome;
  let largest: { state: string; bytes: number };

  beforeAll(async () => {
    const dir = await tempDir('state-size');
    const workdir = join(dir, 'work');
    const pipeline = await attritionVariant(dir, 'attrition', (c) => {
      c.tuning.maxJobs = 8;
      c.evaluation.bootstrap.samples = 50;
    });
    const data = await attritionCsv(dir, 'employees.csv', 1470, 5);
    outcome = await runPipeline({ pipeline, data, score: await attritionCsv(dir, 'current.csv', 500, 6, true), workdir });
    const { cloud } = await openLocalRuntime({ workdir });
    const history = (await cloud.sfn.send(new GetExecutionHistoryCommand({ executionArn: outcome.executionArn }))) as { events: HistoryEvent[] };
    largest = { state: '', bytes: 0 };
    for (const event of history.events) {
      for (const details of [event.stateEnteredEventDetails, event.stateExitedEventDetails]) {
        const text = details?.input ?? details?.output ?? '';
        const bytes = Buffer.byteLength(text, 'utf8');
        if (bytes > largest.bytes) largest = { state: (details as { name?: string }).name ?? '', bytes };
      }
    }
  });

  it('stay far under the 256 KB limit across a whole published run', () => {
    expect(outcome.status).toBe('published');
    expect(largest.bytes).toBeGreaterThan(1000);
    // Reported so a growing state is noticed long before it matters.
    console.info(`largest state payload: ${largest.bytes} bytes (${largest.state})`);
    expect(largest.bytes).toBeLessThan(MAX_EVENT_BYTES / 8);
  });

  it('are refused by every handler above the limit, with a clear message', () => {
    const big = { rows: 'x'.repeat(MAX_EVENT_BYTES) };
    expect(() => parseEvent(z.object({}), big, 'startRun')).toThrow(/startRun: event is \d+ bytes, over the 262144-byte limit; pass S3 URIs, not data/);
  });
});
