import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';

const Bucket = 'listing';
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-list-'));
  s3 = new LocalS3({ root });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const putAll = async (keys: string[]) => {
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
};
const list = (input: Omit<ListObjectsV2CommandInput, 'Bucket'> = {}) =>
  s3.send(new ListObjectsV2Command({ Bucket, ...input }));

/** Follows NextContinuationToken to the end; returns every page. */
async function allPages(input: Omit<ListObjectsV2CommandInput, 'Bucket'>) {
  const pages = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await list({ ...input, ContinuationToken });
    pages.push(page);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
  return pages;
}

describe('ListObjectsV2', () => {
  it('lists keys in UTF-8 byte order, as S3 does (not JS string order)', async () => {
    const keys = ['b', 'a/b', 'a', 'a0', 'A', 'a%', 'é', '\uFF3A', '😀', 'a/c/d', 'a-'];
    await putAll(keys);
    const listed = (await list()).Contents!.map((object) => object.Key);
    expect(listed).toEqual(['A', 'a', 'a%', 'a-', 'a/b', 'a/c/d', 'a0', 'b', 'é', '\uFF3A', '😀']);
    expect([...keys].sort()).not.toEqual(listed); // JS sorts the surrogate pair of 😀 before U+FF3A
  });

  it('describes each object', async () => {
    await putAll(['k']);
    const { Contents, KeyCount, IsTruncated, Name, Prefix, MaxKeys } = await list();
    expect({ KeyCount, IsTruncated, Name, Prefix, MaxKeys }).toEqual({
      KeyCount: 1,
      IsTruncated: false,
      Name: Bucket,
      Prefix: '',
      MaxKeys: 1000,
    });
    expect(Contents).toEqual([
      {
        Key: 'k',
        Size: 1,
        ETag: '"8ce4b16b22b58894aa86c421e8759df3"',
        StorageClass: 'STANDARD',
        LastModified: expect.any(Date),
      },
    ]);
  });

  it('filters by Prefix and rolls up CommonPrefixes with a Delimiter', async () => {
    await putAll([
      'runs/p/r1/a.json',
      'runs/p/r1/b/c.json',
      'runs/p/r2/a.json',
      'runs/p/top.json',
      'runs/q/x',
      'runsy',
    ]);
    const byRun = await list({ Prefix: 'runs/p/', Delimiter: '/' });
    expect(byRun.Contents?.map((o) => o.Key)).toEqual(['runs/p/top.json']);
    expect(byRun.CommonPrefixes).toEqual([{ Prefix: 'runs/p/r1/' }, { Prefix: 'runs/p/r2/' }]);
    expect(byRun.KeyCount).toBe(3);
    const partial = await list({ Prefix: 'runs/p/r', Delimiter: '/' });
    expect(partial.Contents).toBeUndefined();
    expect(partial.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['runs/p/r1/', 'runs/p/r2/']);
    expect((await list({ Prefix: 'runs' })).KeyCount).toBe(6);
    expect((await list({ Delimiter: '/' })).CommonPrefixes).toEqual([{ Prefix: 'runs/' }]);
    expect((await list({ Prefix: 'nothing/' })).Contents).toBeUndefined();
    const multiChar = await list({ Delimiter: '/r' });
    expect(multiChar.CommonPrefixes).toEqual([{ Prefix: 'runs/p/r' }]);
    expect(multiChar.Contents?.map((o) => o.Key)).toEqual(['runs/p/top.json', 'runs/q/x', 'runsy']);
  });

  it('paginates with MaxKeys and continuation tokens, with no gaps or repeats', async () => {
    const keys = Array.from({ length: 25 }, (_, index) => `k/${String(index).padStart(2, '0')}`);
    await putAll(keys);
    const pages = await allPages({ MaxKeys: 10 });
    expect(pages.map((page) => [page.KeyCount, page.IsTruncated])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(pages.flatMap((page) => page.Contents!.map((o) => o.Key))).toEqual(keys);
    expect(pages[1]?.ContinuationToken).toBe(pages[0]?.NextContinuationToken);
  });

  it('paginates common prefixes without repeating them', async () => {
    await putAll(['a/1', 'a/2', 'b/1', 'c', 'd/1', 'd/2', 'e']);
    const pages = await allPages({ Delimiter: '/', MaxKeys: 2 });
    const entries = pages.flatMap((page) => [
      ...(page.CommonPrefixes ?? []).map((p) => p.Prefix),
      ...(page.Contents ?? []).map((o) => o.Key),
    ]);
    expect(entries.sort()).toEqual(['a/', 'b/', 'c', 'd/', 'e']);
    expect(pages).toHaveLength(3);
  });

  it('starts after StartAfter and ignores deleted keys', async () => {
    await putAll(['a', 'b', 'c', 'd']);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'c' }));
    expect((await list({ StartAfter: 'a' })).Contents?.map((o) => o.Key)).toEqual(['b', 'd']);
    expect((await list({ StartAfter: 'bb' })).Contents?.map((o) => o.Key)).toEqual(['d']);
  });

  it('rejects bad tokens and MaxKeys, and handles MaxKeys 0', async () => {
    await putAll(['a']);
    await expect(list({ ContinuationToken: 'garbage' })).rejects.toMatchObject({
      name: 'InvalidArgument',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(list({ MaxKeys: -1 })).rejects.toMatchObject({ name: 'InvalidArgument' });
    expect(await list({ MaxKeys: 0 })).toMatchObject({ KeyCount: 0, IsTruncated: false });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'absent' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});
