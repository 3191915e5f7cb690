import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';
import { LocalServiceError } from '../src/service';

const Bucket = 'reliable';
const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-reliability-'));
  s3 = new LocalS3({ root });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const read = async (Key: string) => (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

/** A promise with its resolve function exposed. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('atomic writes', () => {
  it('a reader during a slow streamed write sees the old object, then the new one', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'model.json', Body: 'old' }));
    const halfway = signal();
    const release = signal();
    async function* slowBody() {
      yield Buffer.alloc(512 * 1024, 'n');
      halfway.resolve(); // the first half has been consumed by the writer
      await release.promise;
      yield Buffer.alloc(512 * 1024, 'n');
    }
    const writing = s3.send(new PutObjectCommand({ Bucket, Key: 'model.json', Body: Readable.from(slowBody()) }));
    await halfway.promise;

    expect(await read('model.json')).toBe('old');
    expect(await s3.send(new HeadObjectCommand({ Bucket, Key: 'model.json' }))).toMatchObject({
      ContentLength: 3,
      ETag: `"${md5('old')}"`,
    });
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.[0]?.Size).toBe(3);
    expect((await readdir(join(root, '.tmp'))).length).toBeGreaterThan(0); // the new bytes are staged, not visible

    release.resolve();
    const { ETag } = await writing;
    const updated = await s3.send(new GetObjectCommand({ Bucket, Key: 'model.json' }));
    expect(updated).toMatchObject({ ContentLength: 1024 * 1024, ETag });
    expect(md5(await updated.Body!.transformToByteArray())).toBe(ETag!.slice(1, -1));
  });

  it('a first write is invisible until complete', async () => {
    const halfway = signal();
    const release = signal();
    async function* slowBody() {
      yield 'part one,';
      halfway.resolve();
      await release.promise;
      yield 'part two';
    }
    const writing = s3.send(new PutObjectCommand({ Bucket, Key: 'new', Body: Readable.from(slowBody()) }));
    await halfway.promise;
    await expect(read('new')).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(0);
    release.resolve();
    await writing;
    expect(await read('new')).toBe('part one,part two');
  });

  it('concurrent writers and readers always see a complete object whose ETag matches its bytes', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'hot', Body: 'v0' }));
    const writes = Array.from({ length: 20 }, (_, index) =>
      s3.send(new PutObjectCommand({ Bucket, Key: 'hot', Body: `version ${index} `.repeat(1000 * (index + 1)) })),
    );
    const reads = Array.from({ length: 40 }, async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'hot' }));
      const bytes = await got.Body!.transformToByteArray();
      expect(`"${md5(bytes)}"`).toBe(got.ETag);
      expect(bytes.length).toBe(got.ContentLength);
    });
    await Promise.all([...writes, ...reads]);
    expect(await readdir(join(root, Bucket, 'objects', 'hot@'))).toHaveLength(2); // one record + one blob remain
  });

  it('a failing body stream leaves the previous object and no staging files', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'kept' }));
    async function* failing() {
      yield 'partial';
      throw new Error('connection reset');
    }
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Readable.from(failing()) }))).rejects.toThrow(
      'connection reset',
    );
    expect(await read('k')).toBe('kept');
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });
});

describe('fault hook', () => {
  const injected = () => new LocalServiceError('InternalError', 'injected fault', { status: 500 });

  it('runs before every write with bucket and key, and its error fails the write untouched', async () => {
    const calls: string[] = [];
    s3.faults = {
      beforeWrite(bucket, key) {
        calls.push(`${bucket}/${key}`);
        if (key.startsWith('boom')) throw injected();
      },
    };
    await s3.send(new PutObjectCommand({ Bucket, Key: 'ok', Body: 'fine' }));
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'boom', Body: 'x' }))).rejects.toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'boom' }))).rejects.toMatchObject({ name: 'NotFound' });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'boom-copy', CopySource: `${Bucket}/ok` })),
    ).rejects.toMatchObject({ name: 'InternalError' });
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy', CopySource: `${Bucket}/ok` }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'copy' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new GetObjectCommand({ Bucket, Key: 'ok' })).then((got) => got.Body!.transformToString());
    expect(calls).toEqual([
      `${Bucket}/ok`,
      `${Bucket}/boom`,
      `${Bucket}/boom-copy`,
      `${Bucket}/copy`,
      `${Bucket}/copy`,
      `${Bucket}/`,
    ]);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('reports per-key failures in DeleteObjects', async () => {
    for (const Key of ['a', 'boom-b']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    s3.faults.beforeWrite = (_bucket, key) => {
      if (key.startsWith('boom')) throw injected();
    };
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'a' }, { Key: 'boom-b' }] } }),
    );
    expect(result.Deleted).toEqual([{ Key: 'a' }]);
    expect(result.Errors).toEqual([{ Key: 'boom-b', Code: 'InternalError', Message: 'injected fault' }]);
    expect(await read('boom-b')).toBe('boom-b');
  });

  it('may be async, e.g. to hold a write at a chosen point', async () => {
    const entered = signal();
    const proceed = signal();
    const local = new LocalS3({
      root,
      faults: {
        async beforeWrite() {
          entered.resolve();
          await proceed.promise;
        },
      },
    });
    const writing = local.send(new PutObjectCommand({ Bucket, Key: 'held', Body: 'x' }));
    await entered.promise;
    await expect(read('held')).rejects.toMatchObject({ name: 'NoSuchKey' });
    proceed.resolve();
    await writing;
    expect(await read('held')).toBe('x');
  });
});
