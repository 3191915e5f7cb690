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

/**
 * Per-state timings from an execution history: each state's total time across its entries, in the order first
 * entered, and the name of the state where the execution failed (if any).
 */
export function stageTimings(events: HistoryEvent[]): { stages: StageTiming[]; failedState: string | null; transitions: number } {
  const stages = new Map<string, StageTiming>();
  const open = new Map<string, number>();
  let failedState: string | null = null;
  let current: string | null = null;
  let transitions = 0;
  for (const event of events) {
    const at = event.timestamp ? new Date(event.timestamp).getTime() : 0;
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      transitions++;
      const name = event.stateEnteredEventDetails?.name ?? '?';
      current = name;
      open.set(name, at);
      const stage = stages.get(name);
      if (stage) stage.entries++;
      else stages.set(name, { name, type: type.replace('StateEntered', ''), status: 'succeeded', startedAt: new Date(at).toISOString(), durationMs: 0, entries: 1 });
    } else if (type.endsWith('StateExited')) {
      const name = event.stateExitedEventDetails?.name ?? '?';
      const stage = stages.get(name);
      if (stage) stage.durationMs += Math.max(0, at - (open.get(name) ?? at));
    } else if ((type.endsWith('Failed') || type.endsWith('TimedOut')) && current && type !== 'ExecutionFailed') {
      const stage = stages.get(current);
      if (stage) stage.status = 'failed';
      failedState = current;
    }
  }
  return { stages: [...stages.values()], failedState, transitions };
}
