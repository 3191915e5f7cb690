import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, openSync, closeSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageBundler } from './images';
import type { JobRef, SageMakerFaults } from './types';

/** What to run: one command of a container image, under SageMaker's directory contract. */
export interface ContainerSpec {
  imageUri: string;
  /** Container arguments, e.g. `['train']`. */
  args: string[];
  env: Record<string, string>;
  /** Host folder standing for `/opt/ml` (`ML_ROOT`). */
  mlRoot: string;
  cwd: string;
  /** `stdout.log` and `stderr.log` go here (the local CloudWatch). */
  logDir: string;
  job: JobRef;
  /** Each line the container prints on stdout (metrics). */
  onStdoutLine?: (line: string) => void;
  /** Outlive the creating process (endpoints): stdio goes straight to the log files. */
  detached?: boolean;
}

export interface ContainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

/** A started container; `exited` settles once it ended and its logs are flushed. */
export interface RunningContainer {
  readonly pid: number;
  readonly exited: Promise<ContainerExit>;
  kill(signal?: NodeJS.Signals): void;
  /** The last lines the container wrote to stderr. */
  stderrTail(): string;
}

/**
 * How containers are launched. The default runs the bundled program as a host process;
 * a Docker implementation could run the same image where an engine exists.
 */
export interface ContainerRunner {
  start(spec: ContainerSpec): Promise<RunningContainer>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children never outlive a crashed parent (detached endpoint servers are meant to, and are not tracked). */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));
  }
}

const HANG = 'setInterval(() => {}, 1 << 30)';
const WRITE_FAILURE =
  "const fs = require('node:fs'); fs.mkdirSync(process.env.ML_ROOT + '/output', { recursive: true });" +
  "fs.writeFileSync(process.env.ML_ROOT + '/output/failure', process.env.LOCAL_FAULT_MESSAGE); process.exit(1);";

interface Plan {
  argv: string[];
  env: Record<string, string>;
  crash: boolean;
}

/** Runs images as host processes: `node <bundle>.mjs <args>` with `ML_ROOT`; applies the configured faults. */
export class ProcessRunner implements ContainerRunner {
  constructor(
    private readonly bundler: ImageBundler,
    private readonly faults: SageMakerFaults = {},
  ) {}

  async start(spec: ContainerSpec): Promise<RunningContainer> {
    const bundle = await this.bundler.bundle(spec.imageUri);
    await mkdir(spec.logDir, { recursive: true });
    const plan = this.plan(spec, bundle);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? spec.cwd,
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      ...spec.env,
      ...plan.env,
      ML_ROOT: spec.mlRoot,
    };
    return spec.detached ? this.startDetached(spec, plan, env) : this.startAttached(spec, plan, env);
  }

  private plan(spec: ContainerSpec, bundle: string): Plan {
    const { job } = spec;
    const normal: Plan = { argv: [bundle, ...spec.args], env: {}, crash: false };
    if (job.kind !== 'training') return normal;
    if (this.faults.trainingTimeout?.(job.name)) return { argv: ['-e', HANG], env: {}, crash: false };
    const message = this.faults.trainingFailureFile?.(job.name);
    if (message !== undefined) return { argv: ['-e', WRITE_FAILURE], env: { LOCAL_FAULT_MESSAGE: message }, crash: false };
    const trialCrash = job.trialIndex !== undefined && (this.faults.trialFailures?.(job.trialIndex) ?? false);
    return { ...normal, crash: trialCrash || (this.faults.trainingCrash?.(job.name) ?? false) };
  }

  private startAttached(spec: ContainerSpec, plan: Plan, env: Record<string, string>): Promise<RunningContainer> {
    const child = spawn(process.execPath, plan.argv, { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    const stdout = createWriteStream(join(spec.logDir, 'stdout.log'), { flags: 'a' });
    const stderr = createWriteStream(join(spec.logDir, 'stderr.log'), { flags: 'a' });
    let tail = '';
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.write(chunk);
      if (spec.onStdoutLine === undefined) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach((line) => spec.onStdoutLine?.(line));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-2048);
    });
    const exited = new Promise<ContainerExit>((resolve) => {
      child.once('error', (error) => resolve(closeLogs([stdout, stderr]).then(() => ({ code: null, signal: null, error: error.message }))));
      child.once('close', (code, signal) => {
        if (partial !== '') spec.onStdoutLine?.(partial);
        resolve(closeLogs([stdout, stderr]).then(() => ({ code, signal })));
      });
    });
    return new Promise((resolve) => {
      child.once('spawn', () => {
        if (plan.crash) child.kill('SIGKILL');
        resolve(container(child, exited, () => tail));
      });
      child.once('error', () => resolve(container(child, exited, () => tail)));
    });
  }

  private startDetached(spec: ContainerSpec, plan: Plan, env: Record<string, string>): Promise<RunningContainer> {
    const out = openSync(join(spec.logDir, 'stdout.log'), 'a');
    const err = openSync(join(spec.logDir, 'stderr.log'), 'a');
    const child = spawn(process.execPath, plan.argv, { cwd: spec.cwd, env, stdio: ['ignore', out, err], detached: true });
    closeSync(out);
    closeSync(err);
    const exited = new Promise<ContainerExit>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error: error.message }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    return new Promise((resolve) => {
      child.once('spawn', () => {
        child.unref();
        resolve(container(child, exited, () => ''));
      });
      child.once('error', () => resolve(container(child, exited, () => '')));
    });
  }
}

function closeLogs(streams: WriteStream[]): Promise<void> {
  return Promise.all(streams.map((s) => new Promise<void>((done) => s.end(done)))).then(() => undefined);
}

function container(child: ChildProcess, exited: Promise<ContainerExit>, tail: () => string): RunningContainer {
  return {
    pid: child.pid ?? -1,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stderrTail: tail,
  };
}
