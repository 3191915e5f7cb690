import { existsSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalGlue } from './glue/glue';
import { LocalS3 } from './s3';
import { LocalSageMaker } from './sagemaker';
import { LocalSageMakerRuntime } from './sagemaker/runtime';
import { LocalSfn } from './sfn/sfn';
import { LocalSns } from './sns';
import { operationName, type SdkCommandLike } from './service';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';

/** One SDK call a handler made: the exact request this run would send to AWS. */
export interface TraceRecord {
  service: string;
  command: string;
  input: unknown;
}

/** The repository root (the folder holding pnpm-workspace.yaml), where `docker/<image>` lives. */
export function repoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
    dir = parent;
  }
  return dir;
}

export interface LocalCloudOptions {
  root: string;
  region?: string;
  accountId?: string;
  /** Append every handler SDK call to this JSON-lines file. */
  traceFile?: string;
  sagemaker?: Partial<ConstructorParameters<typeof LocalSageMaker>[0]>;
}

/**
 * The whole local AWS: S3, SageMaker (+ its runtime), Glue, SNS and Step Functions over one folder. Handlers reach it only through
 * `clients()`, which also records each call (the trace) before dispatching it.
 */
export class LocalCloud {
  readonly root: string;
  readonly region: string;
  readonly accountId: string;
  readonly s3: LocalS3;
  readonly sagemaker: LocalSageMaker;
  readonly sagemakerRuntime: LocalSageMakerRuntime;
  readonly glue: LocalGlue;
  readonly sns: LocalSns;
  readonly sfn: LocalSfn;
  readonly trace: TraceRecord[] = [];
  traceFile: string | undefined;

  constructor(options: LocalCloudOptions) {
    this.root = resolve(options.root);
    this.region = options.region ?? LOCAL_REGION;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT;
    this.traceFile = options.traceFile;
    const common = { region: this.region, accountId: this.accountId };
    this.s3 = new LocalS3({ root: join(this.root, 's3') });
    this.sns = new LocalSns({ root: join(this.root, 'sns'), autoCreateTopics: true, ...common });
    this.sfn = new LocalSfn({ root: join(this.root, 'sfn'), ...common });
    this.glue = new LocalGlue({ root: join(this.root, 'glue'), s3: this.s3, ...common });
    this.sagemaker = new LocalSageMaker({ root: join(this.root, 'sagemaker'), s3: this.s3, repoRoot: repoRoot(), ...common, ...options.sagemaker });
    // Endpoints live in the SageMaker folder (another process may have created them): the runtime reads it.
    this.sagemakerRuntime = new LocalSageMakerRuntime({ root: this.sagemaker.root, ...common });
  }

  /** Client objects with the SDK's `send()` for handlers; every call is traced. */
  clients(): Record<'s3' | 'sagemaker' | 'sagemakerRuntime' | 'glue' | 'sns' | 'sfn', { send(command: SdkCommandLike): Promise<unknown> }> {
    const wrap = (service: { serviceName: string; send(command: SdkCommandLike): Promise<unknown> }) => ({
      send: async (command: SdkCommandLike) => {
        await this.record({ service: service.serviceName, command: operationName(command), input: command.input });
        return service.send(command);
      },
    });
    return { s3: wrap(this.s3), sagemaker: wrap(this.sagemaker), sagemakerRuntime: wrap(this.sagemakerRuntime), glue: wrap(this.glue), sns: wrap(this.sns), sfn: wrap(this.sfn) };
  }

  private async record(entry: TraceRecord): Promise<void> {
    this.trace.push(entry);
    if (this.traceFile) {
      await mkdir(dirname(this.traceFile), { recursive: true });
      await appendFile(this.traceFile, `${JSON.stringify(entry, (_k, v) => (typeof v === 'object' && v !== null && typeof (v as NodeJS.ReadableStream).pipe === 'function' ? '<stream>' : v))}\n`);
    }
  }
}

// Promises, not instances: two callers opening the same folder at once must get the same cloud.
const clouds = new Map<string, Promise<LocalCloud>>();

/**
 * The local cloud for a folder, one per folder per process (so the runner and the handlers it invokes share it).
 * @example const cloud = await localCloud({ root: '.work/cloud' })
 */
export async function localCloud(options: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> {
  const root = resolve(options.root ?? process.env.MLOPS_LOCAL_ROOT ?? '.work/cloud');
  let cloud = clouds.get(root);
  if (!cloud) {
    cloud = mkdir(root, { recursive: true }).then(() => new LocalCloud({ ...options, root }));
    clouds.set(root, cloud);
    cloud.catch(() => clouds.delete(root));
  }
  return cloud;
}

/** Forget cached clouds (tests). */
export function forgetLocalClouds(): void {
  clouds.clear();
}
