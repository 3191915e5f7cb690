import { describe, expect, it } from 'vitest';
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { stageTimings } from './history';

// Per-state outcomes from execution histories shaped as AWS writes them (TaskScheduled / LambdaFunctionScheduled
// for every attempt) and as the local runner writes them (TaskScheduled only for a Retry attempt).

const T0 = Date.parse('2026-03-02T09:30:00.000Z');
let id = 0;
const event = (type: HistoryEventType, second: number, details: Partial<HistoryEvent> = {}): HistoryEvent => ({
  id: ++id,
  type,
  timestamp: new Date(T0 + second * 1000),
  ...details,
});
const entered = (name: string, s: number) => event('TaskStateEntered', s, { stateEnteredEventDetails: { name } });
const exited = (name: string, s: number) => event('TaskStateExited', s, { stateExitedEventDetails: { name } });
const scheduled = (s: number) => event('TaskScheduled', s, { taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: '{}' } });
const taskFailed = (s: number) => event('TaskFailed', s, { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.ServiceException' } });
const succeeded = (s: number) => event('TaskSucceeded', s, { taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{}' } });

describe('stageTimings', () => {
  it('counts a state that failed once and succeeded on Retry as succeeded, with one retry (AWS history)', () => {
    const history = [entered('EvaluateCandidate', 0), scheduled(0), taskFailed(1), scheduled(3), succeeded(5), exited('EvaluateCandidate', 5)];

    const { stages, failedState } = stageTimings(history);

    expect(stages).toEqual([expect.objectContaining({ name: 'EvaluateCandidate', status: 'succeeded', retries: 1, entries: 1, durationMs: 5000 })]);
    expect(failedState).toBeNull();
  });

  it('counts the same when the first attempt has no TaskScheduled (local runner history)', () => {
    const history = [entered('EvaluateCandidate', 0), taskFailed(1), scheduled(3), exited('EvaluateCandidate', 5)];

    expect(stageTimings(history).stages[0]).toMatchObject({ status: 'succeeded', retries: 1 });
  });

  it('counts a state whose retries all failed as failed, and names it', () => {
    const history = [entered('EvaluateCandidate', 0), taskFailed(1), scheduled(2), taskFailed(3), scheduled(4), taskFailed(5), event('ExecutionFailed', 5)];

    const { stages, failedState } = stageTimings(history);

    expect(stages[0]).toMatchObject({ status: 'failed', retries: 2 });
    expect(failedState).toBe('EvaluateCandidate');
  });

  it('keeps a caught failure as the state outcome, and the next state does not clear it', () => {
    const history = [entered('StartTuning', 0), scheduled(0), taskFailed(1), exited('StartTuning', 1), entered('FinishRun', 1), scheduled(1), succeeded(2)];

    const { stages, failedState } = stageTimings(history);

    expect(stages.map((s) => [s.name, s.status, s.retries])).toEqual([
      ['StartTuning', 'failed', 0],
      ['FinishRun', 'succeeded', 0],
    ]);
    expect(failedState).toBe('StartTuning');
  });
});
