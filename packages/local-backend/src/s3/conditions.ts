/** Conditional requests (`If-Match` & co.) evaluated as S3 does. */
import { S3Errors } from './errors';
import type { ObjectRecord } from './store';

export interface ReadConditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

const bare = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

/** Whether an `If-Match`/`If-None-Match` header value (`*` or a list of ETags) matches `etag`. */
export function etagMatches(header: string, etag: string): boolean {
  return header.trim() === '*' || header.split(',').some((candidate) => bare(candidate) === bare(etag));
}

/**
 * GET/HEAD (and CopySource*) conditions: a failed If-Match / If-Unmodified-Since is 412; a failed If-None-Match /
 * If-Modified-Since is 304 (`NotModified`), or 412 for copies. Dates compare at second precision.
 */
export function checkReadConditions(record: ObjectRecord, conditions: ReadConditions, isCopy = false): void {
  const modified = Math.floor(Date.parse(record.lastModified) / 1000);
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const { IfMatch, IfNoneMatch, IfModifiedSince, IfUnmodifiedSince } = conditions;
  if (IfMatch !== undefined && !etagMatches(IfMatch, record.etag)) throw S3Errors.preconditionFailed('If-Match');
  if (IfMatch === undefined && IfUnmodifiedSince !== undefined && modified > seconds(IfUnmodifiedSince)) {
    throw S3Errors.preconditionFailed('If-Unmodified-Since');
  }
  const notModified =
    IfNoneMatch !== undefined
      ? etagMatches(IfNoneMatch, record.etag)
      : IfModifiedSince !== undefined && modified <= seconds(IfModifiedSince);
  if (notModified) {
    throw isCopy ? S3Errors.preconditionFailed('If-None-Match / If-Modified-Since') : S3Errors.notModified();
  }
}

/**
 * PutObject conditions (S3 conditional writes): `IfNoneMatch: '*'` fails with 412 when the key exists; `IfMatch`
 * fails with 404 when it does not and 412 when the ETag differs. Checked just before publishing, not under a lock.
 */
export function checkWriteConditions(
  current: ObjectRecord | undefined,
  conditions: { IfMatch?: string; IfNoneMatch?: string },
  bucket: string,
  key: string,
): void {
  const live = current && !current.deleteMarker ? current : undefined;
  if (conditions.IfNoneMatch !== undefined && live && etagMatches(conditions.IfNoneMatch, live.etag)) {
    throw S3Errors.preconditionFailed('If-None-Match');
  }
  if (conditions.IfMatch !== undefined) {
    if (!live) throw S3Errors.noSuchKey(bucket, key);
    if (!etagMatches(conditions.IfMatch, live.etag)) throw S3Errors.preconditionFailed('If-Match');
  }
}
