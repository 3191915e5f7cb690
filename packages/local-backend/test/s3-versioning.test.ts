import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';

const Bucket = 'versioned';
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-versioning-'));
  s3 = new LocalS3({ root });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const enable = (Status: 'Enabled' | 'Suspended') =>
  s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } }));
const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));
const read = async (Key: string, VersionId?: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToString();
const versionsOf = (Prefix = '') => s3.send(new ListObjectVersionsCommand({ Bucket, Prefix }));

describe('versioning', () => {
  it('reports the bucket status', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBeUndefined();
    await enable('Enabled');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    await expect(
      s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'On' as 'Enabled' } })),
    ).rejects.toMatchObject({ name: 'MalformedXML' });
  });

  it('keeps every version and serves each by id', async () => {
    await enable('Enabled');
    const first = await put('k', 'one');
    const second = await put('k', 'two');
    expect(first.VersionId).toBeTruthy();
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(await read('k')).toBe('two');
    expect(await read('k', first.VersionId)).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: first.VersionId }));
    expect(head).toMatchObject({ VersionId: first.VersionId, ContentLength: 3 });
    expect((await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).VersionId).toBe(second.VersionId);

    const { Versions } = await versionsOf();
    expect(Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [second.VersionId, true],
      [first.VersionId, false],
    ]);
  });

  it('turns a plain delete into a delete marker that hides the key until removed', async () => {
    await enable('Enabled');
    const first = await put('k', 'one');
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    expect(deleted.DeleteMarker).toBe(true);
    expect(deleted.VersionId).toBeTruthy();
    await expect(read('k')).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).rejects.toMatchObject({ name: 'NotFound' });
    await expect(read('k', deleted.VersionId)).rejects.toMatchObject({
      name: 'MethodNotAllowed',
      $metadata: { httpStatusCode: 405 },
    });
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(0);
    expect(await read('k', first.VersionId)).toBe('one');

    const listed = await versionsOf();
    expect(listed.DeleteMarkers).toEqual([
      expect.objectContaining({ Key: 'k', VersionId: deleted.VersionId, IsLatest: true }),
    ]);
    expect(listed.Versions).toEqual([
      expect.objectContaining({ Key: 'k', VersionId: first.VersionId, IsLatest: false }),
    ]);

    const undo = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: deleted.VersionId }));
    expect(undo).toMatchObject({ DeleteMarker: true, VersionId: deleted.VersionId });
    expect(await read('k')).toBe('one');
  });

  it('deletes a specific version permanently', async () => {
    await enable('Enabled');
    const first = await put('k', 'one');
    await put('k', 'two');
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: first.VersionId }));
    await expect(read('k', first.VersionId)).rejects.toMatchObject({
      name: 'NoSuchVersion',
      $metadata: { httpStatusCode: 404 },
    });
    expect((await versionsOf()).Versions).toHaveLength(1);
    const batch = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'k' }, { Key: 'k', VersionId: 'bad/../id' }] } }),
    );
    expect(batch.Deleted).toEqual([
      expect.objectContaining({ Key: 'k', DeleteMarker: true, DeleteMarkerVersionId: expect.any(String) }),
    ]);
    expect(batch.Errors).toEqual([expect.objectContaining({ Key: 'k', Code: 'InvalidArgument' })]);
  });

  it('treats unknown and malformed version ids as missing', async () => {
    await enable('Enabled');
    await put('k', 'one');
    for (const VersionId of ['00000000000000000000', '../../bucket.json', 'null']) {
      await expect(read('k', VersionId)).rejects.toMatchObject({ name: 'NoSuchVersion' });
    }
  });

  it('uses the null version while suspended, keeping earlier versions', async () => {
    await enable('Enabled');
    const kept = await put('k', 'kept');
    await enable('Suspended');
    expect((await put('k', 'null-1')).VersionId).toBe('null');
    expect((await put('k', 'null-2')).VersionId).toBe('null');
    expect(await read('k')).toBe('null-2');
    expect(await read('k', 'null')).toBe('null-2');
    const { Versions } = await versionsOf();
    expect(Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      ['null', true],
      [kept.VersionId, false],
    ]);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    expect(marker).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    expect((await versionsOf()).Versions?.map((v) => v.VersionId)).toEqual([kept.VersionId]);
  });

  it('lists null versions of an unversioned bucket and reports no version ids', async () => {
    const put1 = await put('k', 'x');
    expect(put1.VersionId).toBeUndefined();
    expect((await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).VersionId).toBeUndefined();
    expect((await versionsOf()).Versions).toEqual([
      expect.objectContaining({ Key: 'k', VersionId: 'null', IsLatest: true, Size: 1 }),
    ]);
  });

  it('copies an old version by ?versionId=', async () => {
    await enable('Enabled');
    const first = await put('src', 'old');
    await put('src', 'new');
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'dst', CopySource: `${Bucket}/src?versionId=${first.VersionId}` }),
    );
    expect(copy.CopySourceVersionId).toBe(first.VersionId);
    expect(copy.VersionId).toBeTruthy();
    expect(await read('dst')).toBe('old');
    // restoring an old version onto the same key is allowed
    await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'src', CopySource: `${Bucket}/src?versionId=${first.VersionId}` }),
    );
    expect(await read('src')).toBe('old');
    expect((await versionsOf('src')).Versions).toHaveLength(3);
  });

  it('paginates versions with key and version-id markers', async () => {
    await enable('Enabled');
    for (const body of ['1', '2', '3']) await put('a', body);
    await put('b', '4');
    const seen: string[] = [];
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (let page = 0; page < 10; page++) {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1, ...markers }));
      seen.push(...(out.Versions ?? []).map((v) => `${v.Key}:${v.IsLatest}`));
      if (!out.IsTruncated) break;
      markers = { KeyMarker: out.NextKeyMarker, VersionIdMarker: out.NextVersionIdMarker };
    }
    expect(seen).toEqual(['a:true', 'a:false', 'a:false', 'b:true']);
  });
});
