/** LocalSns: topics whose "delivery" is a JSON line in `<root>/<topic>.jsonl` plus in-process listeners. */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  ListTopicsResponse,
  PublishInput,
  PublishResponse,
} from '@aws-sdk/client-sns';
import type { CommandOutput } from '../s3/command-output';
import { LocalService } from '../service';
import type { SdkCommandLike } from '../service';
import { assertTopicName, invalidParameter, topicNameOf, topicNotFound, validatePublish } from './validate';

/** One delivered message, as appended to the topic's `.jsonl` file (binary attribute values in base64). */
export interface SnsDelivery {
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  MessageGroupId?: string;
  Timestamp: string;
}

export type SnsListener = (delivery: SnsDelivery) => void;

export interface LocalSnsOptions {
  /** Its folder (the local cloud passes `<cloud root>/sns`): `topics/<name>.json` and `<name>.jsonl` logs. */
  root: string;
  /** Publish to an unknown topic creates it instead of failing with NotFound. Default false. */
  autoCreateTopics?: boolean;
  /** Used in topic ARNs. Default `AWS_REGION`, else `eu-west-1` (the local cloud's region). */
  region?: string;
  /** Used in topic ARNs. Default `000000000000`. */
  accountId?: string;
  listeners?: SnsListener[];
}

type Output<T> = Omit<T, '$metadata'>;

/**
 * SNS topics on disk. Publish validates like SNS, appends the message to `<root>/<topic>.jsonl` and calls the
 * listeners (errors in listeners become process warnings: delivery already happened).
 *
 * @example
 *   const sns = new LocalSns({ root: '.work/cloud/sns' });
 *   sns.onPublish((m) => console.log(`[${m.Subject}] ${m.Message}`));
 *   const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'mlops-dev-notify' }));
 *   await sns.send(new PublishCommand({ TopicArn, Subject: 'Run finished', Message: '…' }));
 */
/** Fault injection for reliability tests: `beforePublish` may throw (the publish then fails, nothing is delivered). */
export interface SnsFaults {
  beforePublish?(topicArn: string): void;
}

export class LocalSns extends LocalService {
  readonly serviceName = 'sns';
  /** Hooks for reliability tests; replace at any time. */
  faults: SnsFaults = {};
  readonly dir: string;
  private readonly region: string;
  private readonly accountId: string;
  private readonly autoCreate: boolean;
  private readonly listeners = new Set<SnsListener>();

  constructor(options: LocalSnsOptions) {
    super();
    this.dir = options.root;
    this.region = options.region ?? process.env.AWS_REGION ?? 'eu-west-1';
    this.accountId = options.accountId ?? '000000000000';
    this.autoCreate = options.autoCreateTopics ?? false;
    for (const listener of options.listeners ?? []) this.listeners.add(listener);
  }

  protected readonly operations = {
    CreateTopic: (input: never) => this.createTopic(input),
    Publish: (input: never) => this.publish(input),
    ListTopics: () => this.listTopics(),
    DeleteTopic: (input: never) => this.deleteTopic(input),
  };

  /** Like the SDK client's `send`, typed by the command. */
  override send<C extends SdkCommandLike>(command: C): Promise<CommandOutput<C>> {
    return super.send(command) as Promise<CommandOutput<C>>;
  }

  /** Calls `listener` for every message published from now on; returns the unsubscribe function. */
  onPublish(listener: SnsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The ARN this backend gives topic `name`. */
  topicArn(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** Every message delivered to a topic (by name or ARN), oldest first, read back from its `.jsonl` file. */
  async deliveries(topic: string): Promise<SnsDelivery[]> {
    const name = topic.startsWith('arn:') ? topicNameOf(topic) : topic;
    assertTopicName(name);
    const text = await readFile(join(this.dir, `${name}.jsonl`), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SnsDelivery);
  }

  private topicFile(name: string): string {
    return join(this.dir, 'topics', `${name}.json`);
  }

  private async createTopic(input: CreateTopicInput): Promise<Output<CreateTopicResponse>> {
    assertTopicName(input.Name);
    const fifo = input.Attributes?.FifoTopic === 'true';
    if (fifo !== input.Name.endsWith('.fifo'))
      throw invalidParameter('Fifo Topic names must end with .fifo and Standard Topic cannot end with .fifo');
    const TopicArn = this.topicArn(input.Name);
    await mkdir(join(this.dir, 'topics'), { recursive: true });
    const topic = {
      TopicArn,
      Name: input.Name,
      Attributes: input.Attributes ?? {},
      CreatedAt: new Date().toISOString(),
    };
    // CreateTopic is idempotent: an existing topic keeps its file.
    await writeFile(this.topicFile(input.Name), JSON.stringify(topic), { flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    return { TopicArn };
  }

  private async topicExists(name: string): Promise<boolean> {
    return readFile(this.topicFile(name)).then(
      () => true,
      () => false,
    );
  }

  private async publish(input: PublishInput): Promise<Output<PublishResponse>> {
    validatePublish(input);
    this.faults.beforePublish?.(input.TopicArn ?? '');
    const name = topicNameOf(input.TopicArn);
    if (!(await this.topicExists(name))) {
      if (!this.autoCreate) throw topicNotFound(input.TopicArn ?? '');
      await this.createTopic({ Name: name, Attributes: name.endsWith('.fifo') ? { FifoTopic: 'true' } : undefined });
    }
    if (name.endsWith('.fifo') && !input.MessageGroupId)
      throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    const delivery: SnsDelivery = {
      MessageId: randomUUID(),
      TopicArn: input.TopicArn ?? this.topicArn(name),
      Subject: input.Subject,
      Message: input.Message ?? '',
      MessageStructure: input.MessageStructure,
      MessageAttributes: serializeAttributes(input.MessageAttributes),
      MessageGroupId: input.MessageGroupId,
      Timestamp: new Date().toISOString(),
    };
    await appendFile(join(this.dir, `${name}.jsonl`), `${JSON.stringify(delivery)}\n`);
    this.notify(delivery);
    return { MessageId: delivery.MessageId, SequenceNumber: name.endsWith('.fifo') ? String(Date.now()) : undefined };
  }

  private notify(delivery: SnsDelivery): void {
    for (const listener of this.listeners) {
      try {
        listener(delivery);
      } catch (error) {
        process.emitWarning(`SNS listener failed: ${(error as Error).message}`, 'LocalSnsWarning');
      }
    }
  }

  private async listTopics(): Promise<Output<ListTopicsResponse>> {
    const files = await readdir(join(this.dir, 'topics')).catch(() => [] as string[]);
    const names = files.filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length));
    return { Topics: names.sort().map((name) => ({ TopicArn: this.topicArn(name) })) };
  }

  /** Deletes the topic (idempotent, like SNS); its delivery log stays for inspection. */
  private async deleteTopic(input: DeleteTopicInput): Promise<object> {
    await rm(this.topicFile(topicNameOf(input.TopicArn)), { force: true });
    return {};
  }
}

function serializeAttributes(attributes: PublishInput['MessageAttributes']): SnsDelivery['MessageAttributes'] {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType ?? 'String',
        StringValue: value.StringValue,
        BinaryValue: value.BinaryValue && Buffer.from(value.BinaryValue).toString('base64'),
      },
    ]),
  );
}
