import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3, compareKeys, decodeSegment, encodeSegment } from '../src/s3';

const Bucket = 'keys';
const HOSTILE_KEYS = [
  '../x',
  '../../outside',
  '/abs',
  '/etc/passwd',
  'a/../../b',
  '.',
  '..',
  './a',
  'a/./b',
  '...',
  '\u202e',
  'evil\u202etxt.exe',
  'a\\..\\..\\b',
  'C:\\Windows',
  'a//b',
  'dir/',
  '//',
  '%2e%2e/y',
  '%',
  'a@',
  'a@/b',
  'nul\u0000byte',
  'new\nline',
  'tab\there',
  'café',
  'cafe\u0301',
  '😀/🚀',
  '~user/$HOME/*?<>|:"',
  ' spaced ',
];

let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-keys-'));
  await mkdir(join(root, 'cloud'));
  s3 = new LocalS3({ root: join(root, 'cloud') });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function allPaths(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...(await allPaths(path)));
  }
  return out;
}

describe('key ↔ path mapping', () => {
  it('encodes segments reversibly, escaping dots-only, separators and non-ASCII', () => {
    expect(encodeSegment('data.csv')).toBe('data.csv');
    expect(encodeSegment('pipeline=p')).toBe('pipeline=p');
    expect(encodeSegment('.')).toBe('%2E');
    expect(encodeSegment('..')).toBe('%2E%2E');
    expect(encodeSegment('')).toBe('%');
    expect(encodeSegment('a\\b')).toBe('a%5Cb');
    expect(encodeSegment('\u202e')).toBe('%E2%80%AE');
    expect(encodeSegment('a@b%c')).toBe('a%40b%25c');
    for (const segment of ['', '.', '..', 'x%y', '😀', 'a b', 'é\u0301', '%2E']) {
      expect(decodeSegment(encodeSegment(segment))).toBe(segment);
    }
  });

  it('keeps hostile keys inside the bucket folder and round-trips them exactly', async () => {
    for (const [index, Key] of HOSTILE_KEYS.entries()) {
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: `body ${index}` }));
    }
    expect(await readdir(root)).toEqual(['cloud']);
    const bucketDir = join(root, 'cloud', Bucket);
    for (const path of await allPaths(join(root, 'cloud'))) {
      const inside = relative(join(root, 'cloud'), path);
      expect(inside.startsWith('..')).toBe(false);
      if (path.startsWith(join(bucketDir, 'objects'))) expect(relative(bucketDir, path)).toMatch(/^[\x20-\x7E]+$/);
    }
    for (const [index, Key] of HOSTILE_KEYS.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
      expect(await got.Body!.transformToString()).toBe(`body ${index}`);
    }
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket }))).Contents!.map((object) => object.Key);
    expect(listed).toEqual([...HOSTILE_KEYS].sort(compareKeys));
  });

  it('keeps a key and the keys under it as the same prefix apart', async () => {
    for (const Key of ['a', 'a/b', 'a/b/c', 'a/']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    for (const Key of ['a', 'a/b', 'a/b/c', 'a/']) {
      expect(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()).toBe(Key);
    }
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a/b' }));
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket }))).Contents!.map((object) => object.Key);
    expect(listed).toEqual(['a', 'a/', 'a/b/c']);
  });

  it('copies between hostile keys', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: '../x', Body: 'x' }));
    await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'a/../../b', CopySource: `${Bucket}/${encodeURIComponent('../x')}` }),
    );
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'a/../../b' }))).Body!.transformToString()).toBe(
      'x',
    );
  });

  it('rejects keys that are not valid UTF-8 or too long for the disk', async () => {
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'bad\uD800', Body: '' }))).rejects.toMatchObject({
      name: 'InvalidArgument',
    });
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: '😀'.repeat(30), Body: '' }))).rejects.toMatchObject({
      name: 'KeyTooLongError',
    });
    await s3.send(new PutObjectCommand({ Bucket, Key: `${'d'.repeat(200)}/${'e'.repeat(200)}`, Body: 'fits' }));
  });
});
