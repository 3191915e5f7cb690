import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnsDelivery } from '../src/sns';
import { LocalSns } from '../src/sns';

let root: string;
let sns: LocalSns;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sns-'));
  sns = new LocalSns({ root, region: 'eu-west-1' });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const createTopic = async (Name = 'mlops-dev-notify') => (await sns.send(new CreateTopicCommand({ Name }))).TopicArn!;

describe('LocalSns', () => {
  it('creates topics idempotently with SNS-style ARNs and lists them', async () => {
    const arn = await createTopic();
    expect(arn).toBe('arn:aws:sns:eu-west-1:000000000000:mlops-dev-notify');
    expect(await createTopic()).toBe(arn);
    await createTopic('other_topic');
    const { Topics } = await sns.send(new ListTopicsCommand({}));
    expect(Topics?.map((topic) => topic.TopicArn)).toEqual([arn, 'arn:aws:sns:eu-west-1:000000000000:other_topic']);
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toHaveLength(1);
  });

  it('delivers a publish to the topic log and to listeners', async () => {
    const TopicArn = await createTopic();
    const heard: SnsDelivery[] = [];
    const stop = sns.onPublish((delivery) => heard.push(delivery));
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: 'Run r1 finished',
        Message: JSON.stringify({ runId: 'r1', outcome: 'promoted' }),
        MessageAttributes: {
          outcome: { DataType: 'String', StringValue: 'promoted' },
          auc: { DataType: 'Number', StringValue: '0.91' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = (await readFile(join(root, 'mlops-dev-notify.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const delivered = JSON.parse(lines[0]!) as SnsDelivery;
    expect(delivered).toMatchObject({
      MessageId,
      TopicArn,
      Subject: 'Run r1 finished',
      MessageAttributes: {
        outcome: { DataType: 'String', StringValue: 'promoted' },
        raw: { DataType: 'Binary', BinaryValue: 'AQID' },
      },
    });
    expect(heard).toEqual([delivered]);
    stop();
    await sns.send(new PublishCommand({ TopicArn, Message: 'second' }));
    expect(heard).toHaveLength(1);
    expect((await sns.deliveries(TopicArn)).map((d) => d.Message)).toEqual([delivered.Message, 'second']);
    expect(await sns.deliveries('mlops-dev-notify')).toHaveLength(2);
  });

  it('keeps publishing when a listener throws', async () => {
    const TopicArn = await createTopic();
    const local = new LocalSns({
      root,
      region: 'eu-west-1',
      listeners: [
        () => {
          throw new Error('printer broke');
        },
      ],
    });
    await expect(local.send(new PublishCommand({ TopicArn, Message: 'still delivered' }))).resolves.toHaveProperty(
      'MessageId',
    );
    expect(await sns.deliveries(TopicArn)).toHaveLength(1);
  });

  it('answers NotFound for unknown topics unless auto-creation is on', async () => {
    const TopicArn = 'arn:aws:sns:eu-west-1:000000000000:never-created';
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      Code: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
    const auto = new LocalSns({ root, region: 'eu-west-1', autoCreateTopics: true });
    await auto.send(new PublishCommand({ TopicArn, Message: 'x' }));
    expect((await auto.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn }]);
    await sns.send(new PublishCommand({ TopicArn, Message: 'now it exists' }));
  });

  it('validates like SNS: subject, size, structure, attributes, names', async () => {
    const TopicArn = await createTopic();
    const invalid = { name: 'InvalidParameterException', Code: 'InvalidParameter', $metadata: { httpStatusCode: 400 } };
    const publish = (input: Partial<ConstructorParameters<typeof PublishCommand>[0]>) =>
      sns.send(new PublishCommand({ TopicArn, Message: 'm', ...input }));
    await publish({ Subject: 's'.repeat(100) });
    await expect(publish({ Subject: 's'.repeat(101) })).rejects.toMatchObject(invalid);
    await expect(publish({ Subject: 'line\nbreak' })).rejects.toMatchObject(invalid);
    await expect(publish({ Subject: '' })).rejects.toMatchObject(invalid);
    await expect(publish({ Message: '' })).rejects.toMatchObject(invalid);
    await publish({ Message: 'x'.repeat(256 * 1024) });
    await expect(publish({ Message: 'x'.repeat(256 * 1024 + 1) })).rejects.toMatchObject(invalid);
    await expect(publish({ Message: 'é'.repeat(128 * 1024 + 1) })).rejects.toMatchObject(invalid);
    await expect(
      publish({
        Message: 'x'.repeat(256 * 1024 - 4),
        MessageAttributes: { big: { DataType: 'String', StringValue: 'yyyy' } },
      }),
    ).rejects.toMatchObject(invalid);
    await expect(publish({ MessageStructure: 'json', Message: '{"email":"x"}' })).rejects.toMatchObject(invalid);
    await publish({ MessageStructure: 'json', Message: '{"default":"x"}' });
    await expect(
      publish({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(
      publish({ MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } } }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(publish({ TopicArn: 'not-an-arn' })).rejects.toMatchObject(invalid);
    await expect(publish({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:../../etc' })).rejects.toMatchObject(invalid);
    await expect(publish({ TopicArn: undefined, PhoneNumber: '+100' })).rejects.toMatchObject(invalid);
    await expect(sns.send(new CreateTopicCommand({ Name: '../escape' }))).rejects.toMatchObject(invalid);
    await expect(sns.send(new CreateTopicCommand({ Name: 'plain.fifo' }))).rejects.toMatchObject(invalid);
  });

  it('requires a message group on FIFO topics', async () => {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: 'events.fifo', Attributes: { FifoTopic: 'true' } }),
    );
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const out = await sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageGroupId: 'g' }));
    expect(out.SequenceNumber).toBeDefined();
  });

  it('names unsupported operations', async () => {
    await expect(
      sns.send(new SubscribeCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:t', Protocol: 'email' })),
    ).rejects.toMatchObject({
      name: 'UnsupportedOperation',
    });
  });
});
