import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Clients } from '@mlops/clients';

/** What `latest.json` must hold for the switch rule: the registry version of the model behind the predictions. */
interface VersionedPointer {
  runId: string;
  modelVersion: number;
}

const ATTEMPTS = 5;

async function current(s3: Clients['s3'], bucket: string, key: string): Promise<{ pointer: VersionedPointer; text: string; etag: string } | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await (out.Body as { transformToString(): Promise<string> }).transformToString();
    return { pointer: JSON.parse(text) as VersionedPointer, text, etag: out.ETag as string };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return undefined;
    throw error;
  }
}

/**
 * Switch `latest` to `pointer` unless it already points to a newer model version (two runs publishing at once: the
 * newer model wins whatever order they finish in, so `latest` and the champion — the newest Approved package —
 * always agree). A conditional write (If-Match / If-None-Match) makes the read-compare-write safe against a
 * concurrent switch; a lost race is re-read and re-judged. Returns whether `latest` now points to this run, and what it
 * held before.
 */
export async function switchLatest(s3: Clients['s3'], bucket: string, key: string, pointer: VersionedPointer): Promise<{ switched: boolean; previous?: string }> {
  for (let attempt = 1; ; attempt++) {
    const now = await current(s3, bucket, key);
    if (now && now.pointer.runId !== pointer.runId && now.pointer.modelVersion > pointer.modelVersion) return { switched: false };
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(pointer, null, 2),
          ContentType: 'application/json',
          ...(now ? { IfMatch: now.etag } : { IfNoneMatch: '*' }),
        }),
      );
      return { switched: true, previous: now?.text };
    } catch (error) {
      const name = (error as Error).name;
      const lostRace = name === 'PreconditionFailed' || name === 'ConditionalRequestConflict';
      if (!lostRace || attempt >= ATTEMPTS) throw error;
    }
  }
}

/**
 * Switch `latest` (see switchLatest), then run `after` (what follows the switch: drift baseline, registry approval).
 * If `after` fails, `latest` goes back to what it was before this run, so a failed run never leaves `latest` moved.
 * @example await withLatestSwitched(s3, bucket, key, pointer, async (switched) => approve())
 */
export async function withLatestSwitched(
  s3: Clients['s3'],
  bucket: string,
  key: string,
  pointer: VersionedPointer,
  after: (switched: boolean) => Promise<void>,
): Promise<boolean> {
  const { switched, previous } = await switchLatest(s3, bucket, key, pointer);
  try {
    await after(switched);
  } catch (error) {
    if (switched) {
      await s3.send(
        previous === undefined
          ? new DeleteObjectCommand({ Bucket: bucket, Key: key })
          : new PutObjectCommand({ Bucket: bucket, Key: key, Body: previous, ContentType: 'application/json' }),
      );
    }
    throw error;
  }
  return switched;
}
