import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalService, LocalServiceError } from '../service';
import { TaskTokenStore, type TaskTokenOwner, type WaitOptions } from './task-tokens';

/** One event of an execution history, in the shape of `GetExecutionHistory`'s `events`. */
export interface LocalHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** What an executor uses to run `.waitForTaskToken` states: tokens that SendTask* (from any process) settles. */
export interface TaskTokens {
  /** A new token, synchronously (it is handed out while a state's Parameters are rendered). */
  newToken(): string;
  /** Accept SendTask* calls for `token` from now on. */
  register(token: string, owner: TaskTokenOwner): Promise<void>;
  /** The SendTaskSuccess output, or a rejection named after SendTaskFailure's error or the timeout. */
  wait(token: string, options?: WaitOptions): Promise<unknown>;
}

/** What runs an execution: given the machine ARN, the input and the context object, report events and settle. */
export type Executor = (args: {
  stateMachineArn: string;
  executionArn: string;
  name: string;
  input: unknown;
  record: (event: Omit<LocalHistoryEvent, 'id' | 'previousEventId'>) => void;
  tasks: TaskTokens;
}) => Promise<{ status: 'SUCCEEDED' | 'FAILED'; output?: unknown; error?: string; cause?: string }>;

interface ExecutionState {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
}

const NAME = /^[a-zA-Z0-9_-]{1,80}$/;

/**
 * Step Functions over a folder: StartExecution (idempotent by name like AWS: same name and input while running
 * returns the same execution; otherwise `ExecutionAlreadyExists`), DescribeExecution, GetExecutionHistory,
 * ListExecutions, and the callback pattern's SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat (task tokens on
 * disk under `tasks/`, so another process can settle them). The execution itself is run by an executor the local
 * runner registers.
 */
export class LocalSfn extends LocalService {
  readonly serviceName = 'sfn';
  private executor: Executor | undefined;
  private readonly running = new Map<string, Promise<void>>();
  private readonly histories = new Map<string, LocalHistoryEvent[]>();
  /** Task tokens of `.waitForTaskToken` states. */
  readonly tasks: TaskTokenStore;

  constructor(private readonly options: { root: string; region: string; accountId: string; taskPollMs?: number }) {
    super();
    this.tasks = new TaskTokenStore(join(options.root, 'tasks'), { pollMs: options.taskPollMs });
  }

  protected readonly operations = {
    StartExecution: (input: { stateMachineArn: string; name?: string; input?: string }) => this.start(input),
    DescribeExecution: (input: { executionArn: string }) => this.describe(input.executionArn),
    GetExecutionHistory: (input: { executionArn: string; maxResults?: number; nextToken?: string; reverseOrder?: boolean }) =>
      this.history(input),
    ListExecutions: (input: { stateMachineArn: string; statusFilter?: string }) => this.list(input),
    SendTaskSuccess: async (input: { taskToken?: string; output?: string }) => (await this.tasks.succeed(input), {}),
    SendTaskFailure: async (input: { taskToken?: string; error?: string; cause?: string }) => (await this.tasks.fail(input), {}),
    SendTaskHeartbeat: async (input: { taskToken?: string }) => (await this.tasks.heartbeat(input), {}),
  };

  /** The runner's executor; without one, StartExecution fails with a message saying how to run locally. */
  setExecutor(executor: Executor): void {
    this.executor = executor;
  }

  /** Resolve when the execution has finished (for the CLI and tests). */
  async waitFor(executionArn: string): Promise<ExecutionState> {
    await this.running.get(executionArn);
    return this.read(executionArn);
  }

  private dir(): string {
    return join(this.options.root, 'executions');
  }

  private file(executionArn: string): string {
    return join(this.dir(), `${encodeURIComponent(executionArn.split(':').slice(-2).join(':'))}.json`);
  }

  private async read(executionArn: string): Promise<ExecutionState> {
    try {
      return JSON.parse(await readFile(this.file(executionArn), 'utf8')) as ExecutionState;
    } catch {
      throw new LocalServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
  }

  private async write(state: ExecutionState, events?: LocalHistoryEvent[]): Promise<void> {
    await mkdir(this.dir(), { recursive: true });
    const path = this.file(state.executionArn);
    const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(staged, JSON.stringify(state, null, 2));
    await rename(staged, path);
    if (events) await writeFile(path.replace(/\.json$/, '.history.json'), JSON.stringify(events));
  }

  private async start(input: { stateMachineArn: string; name?: string; input?: string }) {
    if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/.test(input.stateMachineArn ?? '')) {
      throw new LocalServiceError('InvalidArn', `Invalid Arn: '${input.stateMachineArn}'`);
    }
    const name = input.name ?? crypto.randomUUID();
    if (!NAME.test(name)) throw new LocalServiceError('InvalidName', `Invalid Name: '${name}'`);
    const body = input.input ?? '{}';
    if (Buffer.byteLength(body) > 256 * 1024) throw new LocalServiceError('InvalidExecutionInput', 'input is over 256 KB');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new LocalServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = await this.read(executionArn).catch(() => undefined);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === body) return { executionArn, startDate: new Date(existing.startDate) };
      throw new LocalServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    if (!this.executor) {
      throw new LocalServiceError('StateMachineDoesNotExist', `no local executor for ${input.stateMachineArn}: run the pipeline with \`mlops run\``);
    }
    const state: ExecutionState = { executionArn, stateMachineArn: input.stateMachineArn, name, status: 'RUNNING', input: body, startDate: new Date().toISOString() };
    await this.write(state);
    this.running.set(executionArn, this.execute(state, parsed, this.executor));
    return { executionArn, startDate: new Date(state.startDate) };
  }

  private async execute(state: ExecutionState, input: unknown, executor: Executor): Promise<void> {
    const events: LocalHistoryEvent[] = [];
    this.histories.set(state.executionArn, events);
    const record = (event: Omit<LocalHistoryEvent, 'id' | 'previousEventId'>) => {
      events.push({ ...event, id: events.length + 1, previousEventId: events.length } as LocalHistoryEvent);
    };
    let result: Awaited<ReturnType<Executor>>;
    try {
      result = await executor({
        stateMachineArn: state.stateMachineArn,
        executionArn: state.executionArn,
        name: state.name,
        input,
        record,
        tasks: this.tasks,
      });
    } catch (error) {
      result = { status: 'FAILED', error: (error as Error).name, cause: (error as Error).message };
    }
    const done: ExecutionState = {
      ...state,
      status: result.status,
      output: result.output === undefined ? undefined : JSON.stringify(result.output),
      error: result.error,
      cause: result.cause,
      stopDate: new Date().toISOString(),
    };
    await this.write(done, events);
  }

  private async describe(executionArn: string) {
    const s = await this.read(executionArn);
    return { ...s, startDate: new Date(s.startDate), stopDate: s.stopDate ? new Date(s.stopDate) : undefined };
  }

  private async events(executionArn: string): Promise<LocalHistoryEvent[]> {
    const live = this.histories.get(executionArn);
    if (live) return live;
    await this.read(executionArn);
    const path = this.file(executionArn).replace(/\.json$/, '.history.json');
    const raw = JSON.parse(await readFile(path, 'utf8').catch(() => '[]')) as LocalHistoryEvent[];
    return raw.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }));
  }

  private async history(input: { executionArn: string; maxResults?: number; nextToken?: string; reverseOrder?: boolean }) {
    const all = await this.events(input.executionArn);
    const ordered = input.reverseOrder ? [...all].reverse() : all;
    const size = Math.min(Math.max(input.maxResults || 100, 1), 1000);
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const page = ordered.slice(start, start + size);
    return { events: page, nextToken: start + size < ordered.length ? String(start + size) : undefined };
  }

  private async list(input: { stateMachineArn: string; statusFilter?: string }) {
    const files = await readdir(this.dir()).catch(() => [] as string[]);
    const executions = [];
    for (const file of files.filter((f) => f.endsWith('.json') && !f.endsWith('.history.json'))) {
      const s = JSON.parse(await readFile(join(this.dir(), file), 'utf8')) as ExecutionState;
      if (s.stateMachineArn !== input.stateMachineArn) continue;
      if (input.statusFilter && s.status !== input.statusFilter) continue;
      executions.push({ executionArn: s.executionArn, stateMachineArn: s.stateMachineArn, name: s.name, status: s.status, startDate: new Date(s.startDate) });
    }
    return { executions: executions.sort((a, b) => b.startDate.getTime() - a.startDate.getTime()) };
  }
}
