import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { Deps } from '@mlops/lambda-kit';

export interface StageTiming {
  name: string;
  type: string;
  status: 'succeeded' | 'failed';
  startedAt: string;
  durationMs: number;
  /** How many times the state was entered (polling loops enter the same state repeatedly). */
  entries: number;
  /** Failed attempts that the state's Retry ran again (its status is that of the last attempt). */
  retries: number;
}

/** Every event of an execution, all pages. */
export async function executionHistory(deps: Deps, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

interface Timeline {
  stages: Map<string, StageTiming>;
  open: Map<string, number>;
  current: string | null;
  failedState: string | null;
  transitions: number;
  /** The state whose last attempt failed and has not been retried yet. */
  pendingFailure: string | null;
}

function entered(t: Timeline, name: string, type: string, at: number): void {
  t.transitions++;
  t.current = name;
  t.pendingFailure = null;
  t.open.set(name, at);
  const stage = t.stages.get(name);
  if (stage) stage.entries++;
  else t.stages.set(name, { name, type, status: 'succeeded', startedAt: new Date(at).toISOString(), durationMs: 0, entries: 1, retries: 0 });
}

function exited(t: Timeline, name: string, at: number): void {
  const stage = t.stages.get(name);
  if (stage) stage.durationMs += Math.max(0, at - (t.open.get(name) ?? at));
}

function failed(t: Timeline): void {
  if (t.current === null) return;
  const stage = t.stages.get(t.current);
  if (stage) stage.status = 'failed';
  t.failedState = t.current;
  t.pendingFailure = t.current;
}

/**
 * A new attempt of the current state (TaskScheduled, LambdaFunctionScheduled, ActivityScheduled): after a failure it
 * is Retry at work, so the failure is not the state's outcome. The first attempt's event finds no pending failure.
 */
function scheduled(t: Timeline): void {
  if (t.pendingFailure === null || t.pendingFailure !== t.current) return;
  const stage = t.stages.get(t.current);
  if (stage) {
    stage.status = 'succeeded';
    stage.retries++;
  }
  if (t.failedState === t.current) t.failedState = null;
  t.pendingFailure = null;
}

/**
 * Per-state timings from an execution history: each state's total time across its entries, in the order first
 * entered, and the name of the state where the execution failed (if any). A state that failed and then succeeded
 * on Retry counts as succeeded, with its `retries`.
 */
export function stageTimings(events: HistoryEvent[]): { stages: StageTiming[]; failedState: string | null; transitions: number } {
  const t: Timeline = { stages: new Map(), open: new Map(), current: null, failedState: null, transitions: 0, pendingFailure: null };
  for (const event of events) {
    const at = event.timestamp ? new Date(event.timestamp).getTime() : 0;
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) entered(t, event.stateEnteredEventDetails?.name ?? '?', type.replace('StateEntered', ''), at);
    else if (type.endsWith('StateExited')) exited(t, event.stateExitedEventDetails?.name ?? '?', at);
    else if (type.endsWith('Scheduled')) scheduled(t);
    else if ((type.endsWith('Failed') || type.endsWith('TimedOut')) && type !== 'ExecutionFailed') failed(t);
  }
  return { stages: [...t.stages.values()], failedState: t.failedState, transitions: t.transitions };
}
