import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';

const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');
const Bucket = 'data-bucket';
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-objects-'));
  s3 = new LocalS3({ root: join(root, 's3') });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const put = (Key: string, Body: unknown, extra: Record<string, unknown> = {}) =>
  s3.send(new PutObjectCommand({ Bucket, Key, Body: Body as string, ...extra }));
const getText = async (Key: string, extra: Record<string, unknown> = {}) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }))).Body!.transformToString();

/** Deterministic 20 MB in 64 KiB chunks, produced lazily. */
function* chunks(total: number): Generator<Buffer> {
  for (let offset = 0, index = 0; offset < total; offset += 65536, index++) {
    yield Buffer.alloc(Math.min(65536, total - offset), index % 251);
  }
}

describe('buckets', () => {
  it('creates, heads, lists and deletes buckets', async () => {
    await expect(s3.send(new HeadBucketCommand({ Bucket }))).resolves.toMatchObject({
      $metadata: { httpStatusCode: 200 },
    });
    await expect(s3.send(new CreateBucketCommand({ Bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((bucket) => bucket.Name)).toEqual([Bucket]);
    await put('k', 'v');
    await expect(s3.send(new DeleteBucketCommand({ Bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    await expect(s3.send(new HeadBucketCommand({ Bucket }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('validates bucket names', async () => {
    for (const name of [
      'ab',
      'UPPER',
      'a..b',
      '-abc',
      'abc-',
      '192.168.0.1',
      'xn--abc',
      'a_b',
      '../etc',
      'x'.repeat(64),
      'ab-s3alias',
    ]) {
      await expect(s3.send(new CreateBucketCommand({ Bucket: name }))).rejects.toMatchObject({
        name: 'InvalidBucketName',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'my.bucket-1' }))).resolves.toMatchObject({
      Location: '/my.bucket-1',
    });
  });

  it('answers NoSuchBucket for objects in a missing bucket', async () => {
    await expect(s3.send(new PutObjectCommand({ Bucket: 'missing', Key: 'k', Body: 'x' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'missing', Key: 'k' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('names unsupported operations', async () => {
    await expect(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: '{}' }))).rejects.toMatchObject({
      name: 'UnsupportedOperation',
      message: expect.stringContaining('PutBucketPolicy'),
    });
  });
});

describe('PutObject / GetObject / HeadObject', () => {
  it.each([
    ['string', 'héllo wörld', 'héllo wörld'],
    ['Buffer', Buffer.from('buffer body'), 'buffer body'],
    ['Uint8Array', new TextEncoder().encode('bytes body'), 'bytes body'],
    ['Node Readable', Readable.from([Buffer.from('stream '), Buffer.from('body')]), 'stream body'],
    ['string-chunk Readable', Readable.from(['text ', 'chunks']), 'text chunks'],
    ['web ReadableStream', new Blob(['web stream body']).stream(), 'web stream body'],
    ['Blob', new Blob(['blob body']), 'blob body'],
    ['undefined', undefined, ''],
  ])('round-trips a %s body with the MD5 ETag', async (_type, body, text) => {
    const { ETag, VersionId } = await put('k', body);
    expect(ETag).toBe(`"${md5(text)}"`);
    expect(VersionId).toBeUndefined();
    expect(await getText('k')).toBe(text);
  });

  it('returns the SDK body mixin: string, bytes, web stream and a Node Readable', async () => {
    await put('k', 'mixin');
    const get = () => s3.send(new GetObjectCommand({ Bucket, Key: 'k' }));
    expect(new TextDecoder().decode(await (await get()).Body!.transformToByteArray())).toBe('mixin');
    const web = (await get()).Body!.transformToWebStream();
    expect(await new Response(web as ReadableStream).text()).toBe('mixin');
    const body = (await get()).Body!;
    expect(body).toBeInstanceOf(Readable);
    const parts: Buffer[] = [];
    for await (const chunk of body as Readable) parts.push(chunk as Buffer);
    expect(Buffer.concat(parts).toString()).toBe('mixin');
    const once = (await get()).Body!;
    await once.transformToString();
    await expect(once.transformToString()).rejects.toThrow(/already been transformed/);
  });

  it('stores content type, metadata (lower-cased names) and standard headers', async () => {
    await put('m.json', '{}', { ContentType: 'application/json', Metadata: { RunId: 'r1' }, CacheControl: 'no-cache' });
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'm.json' }));
    expect(head).toMatchObject({
      ContentType: 'application/json',
      Metadata: { runid: 'r1' },
      ContentLength: 2,
      CacheControl: 'no-cache',
      ETag: `"${md5('{}')}"`,
    });
    expect(head.LastModified).toBeInstanceOf(Date);
    expect(head.LastModified!.getMilliseconds()).toBe(0);
    await put('plain', 'x');
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'plain' }))).ContentType).toBe('binary/octet-stream');
  });

  it('streams a 20 MB body in and out', async () => {
    const size = 20 * 1024 * 1024;
    const expected = createHash('md5');
    for (const chunk of chunks(size)) expected.update(chunk);
    const { ETag } = await put('big.bin', Readable.from(chunks(size)), { ContentLength: size });
    expect(ETag).toBe(`"${expected.digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
    expect(got.ContentLength).toBe(size);
    const hash = createHash('md5');
    let bytes = 0;
    for await (const chunk of got.Body as Readable) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    expect([bytes, `"${hash.digest('hex')}"`]).toEqual([size, ETag]);
    const tail = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin', Range: `bytes=${65536 * 100 - 1}-` }));
    const tailBytes = await tail.Body!.transformToByteArray();
    expect(tailBytes.length).toBe(size - 65536 * 100 + 1);
    expect([tailBytes[0], tailBytes[1], tailBytes.at(-1)]).toEqual([99, 100, (size / 65536 - 1) % 251]);
  });

  it('serves byte ranges like S3', async () => {
    await put('r', '0123456789');
    const ranged = await s3.send(new GetObjectCommand({ Bucket, Key: 'r', Range: 'bytes=2-5' }));
    expect(ranged).toMatchObject({ ContentLength: 4, ContentRange: 'bytes 2-5/10' });
    expect(await ranged.Body!.transformToString()).toBe('2345');
    expect(await getText('r', { Range: 'bytes=7-' })).toBe('789');
    expect(await getText('r', { Range: 'bytes=-3' })).toBe('789');
    expect(await getText('r', { Range: 'bytes=8-100' })).toBe('89');
    expect(await getText('r', { Range: 'lines=1-2' })).toBe('0123456789');
    await expect(getText('r', { Range: 'bytes=10-' })).rejects.toMatchObject({
      name: 'InvalidRange',
      $metadata: { httpStatusCode: 416 },
    });
  });

  it('evaluates If-Match / If-None-Match on reads and writes', async () => {
    const { ETag } = await put('c', 'v1');
    expect(await getText('c', { IfMatch: ETag })).toBe('v1');
    await expect(getText('c', { IfMatch: '"nope"' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(getText('c', { IfNoneMatch: ETag })).rejects.toMatchObject({
      name: 'NotModified',
      $metadata: { httpStatusCode: 304 },
    });
    await expect(put('c', 'v2', { IfNoneMatch: '*' })).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(put('c', 'v2', { IfMatch: '"stale"' })).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await put('c', 'v2', { IfMatch: ETag });
    expect(await getText('c')).toBe('v2');
    await put('fresh', 'new', { IfNoneMatch: '*' });
  });

  it('checks ContentLength and ContentMD5, leaving nothing staged', async () => {
    await expect(put('k', 'abc', { ContentLength: 5 })).rejects.toMatchObject({ name: 'IncompleteBody' });
    await expect(
      put('k', 'abc', { ContentMD5: Buffer.from(md5('xyz'), 'hex').toString('base64') }),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    await put('k', 'abc', { ContentMD5: Buffer.from(md5('abc'), 'hex').toString('base64') });
    expect(await readdir(join(root, 's3', '.tmp'))).toEqual([]);
  });

  it('reports missing objects with the SDK error names', async () => {
    await expect(getText('nope')).rejects.toMatchObject({
      name: 'NoSuchKey',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'nope' }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(put('', 'x')).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(put('k'.repeat(1025), 'x')).rejects.toMatchObject({ name: 'KeyTooLongError' });
  });
});

describe('CopyObject', () => {
  it('copies within and across buckets with URL-encoded sources, keeping or replacing metadata', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
    const { ETag } = await put('dir/a b+ü.txt', 'payload', { ContentType: 'text/plain', Metadata: { k: 'v' } });
    const source = `${Bucket}/${encodeURIComponent('dir/a b+ü.txt')}`;
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: 'other-bucket', Key: 'copy.txt', CopySource: source }),
    );
    expect(copied.CopyObjectResult).toMatchObject({ ETag });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'other-bucket', Key: 'copy.txt' }));
    expect(head).toMatchObject({ ContentType: 'text/plain', Metadata: { k: 'v' }, ETag });
    await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'replaced',
        CopySource: `/${source}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'a/b',
      }),
    );
    expect(await s3.send(new HeadObjectCommand({ Bucket, Key: 'replaced' }))).toMatchObject({
      ContentType: 'a/b',
      Metadata: {},
    });
    expect(await getText('replaced')).toBe('payload');
    await put('dir/a b+ü.txt', 'changed');
    expect(
      await s3
        .send(new GetObjectCommand({ Bucket: 'other-bucket', Key: 'copy.txt' }))
        .then((r) => r.Body!.transformToString()),
    ).toBe('payload');
  });

  it('refuses bad copies', async () => {
    await put('k', 'v');
    await expect(s3.send(new CopyObjectCommand({ Bucket, Key: 'k', CopySource: `${Bucket}/k` }))).rejects.toMatchObject(
      { name: 'InvalidRequest' },
    );
    await expect(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/missing` })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: 'no-such-bucket/k' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: 'nonsense' }))).rejects.toMatchObject({
      name: 'InvalidArgument',
    });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/k`, CopySourceIfMatch: '"other"' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' });
  });
});

describe('DeleteObject / DeleteObjects', () => {
  it('deletes objects (idempotently) and reports each key of a batch', async () => {
    await put('a', '1');
    await put('b/c', '2');
    expect(await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a' }))).toMatchObject({
      $metadata: { httpStatusCode: 200 },
    });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a' }));
    await expect(getText('a')).rejects.toMatchObject({ name: 'NoSuchKey' });
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'b/c' }, { Key: 'never' }] } }),
    );
    expect(result.Deleted).toEqual([{ Key: 'b/c' }, { Key: 'never' }]);
    expect(result.Errors).toBeUndefined();
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'x' }], Quiet: true } }));
    expect(quiet.Deleted).toBeUndefined();
    await expect(s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [] } }))).rejects.toMatchObject({
      name: 'MalformedXML',
    });
    expect(await readdir(join(root, 's3', Bucket, 'objects'))).toEqual([]);
  });
});
