/**
 * The on-disk object store behind LocalS3 (layout in ./README.md):
 *
 *   <root>/.tmp/                                  staging files, renamed into place when complete
 *   <root>/<bucket>/bucket.json                   { createdAt, versioning? }
 *   <root>/<bucket>/objects/<segments…>@/         one folder per key (see ./keys.ts)
 *       <seq>.json | <seq>.null.json              one record (the sidecar metadata) per version
 *       <seq>.bin                                 that version's bytes, immutable once published
 *
 * `seq` is a sortable id (time + counter + random), so the newest record is the current version. Publishing renames the
 * blob and then the record into place, so readers see either the old or the new version, never a partial one; blobs are
 * never rewritten, only unlinked, and a reader that loses that race retries.
 */
import { randomInt } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { LocalServiceError } from '../service';
import { S3Errors } from './errors';
import { assertBucketName, decodeSegment, keyPathParts, sortKeys } from './keys';

/** The sidecar metadata of one object version. */
export interface ObjectRecord {
  key: string;
  seq: string;
  /** `'null'` unless written while versioning was Enabled (then equal to `seq`). */
  versionId: string;
  deleteMarker?: boolean;
  /** Quoted MD5 hex. */
  etag: string;
  size: number;
  lastModified: string;
  contentType?: string;
  metadata: Record<string, string>;
  headers?: ObjectHeaders;
}

export type ObjectHeaders = Partial<
  Record<'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage', string>
>;
export type NewRecord = Omit<ObjectRecord, 'key' | 'seq' | 'versionId' | 'lastModified'>;
export type VersioningStatus = 'Enabled' | 'Suspended';

export interface BucketConfig {
  createdAt: string;
  versioning?: VersioningStatus;
}

const SEQ = /^[0-9a-z]{19}$/;
/** Whether `id` can name a version here (`'null'` or a seq); others are malformed. */
export const isVersionId = (id: string): boolean => id === 'null' || SEQ.test(id);
const RECORD = /^([0-9a-z]{19})(\.null)?\.json$/;
const RETRIES = 5;

let lastMs = 0;
let counter = 0;

/** A new sortable id: 9 base-36 digits of milliseconds, a 4-digit per-process counter, 6 random digits. */
export function nextSeq(): string {
  const now = Date.now();
  if (now > lastMs) [lastMs, counter] = [now, 0];
  else if (++counter >= 36 ** 4) [lastMs, counter] = [lastMs + 1, 0];
  const random = randomInt(36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return lastMs.toString(36).padStart(9, '0') + counter.toString(36).padStart(4, '0') + random;
}

const safeDecode = (name: string): string | undefined => {
  try {
    return decodeSegment(name);
  } catch {
    return undefined;
  }
};
const isCode = (error: unknown, ...codes: string[]) => codes.includes((error as NodeJS.ErrnoException).code ?? '');
const recordName = (record: ObjectRecord) => `${record.seq}${record.versionId === 'null' ? '.null' : ''}.json`;

export class ObjectStore {
  constructor(readonly root: string) {}

  /** A fresh path in the staging folder (same file system as the buckets, so `rename` is atomic). */
  async tempPath(tag: string): Promise<string> {
    const dir = join(this.root, '.tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${nextSeq()}-${tag}`);
  }

  private bucketDir(bucket: string): string {
    assertBucketName(bucket);
    return join(this.root, bucket);
  }

  private keyDir(bucket: string, key: string): string {
    const objects = join(this.bucketDir(bucket), 'objects');
    const dir = join(objects, ...keyPathParts(key));
    if (!dir.startsWith(objects + sep)) throw new LocalServiceError('InternalError', `key escapes its bucket: ${key}`);
    return dir;
  }

  /** Path of a version's bytes (only meaningful for records that are not delete markers). */
  blobPath(bucket: string, record: ObjectRecord): string {
    return join(this.keyDir(bucket, record.key), `${record.seq}.bin`);
  }

  /** Creates the bucket atomically; `BucketAlreadyOwnedByYou` if it exists. */
  async createBucket(bucket: string): Promise<void> {
    const target = this.bucketDir(bucket);
    const staging = await this.tempPath('bucket');
    await mkdir(join(staging, 'objects'), { recursive: true });
    await writeFile(join(staging, 'bucket.json'), JSON.stringify({ createdAt: new Date().toISOString() }));
    try {
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (isCode(error, 'EEXIST', 'ENOTEMPTY')) throw S3Errors.bucketExists(bucket);
      throw error;
    }
  }

  /** The bucket's configuration; `NoSuchBucket` if it does not exist. */
  async bucket(bucket: string): Promise<BucketConfig> {
    try {
      return JSON.parse(await readFile(join(this.bucketDir(bucket), 'bucket.json'), 'utf8')) as BucketConfig;
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw S3Errors.noSuchBucket(bucket);
      throw error;
    }
  }

  async setVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    const config = { ...(await this.bucket(bucket)), versioning: status };
    const staging = await this.tempPath('bucket.json');
    await writeFile(staging, JSON.stringify(config));
    await rename(staging, join(this.bucketDir(bucket), 'bucket.json'));
  }

  private async recordNames(bucket: string, key: string): Promise<string[]> {
    const names = await readdir(this.keyDir(bucket, key)).catch((error: unknown) => {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return [] as string[];
      throw error;
    });
    return names.filter((name) => RECORD.test(name)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  private async readRecord(bucket: string, key: string, name: string): Promise<ObjectRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.keyDir(bucket, key), name), 'utf8')) as ObjectRecord;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  /** All versions of a key, newest first (delete markers included). */
  async versions(bucket: string, key: string): Promise<ObjectRecord[]> {
    const records: ObjectRecord[] = [];
    let sawNull = false;
    for (const name of await this.recordNames(bucket, key)) {
      const record = await this.readRecord(bucket, key, name);
      if (!record || (record.versionId === 'null' && sawNull)) continue; // an older null version being replaced
      sawNull ||= record.versionId === 'null';
      records.push(record);
    }
    return records;
  }

  /** The current version (possibly a delete marker), or undefined when the key has none. */
  async latest(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const [newest] = await this.recordNames(bucket, key);
      if (newest === undefined) return undefined;
      const record = await this.readRecord(bucket, key, newest);
      if (record) return record;
    }
    throw new LocalServiceError('SlowDown', `too many concurrent writes to ${key}`, { status: 503 });
  }

  /** One version by id (`'null'` included); undefined if absent or malformed. */
  async findVersion(bucket: string, key: string, versionId: string): Promise<ObjectRecord | undefined> {
    if (versionId === 'null') {
      const name = (await this.recordNames(bucket, key)).find((candidate) => candidate.endsWith('.null.json'));
      return name === undefined ? undefined : this.readRecord(bucket, key, name);
    }
    return SEQ.test(versionId) ? this.readRecord(bucket, key, `${versionId}.json`) : undefined;
  }

  /**
   * Resolves a version and opens its bytes; retries when a concurrent write unlinks the blob in between.
   * `handle` is undefined for delete markers; the whole result is undefined when there is no such version.
   */
  async open(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ record: ObjectRecord; handle?: FileHandle } | undefined> {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const record =
        versionId === undefined ? await this.latest(bucket, key) : await this.findVersion(bucket, key, versionId);
      if (!record || record.deleteMarker) return record && { record };
      try {
        return { record, handle: await open(this.blobPath(bucket, record), 'r') };
      } catch (error) {
        if (!isCode(error, 'ENOENT')) throw error;
      }
    }
    throw new LocalServiceError('SlowDown', `too many concurrent writes to ${key}`, { status: 503 });
  }

  /**
   * Publishes a new version: `staged` (a file from {@link tempPath}, moved, not copied) becomes its bytes.
   * Without Enabled versioning the version is the `null` one and replaces the previous `null` version.
   */
  async publish(
    bucket: string,
    key: string,
    entry: NewRecord,
    staged: string | undefined,
    versioning: VersioningStatus | undefined,
  ): Promise<ObjectRecord> {
    const seq = nextSeq();
    const versionId = versioning === 'Enabled' ? seq : 'null';
    const record: ObjectRecord = { ...entry, key, seq, versionId, lastModified: new Date().toISOString() };
    const dir = this.keyDir(bucket, key);
    const recordFile = await this.tempPath('record.json');
    await writeFile(recordFile, JSON.stringify(record));
    try {
      if (staged !== undefined) await this.moveInto(staged, dir, `${seq}.bin`);
      await this.moveInto(recordFile, dir, recordName(record));
    } catch (error) {
      await Promise.all([recordFile, staged, join(dir, `${seq}.bin`)].map((file) => file && rm(file, { force: true })));
      throw error;
    }
    if (versionId === 'null') await this.keepNewestNull(bucket, key);
    return record;
  }

  /** Removes one version (record first, so no reader finds a record without bytes for long). */
  async remove(bucket: string, record: ObjectRecord): Promise<void> {
    const dir = this.keyDir(bucket, record.key);
    await rm(join(dir, recordName(record)), { force: true });
    await rm(join(dir, `${record.seq}.bin`), { force: true });
    await this.prune(bucket, dir);
  }

  /**
   * Leaves only the newest `null` version. Every writer of a null version runs this after publishing, so a slower
   * writer whose record lands after a newer one's clean-up removes its own (already superseded) record.
   */
  private async keepNewestNull(bucket: string, key: string): Promise<void> {
    const dir = this.keyDir(bucket, key);
    const [, ...older] = (await this.recordNames(bucket, key)).filter((name) => name.endsWith('.null.json'));
    for (const name of older) {
      await unlink(join(dir, name)).catch(() => undefined);
      await rm(join(dir, name.replace('.null.json', '.bin')), { force: true });
    }
  }

  /** Renames `source` into `dir`, (re)creating `dir` when a concurrent delete pruned it. */
  private async moveInto(source: string, dir: string, name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        await rename(source, join(dir, name));
        return;
      } catch (error) {
        if (!isCode(error, 'ENOENT') || attempt >= RETRIES) throw error;
      }
    }
  }

  /** Removes now-empty key and prefix folders up to the bucket's `objects/`. */
  private async prune(bucket: string, dir: string): Promise<void> {
    const objects = join(this.bucketDir(bucket), 'objects');
    for (let current = dir; current.startsWith(objects + sep); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop
      }
    }
  }

  /** Every key folder under `prefix`, in S3 order (some may hold only delete markers or be mid-delete). */
  async keys(bucket: string, prefix: string): Promise<string[]> {
    const found: string[] = [];
    await this.walk(join(this.bucketDir(bucket), 'objects'), '', prefix, found);
    return sortKeys(found);
  }

  private async walk(dir: string, keyPrefix: string, prefix: string, found: string[]): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const isKey = entry.name.endsWith('@');
      const segment = safeDecode(isKey ? entry.name.slice(0, -1) : entry.name);
      if (segment === undefined) continue; // not written by this store
      if (isKey) {
        const key = keyPrefix + segment;
        if (key.startsWith(prefix)) found.push(key);
        continue;
      }
      const childPrefix = `${keyPrefix}${segment}/`;
      if (childPrefix.startsWith(prefix) || prefix.startsWith(childPrefix)) {
        await this.walk(join(dir, entry.name), childPrefix, prefix, found);
      }
    }
  }
}
