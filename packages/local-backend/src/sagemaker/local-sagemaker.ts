import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Tag } from '@aws-sdk/client-sagemaker';
import type { CommandOutput } from '../s3/command-output';
import { LocalService, type SdkCommandLike } from '../service';
import type { SageMakerContext } from './context';
import { createEndpoint, createEndpointConfig, deleteEndpoint, describeEndpoint, describeEndpointConfig, updateEndpoint } from './endpoints';
import { ImageBundler } from './images';
import { createModel, deleteModel, describeModel } from './models';
import { createProcessingJob, describeProcessingJob } from './processing';
import {
  createModelPackage,
  createModelPackageGroup,
  describeModelPackage,
  describeModelPackageGroup,
  listModelPackages,
  updateModelPackage,
} from './registry';
import { ProcessRunner, type ContainerRunner, type ContainerSpec, type RunningContainer } from './runner';
import { stopModelServer, type ModelServer } from './serve';
import { ResourceStore } from './store';
import { addTags, listTags, recordTags } from './tags';
import { createTrainingJob, describeTrainingJob } from './training';
import { createTuningJob, describeTuningJob, listTuningJobs, listTuningTrials } from './tuning';
import { createTransformJob, describeTransformJob } from './transform';
import type { JobRef, LocalSageMakerOptions, SageMakerFaults } from './types';

/** Payload of the `spawn` and `exit` events: one container process of a job. */
export interface ContainerEvent {
  pid: number;
  job: JobRef;
}

type Operation = (ctx: SageMakerContext, input: never) => Promise<object>;

const operations: Record<string, Operation> = {
  CreateProcessingJob: createProcessingJob,
  DescribeProcessingJob: describeProcessingJob,
  CreateTrainingJob: createTrainingJob,
  DescribeTrainingJob: describeTrainingJob,
  CreateHyperParameterTuningJob: createTuningJob,
  DescribeHyperParameterTuningJob: describeTuningJob,
  ListTrainingJobsForHyperParameterTuningJob: listTuningTrials,
  ListHyperParameterTuningJobs: listTuningJobs,
  CreateModel: createModel,
  DescribeModel: describeModel,
  DeleteModel: deleteModel,
  CreateTransformJob: createTransformJob,
  DescribeTransformJob: describeTransformJob,
  CreateEndpointConfig: createEndpointConfig,
  DescribeEndpointConfig: describeEndpointConfig,
  CreateEndpoint: createEndpoint,
  UpdateEndpoint: updateEndpoint,
  DescribeEndpoint: describeEndpoint,
  DeleteEndpoint: deleteEndpoint,
  CreateModelPackageGroup: createModelPackageGroup,
  DescribeModelPackageGroup: describeModelPackageGroup,
  CreateModelPackage: createModelPackage,
  DescribeModelPackage: describeModelPackage,
  ListModelPackages: listModelPackages,
  UpdateModelPackage: updateModelPackage,
  AddTags: addTags,
  ListTags: listTags,
};

/**
 * SageMaker on this machine, behind the SDK's `send(command)`: jobs really run (the image's program as a host
 * process under SageMaker's `/opt/ml` contract), state is JSON under `root` so other processes can read it.
 * Jobs run as background tasks of the constructing process; `settled()` waits for them.
 *
 * @example
 * const sagemaker = new LocalSageMaker({ root: '.work/cloud/sagemaker', s3, region: 'eu-west-1', accountId: '000000000000', repoRoot });
 * await sagemaker.send(new CreateTrainingJobCommand({ ... }));
 * await sagemaker.settled();
 */
export class LocalSageMaker extends LocalService {
  readonly serviceName = 'sagemaker';
  readonly root: string;
  /** Emits `spawn` and `exit` with a {@link ContainerEvent} for every container process. */
  readonly events = new EventEmitter();
  /** The fault hooks jobs consult when they start (reliability tests mutate this object). */
  readonly faults: SageMakerFaults;
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly servers = new Map<string, ModelServer>();
  private readonly context: SageMakerContext;
  protected readonly operations: Record<string, (input: never) => Promise<unknown>>;

  constructor(options: LocalSageMakerOptions) {
    super();
    this.root = options.root;
    const faults = options.faults ?? {};
    this.faults = faults;
    const inner = options.runner ?? new ProcessRunner(new ImageBundler(options.repoRoot, options.imageCacheDir ?? join(options.root, '.images')), faults);
    this.context = {
      region: options.region,
      accountId: options.accountId,
      root: options.root,
      s3: options.s3,
      store: new ResourceStore(options.root),
      runner: this.observed(inner),
      timeScale: options.timeScale ?? 1,
      faults,
      servers: this.servers,
      background: (task) => this.track(task),
      progress: (event, payload) => void this.events.emit(event, payload),
    };
    this.operations = Object.fromEntries(
      Object.entries(operations).map(([name, op]) => [name, (input: never) => this.call(op, input)]),
    );
  }

  /** Like the SDK client's `send`, typed by the command: `send(new DescribeTrainingJobCommand(…))` gives its output. */
  override send<C extends SdkCommandLike>(command: C): Promise<CommandOutput<C>> {
    return super.send(command) as Promise<CommandOutput<C>>;
  }

  /** Resolves once every job started by this instance has ended (including jobs started meanwhile). */
  async settled(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Wait for running jobs, then stop the endpoint servers this instance started (their endpoints read as Failed). */
  async close(): Promise<void> {
    await this.settled();
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map((s) => stopModelServer(s)));
  }

  private async call(op: Operation, input: never): Promise<object> {
    const output = await op(this.context, input);
    const tags = (input as { Tags?: Tag[] } | undefined)?.Tags;
    const arn = Object.entries(output).find(([k, v]) => k.endsWith('Arn') && typeof v === 'string')?.[1] as string | undefined;
    if (tags !== undefined && tags.length > 0 && arn !== undefined) await recordTags(this.context, arn, tags);
    return output;
  }

  private track<T>(task: Promise<T>): Promise<T> {
    this.tasks.add(task);
    task.catch(() => undefined).finally(() => this.tasks.delete(task));
    return task;
  }

  /** Wrap a runner so every container process is announced (`spawn`, `exit`), whatever runs it. */
  private observed(runner: ContainerRunner): ContainerRunner {
    return {
      start: async (spec: ContainerSpec): Promise<RunningContainer> => {
        const container = await runner.start(spec);
        const event: ContainerEvent = { pid: container.pid, job: spec.job };
        this.events.emit('spawn', event);
        void container.exited.then(() => this.events.emit('exit', event));
        return container;
      },
    };
  }
}
