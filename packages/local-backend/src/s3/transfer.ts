/** File ↔ bucket helpers for other local services (SageMaker channels, processing outputs), on the same code paths. */
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { S3Errors } from './errors';
import type { S3Context } from './objects';
import { putObject, putStaged } from './objects';
import { writeBody, type WrittenBody } from './body';

/**
 * Path of the bytes of the current version of `bucket/key`, for fast local copies. Treat it as read-only: it is
 * unlinked (never rewritten) when the key is next overwritten or deleted, so copy it promptly.
 */
export async function localPathOf(ctx: S3Context, bucket: string, key: string): Promise<string> {
  await ctx.store.bucket(bucket);
  const record = await ctx.store.latest(bucket, key);
  if (!record || record.deleteMarker) throw S3Errors.noSuchKey(bucket, key);
  return ctx.store.blobPath(bucket, record);
}

/** Uploads a local file as `bucket/key` (streamed, like PutObject). */
export async function putFile(
  ctx: S3Context,
  bucket: string,
  key: string,
  path: string,
  options: { contentType?: string; metadata?: Record<string, string> } = {},
): Promise<{ ETag?: string; VersionId?: string }> {
  const { ETag, VersionId } = await putObject(ctx, {
    Bucket: bucket,
    Key: key,
    // 1 MiB reads: hashing and copying a large file in 64 KiB chunks costs noticeably more CPU.
    Body: createReadStream(path, { highWaterMark: 1 << 20 }),
    ContentType: options.contentType,
    Metadata: options.metadata,
  });
  return { ETag, VersionId };
}

/**
 * Makes a local file its writer already hashed (`written`: MD5 and size, as a job hashes its output while writing it)
 * the new version of `bucket/key` by moving it into the store: no second pass over the bytes. Same checks, faults and
 * record as PutObject. The file is gone afterwards; on another filesystem it is copied (and hashed again) instead.
 */
export async function moveFileIn(
  ctx: S3Context,
  bucket: string,
  key: string,
  path: string,
  written: WrittenBody,
  options: { contentType?: string } = {},
): Promise<{ ETag?: string; VersionId?: string }> {
  const { ETag, VersionId } = await putStaged(ctx, { Bucket: bucket, Key: key, ContentType: options.contentType }, async (staged) => {
    try {
      await rename(path, staged);
      return written;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const copied = await writeBody(createReadStream(path, { highWaterMark: 1 << 20 }), staged);
      await rm(path, { force: true });
      return copied;
    }
  });
  return { ETag, VersionId };
}

/**
 * Where a key lands under a download folder. The prefix names a folder when it is empty, ends with `/`, or is followed
 * by `/` in the key: the rest of the key is the relative path (`data/` + `data/a/b.csv` → `a/b.csv`). Otherwise paths
 * are relative to the prefix's parent folder (`runs/x/da` + `runs/x/data.csv` → `data.csv`; an exact key gives its
 * base name), as SageMaker does for S3Prefix channels. Segments that could leave the folder are refused.
 */
export function relativePathOf(key: string, prefix: string): string[] {
  const folderPrefix =
    prefix === '' || prefix.endsWith('/') ? prefix : key[prefix.length] === '/' ? `${prefix}/` : undefined;
  const rest = folderPrefix !== undefined ? key.slice(folderPrefix.length) : key.slice(prefix.lastIndexOf('/') + 1);
  const segments = rest.split('/');
  const unsafe = segments.some(
    (segment) => segment === '' || segment === '.' || segment === '..' || /[\\\0]/.test(segment),
  );
  if (unsafe)
    throw S3Errors.invalidArgument(`key ${JSON.stringify(key)} cannot be written safely under a local folder`);
  return segments;
}

/**
 * Copies every object under `prefix` into `dir` (see {@link relativePathOf}); folder-marker keys (ending in `/`) only
 * create folders. Returns the files written, in key order.
 */
export async function downloadPrefix(ctx: S3Context, bucket: string, prefix: string, dir: string): Promise<string[]> {
  await ctx.store.bucket(bucket);
  const written: string[] = [];
  await mkdir(dir, { recursive: true });
  for (const key of await ctx.store.keys(bucket, prefix)) {
    if (key.endsWith('/')) {
      if (key.length > prefix.length)
        await mkdir(join(dir, ...relativePathOf(key.slice(0, -1), prefix)), { recursive: true });
      continue;
    }
    const opened = await ctx.store.open(bucket, key);
    if (!opened?.handle) continue; // deleted (or a delete marker)
    const target = join(dir, ...relativePathOf(key, prefix));
    await mkdir(dirname(target), { recursive: true });
    try {
      await copyFile(ctx.store.blobPath(bucket, opened.record), target, constants.COPYFILE_FICLONE);
    } catch {
      // replaced meanwhile: copy from the handle we hold open
      await pipeline(opened.handle.createReadStream({ autoClose: false }), createWriteStream(target));
    } finally {
      await opened.handle.close();
    }
    written.push(target);
  }
  return written;
}

/**
 * Uploads every regular file under `dir` as `prefix/<relative path>` (`/`-separated; a prefix ending in `/` is used
 * as is). Returns the keys written, sorted.
 */
export async function uploadDir(ctx: S3Context, dir: string, bucket: string, prefix: string): Promise<string[]> {
  await ctx.store.bucket(bucket);
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const keys: string[] = [];
  for (const file of (await filesUnder(dir)).sort()) {
    const key = base + relative(dir, file).split(sep).join('/');
    await putFile(ctx, bucket, key, file);
    keys.push(key);
  }
  return keys;
}

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
