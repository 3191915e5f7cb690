/** Object operations of LocalS3: PutObject, GetObject, HeadObject, CopyObject, DeleteObject(s). */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type {
  CopyObjectCommandInput,
  CopyObjectOutput,
  DeleteObjectCommandInput,
  DeleteObjectOutput,
  DeleteObjectsCommandInput,
  DeleteObjectsOutput,
  DeletedObject,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  HeadObjectCommandInput,
  HeadObjectOutput,
  PutObjectCommandInput,
  PutObjectOutput,
  _Error as S3ErrorEntry,
} from '@aws-sdk/client-s3';
import { parseRange, quoteEtag, responseBody, writeBody, type WrittenBody } from './body';
import { checkReadConditions, checkWriteConditions } from './conditions';
import { S3Errors } from './errors';
import { keyPathParts } from './keys';
import type { BucketConfig, ObjectHeaders, ObjectRecord, ObjectStore } from './store';
import { isVersionId } from './store';

/** Fault injection for reliability tests: `beforeWrite` runs before any write and may throw (or delay). */
export interface S3Faults {
  beforeWrite?(bucket: string, key: string): void | Promise<void>;
}

export interface S3Context {
  store: ObjectStore;
  faults: S3Faults;
}

type Output<T> = Omit<T, '$metadata'>;
const HEADER_NAMES = ['CacheControl', 'ContentDisposition', 'ContentEncoding', 'ContentLanguage'] as const;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export async function putObject(ctx: S3Context, input: PutObjectCommandInput): Promise<Output<PutObjectOutput>> {
  return putStaged(ctx, input, (staged) => writeBody(input.Body, staged));
}

/**
 * PutObject with the bytes staged by `stage`: it fills `staged` (a new file under the store's temp folder) and says
 * how many bytes it holds and their MD5. The request is checked before anything is staged; the staged file becomes
 * the new version of `input.Key` once the checks on its bytes pass, and is removed either way.
 */
export async function putStaged(
  ctx: S3Context,
  input: PutObjectCommandInput,
  stage: (staged: string) => Promise<WrittenBody>,
): Promise<Output<PutObjectOutput>> {
  const { Bucket = '', Key = '' } = input;
  const config = await ctx.store.bucket(Bucket);
  keyPathParts(Key);
  const metadata = normalizeMetadata(input.Metadata);
  await ctx.faults.beforeWrite?.(Bucket, Key);
  const staged = await ctx.store.tempPath('body');
  try {
    const { md5, size } = await stage(staged);
    if (input.ContentLength !== undefined && input.ContentLength !== size) {
      throw S3Errors.incompleteBody(input.ContentLength, size);
    }
    if (input.ContentMD5 !== undefined && Buffer.from(input.ContentMD5, 'base64').toString('hex') !== md5) {
      throw S3Errors.badDigest();
    }
    checkWriteConditions(await ctx.store.latest(Bucket, Key), input, Bucket, Key);
    const entry = { etag: quoteEtag(md5), size, contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE, metadata };
    const record = await ctx.store.publish(
      Bucket,
      Key,
      { ...entry, headers: pickHeaders(input) },
      staged,
      config.versioning,
    );
    return { ETag: record.etag, VersionId: versionIdOf(record, config) };
  } finally {
    await rm(staged, { force: true });
  }
}

export async function getObject(ctx: S3Context, input: GetObjectCommandInput): Promise<Output<GetObjectCommandOutput>> {
  const { Bucket = '', Key = '', VersionId } = input;
  const config = await ctx.store.bucket(Bucket);
  keyPathParts(Key);
  const opened = await ctx.store.open(Bucket, Key, VersionId);
  if (!opened) throw VersionId === undefined ? S3Errors.noSuchKey(Bucket, Key) : S3Errors.noSuchVersion(Key, VersionId);
  const { record, handle } = opened;
  if (!handle) throw VersionId === undefined ? S3Errors.noSuchKey(Bucket, Key) : S3Errors.deleteMarker(Key);
  try {
    checkReadConditions(record, input);
    const { range, output } = readOutput(record, config, input.Range);
    return { ...output, Body: await responseBody(handle, record.size, range) };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

export async function headObject(ctx: S3Context, input: HeadObjectCommandInput): Promise<Output<HeadObjectOutput>> {
  const { Bucket = '', Key = '', VersionId } = input;
  const config = await ctx.store.bucket(Bucket);
  keyPathParts(Key);
  const record =
    VersionId === undefined ? await ctx.store.latest(Bucket, Key) : await ctx.store.findVersion(Bucket, Key, VersionId);
  if (!record || (record.deleteMarker && VersionId === undefined)) throw S3Errors.notFound(`s3://${Bucket}/${Key}`);
  if (record.deleteMarker) throw S3Errors.deleteMarker(Key);
  checkReadConditions(record, input);
  return readOutput(record, config, input.Range).output;
}

/** What GetObject and HeadObject both answer for an object (or the asked byte range of it). */
function readOutput(record: ObjectRecord, config: BucketConfig, rangeHeader: string | undefined) {
  const range = parseRange(rangeHeader, record.size);
  const output = {
    ...describe(record, config),
    ContentLength: range ? range.end - range.start + 1 : record.size,
    ContentRange: range && `bytes ${range.start}-${range.end}/${record.size}`,
  };
  return { range, output };
}

export async function copyObject(ctx: S3Context, input: CopyObjectCommandInput): Promise<Output<CopyObjectOutput>> {
  const { Bucket = '', Key = '' } = input;
  const source = parseCopySource(input.CopySource);
  const config = await ctx.store.bucket(Bucket);
  keyPathParts(Key);
  const sourceConfig = await ctx.store.bucket(source.bucket);
  const replace = input.MetadataDirective === 'REPLACE';
  const checksum = checksumOf(input.ChecksumAlgorithm);
  if (source.bucket === Bucket && source.key === Key && source.versionId === undefined && !replace) {
    throw S3Errors.invalidRequest(
      'This copy request is illegal because it is trying to copy an object to itself without changing the object metadata.',
    );
  }
  const { record: from, handle } = await openCopySource(ctx.store, source);
  const staged = await ctx.store.tempPath('copy');
  try {
    checkReadConditions(from, copyConditions(input), true);
    await ctx.faults.beforeWrite?.(Bucket, Key);
    // Blobs are immutable, so a hard link is a safe zero-copy; fall back to streaming the open handle.
    await link(ctx.store.blobPath(source.bucket, from), staged).catch(() =>
      writeBody(handle.createReadStream({ autoClose: false }), staged),
    );
    const entry = replace
      ? {
          contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE,
          metadata: normalizeMetadata(input.Metadata),
          headers: pickHeaders(input),
        }
      : { contentType: from.contentType, metadata: from.metadata, headers: from.headers };
    const record = await ctx.store.publish(
      Bucket,
      Key,
      { ...entry, etag: from.etag, size: from.size },
      staged,
      config.versioning,
    );
    return {
      CopyObjectResult: {
        ETag: record.etag,
        LastModified: toSeconds(record.lastModified),
        ...(await checksum?.(ctx.store.blobPath(Bucket, record))),
      },
      VersionId: versionIdOf(record, config),
      CopySourceVersionId: versionIdOf(from, sourceConfig),
    };
  } finally {
    await handle.close();
    await rm(staged, { force: true });
  }
}

/**
 * A copy with `ChecksumAlgorithm` gets a checksum S3 computes over the new object; a single CopyObject is one part,
 * so it is a full-object checksum (base64 of the digest). SHA256 and SHA1 here; the CRCs are not emulated.
 */
function checksumOf(algorithm: string | undefined) {
  if (algorithm === undefined) return undefined;
  const hash = { SHA256: 'sha256', SHA1: 'sha1' }[algorithm];
  if (hash === undefined) throw S3Errors.invalidArgument(`the local S3 computes SHA256 and SHA1 checksums, not ${algorithm}`);
  return async (path: string) => {
    const digest = createHash(hash);
    for await (const chunk of createReadStream(path)) digest.update(chunk as Buffer);
    return { [`Checksum${algorithm}`]: digest.digest('base64'), ChecksumType: 'FULL_OBJECT' as const };
  };
}

type CopySource = ReturnType<typeof parseCopySource>;

/** Opens the copy source: NoSuchKey / NoSuchVersion when missing; a delete marker named by version is InvalidRequest. */
async function openCopySource(
  store: ObjectStore,
  source: CopySource,
): Promise<{ record: ObjectRecord; handle: FileHandle }> {
  const opened = await store.open(source.bucket, source.key, source.versionId);
  if (opened?.handle) return { record: opened.record, handle: opened.handle };
  if (source.versionId === undefined) throw S3Errors.noSuchKey(source.bucket, source.key);
  if (!opened) throw S3Errors.noSuchVersion(source.key, source.versionId);
  throw S3Errors.invalidRequest(
    'The source of a copy request may not specifically refer to a delete marker by version id.',
  );
}

const copyConditions = (input: CopyObjectCommandInput) => ({
  IfMatch: input.CopySourceIfMatch,
  IfNoneMatch: input.CopySourceIfNoneMatch,
  IfModifiedSince: input.CopySourceIfModifiedSince,
  IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
});

export async function deleteObject(
  ctx: S3Context,
  input: DeleteObjectCommandInput,
): Promise<Output<DeleteObjectOutput>> {
  const { Bucket = '', Key = '', VersionId } = input;
  const config = await ctx.store.bucket(Bucket);
  keyPathParts(Key);
  await ctx.faults.beforeWrite?.(Bucket, Key);
  const deleted = await deleteOne(ctx.store, config, Bucket, Key, VersionId);
  return { DeleteMarker: deleted.DeleteMarker, VersionId: deleted.DeleteMarkerVersionId ?? deleted.VersionId };
}

export async function deleteObjects(
  ctx: S3Context,
  input: DeleteObjectsCommandInput,
): Promise<Output<DeleteObjectsOutput>> {
  const { Bucket = '' } = input;
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformed('Delete must list 1 to 1000 objects');
  const config = await ctx.store.bucket(Bucket);
  const deleted: DeletedObject[] = [];
  const errors: S3ErrorEntry[] = [];
  for (const object of objects) {
    const Key = object.Key ?? '';
    try {
      keyPathParts(Key);
      await ctx.faults.beforeWrite?.(Bucket, Key);
      deleted.push(await deleteOne(ctx.store, config, Bucket, Key, object.VersionId));
    } catch (error) {
      errors.push({ Key, VersionId: object.VersionId, Code: (error as Error).name, Message: (error as Error).message });
    }
  }
  return { Deleted: input.Delete?.Quiet ? undefined : nonEmpty(deleted), Errors: nonEmpty(errors) };
}

const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

async function deleteOne(
  store: ObjectStore,
  config: BucketConfig,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<DeletedObject> {
  if (versionId !== undefined) {
    if (!isVersionId(versionId)) throw S3Errors.invalidArgument(`Invalid version id specified: ${versionId}`);
    const record = await store.findVersion(bucket, key, versionId);
    if (record) await store.remove(bucket, record);
    return record?.deleteMarker
      ? { Key: key, VersionId: versionId, DeleteMarker: true, DeleteMarkerVersionId: versionId }
      : { Key: key, VersionId: versionId };
  }
  if (config.versioning === undefined) {
    for (const record of await store.versions(bucket, key)) await store.remove(bucket, record);
    return { Key: key };
  }
  const marker = await store.publish(
    bucket,
    key,
    { deleteMarker: true, etag: '', size: 0, metadata: {} },
    undefined,
    config.versioning,
  );
  return { Key: key, DeleteMarker: true, DeleteMarkerVersionId: marker.versionId };
}

/** The response fields GetObject and HeadObject share. */
function describe(record: ObjectRecord, config: BucketConfig) {
  return {
    AcceptRanges: 'bytes',
    ETag: record.etag,
    LastModified: toSeconds(record.lastModified),
    ContentType: record.contentType,
    Metadata: { ...record.metadata },
    VersionId: versionIdOf(record, config),
    ...record.headers,
  };
}

/** S3 reports version ids only for buckets that have (or had) versioning. */
const versionIdOf = (record: ObjectRecord, config: BucketConfig) => (config.versioning ? record.versionId : undefined);

/** HTTP dates have second precision, and so do the SDK's `LastModified` values. */
export const toSeconds = (iso: string): Date => new Date(Math.floor(Date.parse(iso) / 1000) * 1000);

function pickHeaders(input: ObjectHeaders): ObjectHeaders | undefined {
  const picked = Object.fromEntries(
    HEADER_NAMES.filter((name) => input[name] !== undefined).map((name) => [name, input[name]]),
  );
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** User metadata travels as `x-amz-meta-*` headers: names come back lower-case; 2 KB in all. */
function normalizeMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const entries = Object.entries(metadata ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)] as const);
  if (Buffer.byteLength(entries.flat().join('')) > 2048) throw S3Errors.metadataTooLarge();
  return Object.fromEntries(entries);
}

/** `bucket/url-encoded-key[?versionId=…]`, optionally with a leading `/`. */
export function parseCopySource(copySource: string | undefined): { bucket: string; key: string; versionId?: string } {
  const [path = '', query = ''] = (copySource ?? '').replace(/^\//, '').split(/\?(.*)/s);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw S3Errors.invalidArgument(`Invalid copy source: ${copySource}`);
  try {
    const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
    return { bucket: path.slice(0, slash), key: decodeURIComponent(path.slice(slash + 1)), versionId };
  } catch {
    throw S3Errors.invalidArgument(`Invalid copy source encoding: ${copySource}`);
  }
}
