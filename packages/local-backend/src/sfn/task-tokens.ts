import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalServiceError } from '../service';

/** Where a task token's owner (the waiting Task state) is recorded. */
export interface TaskTokenOwner {
  executionArn: string;
  state: string;
}

interface TokenRegistration extends TaskTokenOwner {
  createdAt: string;
  heartbeatAt: string;
}

/** How a callback task ended: SendTaskSuccess, SendTaskFailure, or a timeout noticed by the waiter. */
export interface TaskSettlement {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  output?: string;
  error?: string;
  cause?: string;
  settledAt: string;
}

/** A callback task that ended in SendTaskFailure or a timeout: `name` is the error the state machine matches. */
export class TaskFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface WaitOptions {
  /** Fail with `States.Timeout` after this long (the state's TimeoutSeconds). */
  timeoutMs?: number;
  /** Fail with `States.HeartbeatTimeout` when no heartbeat came for this long (the state's HeartbeatSeconds). */
  heartbeatMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{16,1024}$/;
const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Task tokens of `.waitForTaskToken` states, on disk so that another process (`mlops approve`) can settle them:
 * `<dir>/<token>.json` records who waits, `<dir>/<token>.result.json` is created once, atomically (a hard link of
 * a complete file), by whichever of SendTaskSuccess, SendTaskFailure or the waiter's timeout comes first.
 * Waiters poll for the result at a bounded interval; a settlement made in the same process wakes them at once.
 */
export class TaskTokenStore {
  private readonly wakers = new Map<string, () => void>();

  constructor(
    private readonly dir: string,
    private readonly options: { pollMs?: number; now?: () => number } = {},
  ) {}

  /** A new opaque token (synchronous: the runner hands it out while it renders a state's Parameters). */
  newToken(): string {
    return randomBytes(48).toString('base64url');
  }

  /** Record that `owner` waits on `token`; from now on SendTask* calls with it are accepted. */
  async register(token: string, owner: TaskTokenOwner): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.writeRegistration(token, { ...owner, createdAt: at, heartbeatAt: at });
  }

  /** SendTaskSuccess. */
  async succeed(input: { taskToken?: string; output?: string }): Promise<void> {
    const token = await this.openToken(input.taskToken);
    const output = input.output ?? '';
    if (Buffer.byteLength(output) > MAX_OUTPUT_BYTES)
      throw new LocalServiceError('InvalidOutput', 'output is over 256 KB');
    try {
      JSON.parse(output);
    } catch {
      throw new LocalServiceError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    await this.settleOrTimedOut(token, { status: 'SUCCEEDED', output });
  }

  /** SendTaskFailure. */
  async fail(input: { taskToken?: string; error?: string; cause?: string }): Promise<void> {
    const token = await this.openToken(input.taskToken);
    if ((input.error?.length ?? 0) > 256)
      throw new LocalServiceError('ValidationException', 'error is longer than 256 characters');
    if ((input.cause?.length ?? 0) > 32_768)
      throw new LocalServiceError('ValidationException', 'cause is longer than 32768 characters');
    await this.settleOrTimedOut(token, { status: 'FAILED', error: input.error, cause: input.cause });
  }

  /** SendTaskHeartbeat. */
  async heartbeat(input: { taskToken?: string }): Promise<void> {
    const token = await this.openToken(input.taskToken);
    if (await this.result(token)) throw timedOut();
    const registration = await this.registration(token);
    await this.writeRegistration(token, {
      ...(registration as TokenRegistration),
      heartbeatAt: new Date(this.now()).toISOString(),
    });
  }

  /**
   * Resolve with the parsed output of SendTaskSuccess; reject with a `TaskFailure` named after SendTaskFailure's
   * error (`States.TaskFailed` when it gave none), `States.Timeout` or `States.HeartbeatTimeout`.
   */
  wait(token: string, options: WaitOptions = {}): Promise<unknown> {
    const started = this.now();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let checking = false;
      const finish = (settlement: TaskSettlement) => {
        clearTimeout(timer);
        this.wakers.delete(token);
        if (settlement.status === 'SUCCEEDED') resolve(JSON.parse(settlement.output ?? 'null'));
        else reject(new TaskFailure(settlement.error || 'States.TaskFailed', settlement.cause ?? ''));
      };
      const check = async () => {
        if (checking) return;
        checking = true;
        clearTimeout(timer);
        try {
          const settled = (await this.result(token)) ?? (await this.expired(token, started, options));
          if (settled) return finish(settled);
          timer = setTimeout(() => void check(), this.options.pollMs ?? 25);
        } catch (error) {
          this.wakers.delete(token);
          reject(error as Error);
        } finally {
          checking = false;
        }
      };
      this.wakers.set(token, () => void check());
      void check();
    });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** A timeout the waiter noticed, settled like any other outcome (a racing SendTask* may still win). */
  private async expired(token: string, started: number, options: WaitOptions): Promise<TaskSettlement | undefined> {
    const heartbeatAt = Date.parse((await this.registration(token))?.heartbeatAt ?? '') || started;
    const error = timeoutError({ now: this.now(), started, heartbeatAt }, options);
    if (error === undefined) return undefined;
    await this.settle(token, { status: 'TIMED_OUT', error, cause: `the task was not settled in time (${error})` });
    return this.result(token);
  }

  private async openToken(token: string | undefined): Promise<string> {
    if (token === undefined || !TOKEN.test(token))
      throw new LocalServiceError('InvalidToken', 'Invalid Token: not a task token');
    if (!(await this.registration(token)))
      throw new LocalServiceError('TaskDoesNotExist', 'Task Does Not Exist: no task waits on this token');
    return token;
  }

  private async settleOrTimedOut(token: string, settlement: Omit<TaskSettlement, 'settledAt'>): Promise<void> {
    if (!(await this.settle(token, settlement))) throw timedOut();
  }

  /** Create the result file once; false when the task was already settled. */
  private async settle(token: string, settlement: Omit<TaskSettlement, 'settledAt'>): Promise<boolean> {
    const staged = join(this.dir, `${token}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(staged, JSON.stringify({ ...settlement, settledAt: new Date(this.now()).toISOString() }));
    try {
      await link(staged, this.path(token, '.result.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(staged, { force: true });
    }
    this.wakers.get(token)?.();
    return true;
  }

  private path(token: string, suffix: string): string {
    return join(this.dir, `${token}${suffix}`);
  }

  private async registration(token: string): Promise<TokenRegistration | undefined> {
    return readJson<TokenRegistration>(this.path(token, '.json'));
  }

  private async result(token: string): Promise<TaskSettlement | undefined> {
    return readJson<TaskSettlement>(this.path(token, '.result.json'));
  }

  private async writeRegistration(token: string, registration: TokenRegistration): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.path(token, '.json');
    const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(staged, JSON.stringify(registration));
    await rename(staged, path);
  }
}

/**
 * Which timeout, if any, a waiting task has hit: `States.Timeout` (TimeoutSeconds since it started) first, else
 * `States.HeartbeatTimeout` (HeartbeatSeconds since its last heartbeat, or its start).
 */
export function timeoutError(
  times: { now: number; started: number; heartbeatAt: number },
  options: WaitOptions,
): string | undefined {
  if (options.timeoutMs !== undefined && times.now - times.started >= options.timeoutMs) return 'States.Timeout';
  if (options.heartbeatMs !== undefined && times.now - times.heartbeatAt >= options.heartbeatMs)
    return 'States.HeartbeatTimeout';
  return undefined;
}

function timedOut(): LocalServiceError {
  return new LocalServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
