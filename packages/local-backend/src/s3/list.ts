/** ListObjectsV2 and ListObjectVersions: S3 key order (UTF-8 bytes), Delimiter roll-ups, pagination. */
import { Buffer } from 'node:buffer';
import type {
  CommonPrefix,
  DeleteMarkerEntry,
  ListObjectVersionsCommandInput,
  ListObjectVersionsOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2Output,
  ObjectVersion,
  _Object,
} from '@aws-sdk/client-s3';
import { S3Errors } from './errors';
import { compareKeys } from './keys';
import { toSeconds } from './objects';
import type { ObjectRecord, ObjectStore } from './store';

type Output<T> = Omit<T, '$metadata'>;

/** Where the previous page ended: a key, or a common prefix (then every key under it is skipped too). */
interface Marker {
  marker: string;
  prefix: boolean;
}

/** The common prefix `key` rolls up into, if any: Prefix + everything up to and including the first Delimiter after it. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const index = key.indexOf(delimiter, prefix.length);
  return index < 0 ? undefined : key.slice(0, index + delimiter.length);
}

const isAfter = (key: string, after: Marker) =>
  compareKeys(key, after.marker) > 0 && !(after.prefix && key.startsWith(after.marker));

function maxKeysOf(maxKeys: number | undefined): number {
  if (maxKeys !== undefined && (!Number.isInteger(maxKeys) || maxKeys < 0)) {
    throw S3Errors.invalidArgument('MaxKeys must be a non-negative integer');
  }
  return Math.min(maxKeys ?? 1000, 1000);
}

const encodeToken = (marker: Marker) =>
  Buffer.from(JSON.stringify([marker.marker, marker.prefix])).toString('base64url');

function decodeToken(token: string): Marker {
  try {
    const [marker, prefix] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof marker === 'string' && typeof prefix === 'boolean') return { marker, prefix };
  } catch {
    // fall through
  }
  throw S3Errors.invalidArgument('The continuation token provided is incorrect');
}

const entryOf = (record: ObjectRecord): _Object => ({
  Key: record.key,
  LastModified: toSeconds(record.lastModified),
  ETag: record.etag,
  Size: record.size,
  StorageClass: 'STANDARD',
});

const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

/** What one listing call scans: keys under `prefix` of `bucket`, rolled up at `delimiter`, up to `maxKeys` entries. */
interface Scope {
  store: ObjectStore;
  bucket: string;
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
}

async function scopeOf(
  store: ObjectStore,
  input: ListObjectsV2CommandInput | ListObjectVersionsCommandInput,
): Promise<Scope> {
  const bucket = input.Bucket ?? '';
  await store.bucket(bucket);
  return { store, bucket, prefix: input.Prefix ?? '', delimiter: input.Delimiter, maxKeys: maxKeysOf(input.MaxKeys) };
}

const keysIn = async (scope: Scope) => (scope.maxKeys === 0 ? [] : scope.store.keys(scope.bucket, scope.prefix));
const isLive = (record: ObjectRecord | undefined): record is ObjectRecord =>
  record !== undefined && !record.deleteMarker;

export async function listObjectsV2(
  store: ObjectStore,
  input: ListObjectsV2CommandInput,
): Promise<Output<ListObjectsV2Output>> {
  const scope = await scopeOf(store, input);
  const { contents, prefixes, next } = await collectObjects(scope, startMarker(input));
  return {
    Name: scope.bucket,
    Prefix: scope.prefix,
    Delimiter: scope.delimiter,
    MaxKeys: scope.maxKeys,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: next !== undefined,
    Contents: nonEmpty(contents),
    CommonPrefixes: nonEmpty(prefixes),
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: next && encodeToken(next),
    StartAfter: input.StartAfter,
  };
}

function startMarker(input: ListObjectsV2CommandInput): Marker | undefined {
  if (input.ContinuationToken !== undefined) return decodeToken(input.ContinuationToken);
  return input.StartAfter ? { marker: input.StartAfter, prefix: false } : undefined;
}

/** One page of live objects and common prefixes after `after`; `next` is set when more entries follow. */
async function collectObjects(scope: Scope, after: Marker | undefined) {
  const contents: _Object[] = [];
  const prefixes: CommonPrefix[] = [];
  let last: Marker | undefined;
  for (const key of await keysIn(scope)) {
    const rollUp = commonPrefixOf(key, scope.prefix, scope.delimiter);
    if ((after && !isAfter(key, after)) || (rollUp !== undefined && rollUp === last?.marker)) continue;
    const record = await scope.store.latest(scope.bucket, key);
    if (!isLive(record)) continue;
    if (contents.length + prefixes.length >= scope.maxKeys) return { contents, prefixes, next: last };
    if (rollUp === undefined) contents.push(entryOf(record));
    else prefixes.push({ Prefix: rollUp });
    last = { marker: rollUp ?? key, prefix: rollUp !== undefined };
  }
  return { contents, prefixes, next: undefined };
}

export async function listObjectVersions(
  store: ObjectStore,
  input: ListObjectVersionsCommandInput,
): Promise<Output<ListObjectVersionsOutput>> {
  const scope = await scopeOf(store, input);
  const page = await collectVersions(scope, input.KeyMarker, input.VersionIdMarker);
  return {
    Name: scope.bucket,
    Prefix: scope.prefix,
    Delimiter: scope.delimiter,
    MaxKeys: scope.maxKeys,
    KeyMarker: input.KeyMarker,
    VersionIdMarker: input.VersionIdMarker,
    IsTruncated: page.next !== undefined,
    Versions: nonEmpty(page.versions),
    DeleteMarkers: nonEmpty(page.markers),
    CommonPrefixes: nonEmpty(page.prefixes),
    NextKeyMarker: page.next?.key,
    NextVersionIdMarker: page.next?.versionId,
  };
}

interface VersionPage {
  versions: ObjectVersion[];
  markers: DeleteMarkerEntry[];
  prefixes: CommonPrefix[];
  /** Where the next page starts; set only when the page is truncated. */
  next?: { key: string; versionId?: string };
}

type VersionEntry = { prefix: string } | { record: ObjectRecord; isLatest: boolean };
type VersionMarker = { key: string; versionId?: string };

/** Versions in key order, newest first per key, after (KeyMarker, VersionIdMarker). */
async function collectVersions(scope: Scope, keyMarker: string | undefined, versionIdMarker: string | undefined) {
  const page: VersionPage = { versions: [], markers: [], prefixes: [] };
  let last: VersionMarker | undefined;
  for (const key of await keysIn(scope)) {
    const order = keyMarker === undefined ? 1 : compareKeys(key, keyMarker);
    const rollUp = commonPrefixOf(key, scope.prefix, scope.delimiter);
    if (order < 0 || (order === 0 && !versionIdMarker) || isSeenRollUp(rollUp, keyMarker, last)) continue;
    for (const entry of await versionEntries(scope, key, rollUp, order === 0 ? versionIdMarker : undefined)) {
      if (page.versions.length + page.markers.length + page.prefixes.length >= scope.maxKeys)
        return { ...page, next: last };
      last = addEntry(page, entry);
    }
  }
  return page;
}

/** A common prefix already listed (this page, or the previous one through KeyMarker). */
const isSeenRollUp = (rollUp: string | undefined, keyMarker: string | undefined, last: VersionMarker | undefined) =>
  rollUp !== undefined && (rollUp === keyMarker || rollUp === last?.key);

/** The entries one key contributes: its common prefix, or its versions after `versionIdMarker`. */
async function versionEntries(
  scope: Scope,
  key: string,
  rollUp: string | undefined,
  versionIdMarker: string | undefined,
) {
  const all = await scope.store.versions(scope.bucket, key);
  if (rollUp !== undefined) return all.length > 0 ? [{ prefix: rollUp }] : [];
  const from = versionIdMarker === undefined ? 0 : all.findIndex((record) => record.versionId === versionIdMarker) + 1;
  return all.slice(from).map((record): VersionEntry => ({ record, isLatest: record === all[0] }));
}

function addEntry(page: VersionPage, entry: VersionEntry): VersionMarker {
  if ('prefix' in entry) {
    page.prefixes.push({ Prefix: entry.prefix });
    return { key: entry.prefix };
  }
  const { record, isLatest } = entry;
  const common = {
    Key: record.key,
    VersionId: record.versionId,
    IsLatest: isLatest,
    LastModified: toSeconds(record.lastModified),
  };
  if (record.deleteMarker) page.markers.push(common);
  else page.versions.push({ ...common, ETag: record.etag, Size: record.size, StorageClass: 'STANDARD' });
  return { key: record.key, versionId: record.versionId };
}
