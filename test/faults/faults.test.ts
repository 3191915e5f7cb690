import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localCloud, parseFaults, UnknownFaultError } from '@mlops/local-backend';
import { runPipeline, type RunOutcome } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';
import { FAULT_CASES, type FaultCase } from './cases';
import { assertUnchanged, published } from './snapshot';

// Each fault runs the real failure path through the real state machine and handlers against the local cloud:
// the run ends in the expected state with the cause in the record and the notification, nothing published
// changes on a failed run, and the same input afterwards (no fault) publishes.

type Json = Record<string, any>;
const small = (c: Json) => {
  c.tuning.maxJobs = 4;
  c.tuning.maxParallelJobs = 2;
  c.evaluation.bootstrap.samples = 50;
};

let dir: string;
let workdir: string;
let train: string;
let score: string;
/** Invocations per function key in the last run (what the Lambda fault hook saw). */
let calls: Record<string, number> = {};

async function run(fault: FaultCase | undefined): Promise<RunOutcome> {
  const pipeline = await attritionVariant(dir, fault ? `attrition-${fault.fault}` : 'attrition', (c) => {
    small(c);
    fault?.config?.(c);
  });
  const faults = parseFaults(fault ? [fault.fault] : []);
  const inner = faults.lambda;
  calls = {};
  faults.lambda = (fnKey, attempt) => {
    calls[fnKey] = attempt;
    return inner?.(fnKey, attempt);
  };
  return runPipeline({ pipeline, data: train, score, workdir, faults });
}

/** The run ended as the case says, with the cause in the record and in the notification. */
function assertOutcome(c: FaultCase, faulty: RunOutcome): void {
  const note = faulty.notifications.map((n) => n.message).join('\n');
  if (c.status === undefined) {
    expect(faulty.record).toBeUndefined();
    expect(faulty.executionStatus).toBe('FAILED');
    expect(note).toMatch(/The run record could not be written: AccessDenied/);
    return;
  }
  const record = faulty.record as Json;
  const cause = c.cause ?? /./;
  expect(faulty.status, JSON.stringify(record.error)).toBe(c.status);
  if (c.status === 'published') {
    expect(record.error).toBeNull();
    expect(faulty.executionStatus).toBe('SUCCEEDED');
  } else if (c.status === 'invalid-data') {
    expect(String(record.validation.summary)).toMatch(cause);
    expect(note).toMatch(cause);
  } else {
    expect(record.error.state).toBe(c.failedState);
    expect(String(record.error.cause)).toMatch(cause);
    expect(note).toContain(`Failed in ${c.failedState}`);
    expect(note).toMatch(cause);
  }
  if (c.fault !== 'sns-fail') expect(faulty.notifications.length).toBeGreaterThan(0);
}

/** The run record's per-state timings: a failure that Retry got past is not the state's outcome. */
function assertEvaluateStage(c: FaultCase, record: Json | undefined): void {
  const evaluate = (record?.stages as Json[] | undefined)?.find((s) => s.name === 'EvaluateCandidate');
  if (c.fault === 'evaluate-throws-once') expect(evaluate).toMatchObject({ status: 'succeeded', retries: 1 });
  if (c.fault === 'evaluate-throws-always') expect(evaluate).toMatchObject({ status: 'failed', retries: 3 });
}

beforeAll(async () => {
  dir = await tempDir('faults');
  workdir = join(dir, 'work');
  train = await attritionCsv(dir, 'employees.csv', 900, 7);
  score = await attritionCsv(dir, 'current.csv', 200, 8, true);
  // One cloud for all cases, created first so that its runtime limits run 5x faster (60 s → 12 s).
  await localCloud({ root: join(workdir, 'cloud'), sagemaker: { timeScale: 0.2 } });
  const first = await run(undefined);
  expect(first.status, JSON.stringify(first.record?.error)).toBe('published');
});

describe('fault injection', () => {
  it('rejects an unknown fault name with the list of known ones', () => {
    expect(() => parseFaults('training-crash,nope')).toThrow(UnknownFaultError);
    expect(() => parseFaults('nope')).toThrow(/known faults: training-crash, /);
  });

  describe.each(FAULT_CASES)('$fault', (c) => {
    let before: Awaited<ReturnType<typeof published>>;
    let after: Awaited<ReturnType<typeof published>>;
    let faulty: RunOutcome;
    let rerun: RunOutcome;
    let faultyCalls: Record<string, number>;

    beforeAll(async () => {
      before = await published(workdir);
      faulty = await run(c);
      faultyCalls = calls;
      after = await published(workdir);
      rerun = await run(undefined);
    }, 600_000);

    it(`ends ${c.status ?? 'without a record'}, with the cause in the record and the notification`, () => {
      assertOutcome(c, faulty);
    });

    it('leaves the champion, the registry and `latest` as they were (unless it published)', () => {
      if (c.status === 'published') {
        expect(after.champion).not.toBe(before.champion);
        expect(after.latest).toContain(faulty.runId);
      } else {
        assertUnchanged(before, after, expect);
      }
    });

    it('does what the fault says on the way', () => {
      const record = faulty.record as Json | undefined;
      if (c.trialCause) {
        const reasons = (record?.tuning?.trials as Json[]).map((t) => String(t.failureReason));
        expect(reasons.some((r) => c.trialCause?.test(r)), reasons.join('\n')).toBe(true);
      }
      if (c.fault === 'trial-failures') {
        const statuses = (record?.tuning?.trials as Json[]).map((t) => t.status);
        expect(statuses).toContain('Failed');
        expect(statuses).toContain('Completed');
      }
      if (c.fault === 'sns-fail') {
        expect(faulty.notifications).toEqual([]);
        expect(record?.notification).toEqual({ status: 'failed', error: expect.stringMatching(/injected fault: publish/) });
      }
      // The ASL Retry on Lambda service errors: 1 + MaxAttempts (3) invocations at most.
      if (c.fault === 'evaluate-throws-once') expect(faultyCalls.evaluateCandidate).toBe(2);
      if (c.fault === 'evaluate-throws-always') expect(faultyCalls.evaluateCandidate).toBe(4);
      assertEvaluateStage(c, record);
      if (c.status === 'published' && c.fault !== 'evaluate-throws-once') expect(faultyCalls.evaluateCandidate).toBe(1);
    });

    it('publishes when the same input runs again without the fault', () => {
      expect(rerun.status, JSON.stringify(rerun.record?.error)).toBe('published');
    });
  });
});
