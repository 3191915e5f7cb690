import './polyfill';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { ConfigError, shortHash } from '@mlops/core';
import { repoRoot, type Executor, type LocalHistoryEvent, type TaskTokens } from '@mlops/local-backend';
import type { LocalDefinition, LocalTask } from './definition';
import type { HandlerInvoker } from './handlers';

/**
 * A progress event for printing: one per state entered, left, failed or retried, and `waiting` when a
 * `.waitForTaskToken` state has invoked its function and now waits for SendTaskSuccess / SendTaskFailure.
 */
export interface StateEvent {
  state: string;
  type: string;
  phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught' | 'waiting';
  at: number;
  error?: string;
  cause?: string;
  /** The execution input's `runId`, on `waiting` events (what `mlops approve <runId>` needs). */
  runId?: string;
}

export interface ExecutorOptions {
  definition: LocalDefinition;
  invoker: HandlerInvoker;
  /** Milliseconds every Wait state really waits locally (shortened, never skipped). */
  waitMs: number;
  /** Milliseconds before a retry locally. */
  retryMs: number;
  onEvent?: (event: StateEvent) => void;
  /**
   * Called as each Wait state is entered, with the seconds it waits on AWS (its `Seconds`, or its `SecondsPath` read
   * from its input): a virtual clock for simulating long jobs (bench/waits.ts). The call happens before the shortened
   * local wait ends, so the next Task already sees the advanced clock.
   */
  onWait?: (state: string, seconds: number) => void;
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
  // AWS schedules the task again for each Retry attempt (the first attempt's TaskScheduled has no local counterpart).
  StateRetried: (e) =>
    e.state?.type === 'Task'
      ? { type: 'TaskScheduled', taskScheduledEventDetails: { resourceType: 'lambda', resource: e.state.name, parameters: JSON.stringify(e.state.input) } }
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

type TaskOverride = (payload: unknown) => Promise<unknown>;

interface OverrideContext {
  options: ExecutorOptions;
  tasks: TaskTokens;
  executionArn: string;
  runId: string | undefined;
  /** The token `$$.Task.Token` handed out while the current state's Parameters were rendered. */
  takeToken(): string | undefined;
}

/** The seconds a Wait state waits on AWS for this input (`Seconds` or a `$.a.b` `SecondsPath`; 0 for a Timestamp). */
export function nominalWaitSeconds(state: Record<string, unknown> | undefined, input: unknown): number {
  if (typeof state?.Seconds === 'number') return state.Seconds;
  if (typeof state?.SecondsPath !== 'string') return 0;
  const value = state.SecondsPath.replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | null | undefined)?.[key], input);
  return typeof value === 'number' ? value : 0;
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);

/** A Task state's local override: its real handler, called the way its integration calls it on AWS. */
function taskOverride(state: string, call: LocalTask, ctx: OverrideContext): TaskOverride {
  const { invoker } = ctx.options;
  const payloadOf = (parameters: unknown) => (parameters as { Payload?: unknown } | null)?.Payload ?? {};
  if (call.integration === 'direct') return (payload) => (ctx.takeToken(), invoker.invoke(call.fnKey, payload));
  if (call.integration === 'invoke') {
    return async (parameters) => {
      ctx.takeToken();
      return { ExecutedVersion: '$LATEST', Payload: await invoker.invoke(call.fnKey, payloadOf(parameters)), StatusCode: 200 };
    };
  }
  return async (parameters) => {
    const token = ctx.takeToken();
    if (token === undefined) throw new ConfigError(`${state}: a .waitForTaskToken task must pass $$.Task.Token in its Parameters`);
    // Registered before the function runs: it may hand the token to someone who answers at once.
    await ctx.tasks.register(token, { executionArn: ctx.executionArn, state });
    await invoker.invoke(call.fnKey, payloadOf(parameters));
    ctx.options.onEvent?.({ state, type: 'Task', phase: 'waiting', at: Date.now(), runId: ctx.runId });
    return ctx.tasks.wait(token, { timeoutMs: seconds(call.timeoutSeconds), heartbeatMs: seconds(call.heartbeatSeconds) });
  };
}

/**
 * The context object's `Task.Token`: a fresh token the first time a state's Parameters read it, the same one for
 * every further read until the state's override takes it (Parameters are rendered right before the override runs).
 */
function taskTokenContext(tasks: TaskTokens) {
  let pending: string | undefined;
  return {
    Task: {
      get Token() {
        pending ??= tasks.newToken();
        return pending;
      },
    },
    takeToken(): string | undefined {
      const token = pending;
      pending = undefined;
      return token;
    },
  };
}

const VALIDATION = { checkArn: true, checkPaths: true } as const;
const validated = new Set<string>();

/**
 * The state machine for a definition. aws-local-stepfunctions validates every definition with asl-validator, whose
 * schema compilation costs more CPU than a whole sample run's handlers: a definition that passed once (same bytes) is
 * remembered, in this process and in node_modules/.cache/mlops-asl/, and not validated again.
 */
function stateMachineFor(definition: LocalDefinition['definition']): StateMachine {
  const text = JSON.stringify(definition);
  const key = shortHash(text, 24);
  const marker = join(repoRoot(), 'node_modules', '.cache', 'mlops-asl', key);
  if (validated.has(key) || existsSync(marker)) {
    validated.add(key);
    return new StateMachine(definition as never, { validationOptions: { ...VALIDATION, noValidate: true } });
  }
  const machine = new StateMachine(definition as never, { validationOptions: VALIDATION });
  validated.add(key);
  mkdirSync(join(marker, '..'), { recursive: true });
  writeFileSync(marker, 'passed asl-validator (checkArn, checkPaths)\n');
  return machine;
}

/**
 * The executor the local Step Functions uses: the deployed definition run by aws-local-stepfunctions, each Task
 * overridden by an in-process invocation of the function's real handler, waits and retry intervals shortened.
 * `.waitForTaskToken` states get a task token in `$$.Task.Token` and wait until SendTaskSuccess / SendTaskFailure
 * settles it (from this process or another one: the tokens are on disk).
 */
export function createExecutor(options: ExecutorOptions): Executor {
  const { definition } = options;
  return async ({ stateMachineArn, executionArn, name, input, record, tasks }) => {
    const machine = stateMachineFor(definition.definition);
    const tokens = taskTokenContext(tasks);
    const runId = (input as { runId?: unknown } | null)?.runId;
    const ctx: OverrideContext = { options, tasks, executionArn, runId: typeof runId === 'string' ? runId : undefined, takeToken: tokens.takeToken };
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(definition.calls).map(([state, call]) => [state, taskOverride(state, call, ctx) as never]),
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
        Task: tokens.Task,
      } as never,
    });
    const consume = (async () => {
      for await (const raw of execution.eventLogs) {
        const event = raw as unknown as LogEvent;
        const history = toHistory(event);
        if (history) record(history);
        const phase = PHASES[event.type];
        // Events are queued synchronously and read here within microtasks, long before a (timer) wait ends.
        if (phase === 'entered' && event.state?.type === 'Wait') {
          options.onWait?.(event.state.name, nominalWaitSeconds(definition.definition.States[event.state.name], event.state.input));
        }
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
