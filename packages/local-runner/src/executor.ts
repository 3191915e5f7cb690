import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Executor, LocalHistoryEvent } from '@mlops/local-backend';
import type { LocalDefinition } from './definition';
import type { HandlerInvoker } from './handlers';

/** A progress event for printing: one per state entered, left, failed or retried. */
export interface StateEvent {
  state: string;
  type: string;
  phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  at: number;
  error?: string;
  cause?: string;
}

export interface ExecutorOptions {
  definition: LocalDefinition;
  invoker: HandlerInvoker;
  /** Milliseconds every Wait state really waits locally (shortened, never skipped). */
  waitMs: number;
  /** Milliseconds before a retry locally. */
  retryMs: number;
  onEvent?: (event: StateEvent) => void;
}

type LogEvent = { type: string; timestamp: number; state?: { name: string; type: string; input?: unknown; output?: unknown }; Error?: string; Cause?: unknown; input?: unknown; output?: unknown };

type HistoryBuilder = (event: LogEvent) => Record<string, unknown> | undefined;

const cause = (event: LogEvent) => String(event.Cause ?? '');

/** How each aws-local-stepfunctions event becomes a GetExecutionHistory event (type and details). */
const HISTORY: Record<string, HistoryBuilder> = {
  ExecutionStarted: (e) => ({ type: 'ExecutionStarted', executionStartedEventDetails: { input: JSON.stringify(e.input) } }),
  ExecutionSucceeded: (e) => ({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(e.output) } }),
  ExecutionFailed: (e) => ({ type: 'ExecutionFailed', executionFailedEventDetails: { error: e.Error, cause: cause(e) } }),
  StateEntered: (e) => ({ type: `${e.state?.type}StateEntered`, stateEnteredEventDetails: { name: e.state?.name, input: JSON.stringify(e.state?.input) } }),
  StateExited: (e) => ({ type: `${e.state?.type}StateExited`, stateExitedEventDetails: { name: e.state?.name, output: JSON.stringify(e.state?.output) } }),
  StateFailed: (e) =>
    e.state?.type === 'Task'
      ? { type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'lambda', resource: e.state.name, error: e.Error, cause: cause(e) } }
      : undefined,
};

/** Turn one aws-local-stepfunctions event into the GetExecutionHistory shape (undefined: no AWS counterpart). */
function toHistory(event: LogEvent): Omit<LocalHistoryEvent, 'id' | 'previousEventId'> | undefined {
  const built = HISTORY[event.type]?.(event);
  return built ? ({ timestamp: new Date(event.timestamp), ...built } as Omit<LocalHistoryEvent, 'id' | 'previousEventId'>) : undefined;
}

const PHASES: Record<string, StateEvent['phase']> = {
  StateEntered: 'entered',
  StateExited: 'exited',
  StateFailed: 'failed',
  StateRetried: 'retried',
  StateCaught: 'caught',
};

/**
 * The executor the local Step Functions uses: the deployed definition run by aws-local-stepfunctions, each Task
 * overridden by an in-process invocation of the function's real handler, waits and retry intervals shortened.
 */
export function createExecutor(options: ExecutorOptions): Executor {
  const { definition, invoker } = options;
  return async ({ stateMachineArn, executionArn, name, input, record }) => {
    const machine = new StateMachine(definition.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(definition.tasks).map(([state, fnKey]) => [state, (payload: unknown) => invoker.invoke(fnKey, payload) as never]),
    );
    const startTime = new Date().toISOString();
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers,
        waitTimeOverrides: Object.fromEntries(definition.waits.map((w) => [w, options.waitMs])),
        retryIntervalOverrides: Object.fromEntries(Object.keys(definition.tasks).map((t) => [t, options.retryMs])),
      },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: startTime, Input: input, RoleArn: 'arn:aws:iam::000000000000:role/local' },
        StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
      } as never,
    });
    const consume = (async () => {
      for await (const raw of execution.eventLogs) {
        const event = raw as unknown as LogEvent;
        const history = toHistory(event);
        if (history) record(history);
        const phase = PHASES[event.type];
        if (phase && event.state) {
          options.onEvent?.({ state: event.state.name, type: event.state.type, phase, at: event.timestamp, error: event.Error, cause: event.Cause === undefined ? undefined : String(event.Cause) });
        }
      }
    })();
    try {
      const output = await execution.result;
      await consume;
      return { status: 'SUCCEEDED', output };
    } catch (error) {
      await consume.catch(() => undefined);
      const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
      return { status: 'FAILED', error: e.cause?.name ?? e.name, cause: e.cause?.message ?? e.message };
    }
  };
}
