import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';
import { relativePathOf } from '../src/s3/transfer';

const Bucket = 'artifacts';
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-transfer-'));
  s3 = new LocalS3({ root: join(root, 's3') });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('helpers for other local services', () => {
  it('localPathOf gives the file holding the current version', async () => {
    await put('runs/r1/model.json', '{"w":1}');
    const path = await s3.localPathOf(Bucket, 'runs/r1/model.json');
    expect(path.startsWith(join(root, 's3', Bucket))).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('{"w":1}');
    await put('runs/r1/model.json', '{"w":2}');
    expect(await readFile(await s3.localPathOf(Bucket, 'runs/r1/model.json'), 'utf8')).toBe('{"w":2}');
    await expect(s3.localPathOf(Bucket, 'missing')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.localPathOf('no-bucket', 'k')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('moveFileIn moves a file its writer hashed into the bucket, as PutObject would store it', async () => {
    const file = join(root, 'part-0.csv.out');
    const text = 'key1,0.25,0\nkey2,0.75,1\n';
    await writeFile(file, text);
    const md5 = createHash('md5').update(text).digest('hex');
    const { ETag } = await s3.moveFileIn(Bucket, 'scored/part-0.csv.out', file, { md5, size: text.length });
    expect(ETag).toBe(`"${md5}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'scored/part-0.csv.out' }));
    expect(await got.Body?.transformToString()).toBe(text);
    expect(got.ETag).toBe(`"${md5}"`);
    // Moved, not copied; and no staged file left in the store.
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await filesUnder(join(root, 's3'))).filter((f) => f.includes('.tmp'))).toEqual([]);
    await expect(s3.moveFileIn('no-bucket', 'k', file, { md5, size: 1 })).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('putFile uploads a local file with the MD5 ETag', async () => {
    const file = join(root, 'local.csv');
    await writeFile(file, 'a,b\n1,2\n');
    const { ETag } = await s3.putFile(Bucket, 'data/local.csv', file, { contentType: 'text/csv' });
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'data/local.csv' }));
    expect(head).toMatchObject({ ETag, ContentType: 'text/csv', ContentLength: 8 });
  });

  it('uploadDir and downloadPrefix round-trip a folder tree', async () => {
    const source = join(root, 'out');
    await mkdir(join(source, 'train', 'nested'), { recursive: true });
    await writeFile(join(source, 'summary.json'), '{}');
    await writeFile(join(source, 'train', 'data.csv'), 'x\n1\n');
    await writeFile(join(source, 'train', 'nested', 'deep.txt'), 'deep');
    const keys = await s3.uploadDir(source, Bucket, 'runs/r1/prepared');
    expect(keys).toEqual([
      'runs/r1/prepared/summary.json',
      'runs/r1/prepared/train/data.csv',
      'runs/r1/prepared/train/nested/deep.txt',
    ]);
    expect(await s3.uploadDir(source, Bucket, 'copy/')).toHaveLength(3);

    const target = join(root, 'in');
    const written = await s3.downloadPrefix(Bucket, 'runs/r1/prepared/train', target);
    expect(written).toEqual([join(target, 'data.csv'), join(target, 'nested', 'deep.txt')]);
    expect(await readFile(join(target, 'data.csv'), 'utf8')).toBe('x\n1\n');

    const everything = join(root, 'all');
    await s3.downloadPrefix(Bucket, 'runs/r1/prepared/', everything);
    expect(await filesUnder(everything)).toEqual([
      'summary.json',
      join('train', 'data.csv'),
      join('train', 'nested', 'deep.txt'),
    ]);
    // downloaded files are copies: changing one leaves the object intact
    await writeFile(join(everything, 'summary.json'), 'changed');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'runs/r1/prepared/summary.json' }));
    expect(await got.Body!.transformToString()).toBe('{}');
  });

  it('downloads a single object by its exact key, and creates folder markers as folders', async () => {
    await put('datasets/p/incoming/data.csv', 'a\n');
    await put('datasets/p/incoming/empty/', '');
    const one = join(root, 'one');
    expect(await s3.downloadPrefix(Bucket, 'datasets/p/incoming/data.csv', one)).toEqual([join(one, 'data.csv')]);
    const all = join(root, 'all');
    await s3.downloadPrefix(Bucket, 'datasets/p/incoming/', all);
    expect((await readdir(all)).sort()).toEqual(['data.csv', 'empty']);
  });

  it('refuses keys that would land outside the download folder', async () => {
    await put('data/../escape', 'x');
    await expect(s3.downloadPrefix(Bucket, 'data/', join(root, 'dl'))).rejects.toMatchObject({
      name: 'InvalidArgument',
    });
    expect(await readdir(root)).not.toContain('escape');
  });

  it('maps keys to relative paths like SageMaker S3Prefix channels', () => {
    expect(relativePathOf('a/b/c.csv', 'a/b/')).toEqual(['c.csv']);
    expect(relativePathOf('a/b/c.csv', 'a/b')).toEqual(['c.csv']);
    expect(relativePathOf('a/b/c.csv', '')).toEqual(['a', 'b', 'c.csv']);
    expect(relativePathOf('a/b/c.csv', 'a/b/c.csv')).toEqual(['c.csv']);
    expect(relativePathOf('a/data.csv', 'a/da')).toEqual(['data.csv']);
    expect(relativePathOf('a/data/x.csv', 'a/da')).toEqual(['data', 'x.csv']);
    for (const key of ['p/../x', 'p/./x', 'p//x', 'p/a\\b']) expect(() => relativePathOf(key, 'p/')).toThrow();
  });
});
