import { ListTopicsCommand } from '@aws-sdk/client-sns';
import type { LocalCloud } from '@mlops/local-backend';

/** A notification a run published (locally: a line of `<workdir>/cloud/sns/<topic>.jsonl`). */
export interface RunNotification {
  topicArn: string;
  subject: string | null;
  message: string;
  at: string;
  attributes: Record<string, string>;
}

/** How many messages each topic holds now: what a run publishes comes after. */
export type NotificationMark = Map<string, number>;

async function topics(cloud: LocalCloud): Promise<string[]> {
  const out = (await cloud.sns.send(new ListTopicsCommand({}))) as { Topics?: { TopicArn?: string }[] };
  return (out.Topics ?? []).flatMap((t) => (t.TopicArn ? [t.TopicArn] : []));
}

/** Remember where every topic's delivery log ends. */
export async function markNotifications(cloud: LocalCloud): Promise<NotificationMark> {
  const mark: NotificationMark = new Map();
  for (const topic of await topics(cloud)) mark.set(topic, (await cloud.sns.deliveries(topic)).length);
  return mark;
}

/**
 * The messages published since `mark` that are about run `runId` (its id in the message or a `runId` attribute),
 * oldest first, read back through LocalSns from the topics' delivery logs.
 */
export async function notificationsSince(
  cloud: LocalCloud,
  mark: NotificationMark,
  runId: string,
): Promise<RunNotification[]> {
  const found: RunNotification[] = [];
  for (const topicArn of await topics(cloud)) {
    const deliveries = (await cloud.sns.deliveries(topicArn)).slice(mark.get(topicArn) ?? 0);
    for (const d of deliveries) {
      const attributes = Object.fromEntries(
        Object.entries(d.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? v.BinaryValue ?? '']),
      );
      if (attributes.runId !== runId && !d.Message.includes(runId)) continue;
      found.push({ topicArn, subject: d.Subject ?? null, message: d.Message, at: d.Timestamp, attributes });
    }
  }
  return found.sort((a, b) => a.at.localeCompare(b.at));
}
