import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { countLines, InputError } from '@mlops/core';
import { CsvFormatError, csvRecordBatches as readCsvBatches, type CsvRecordsOptions } from '@mlops/data-quality/csv';

type S3 = Pick<S3Client, 'send'>;

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

/**
 * Small typed helpers over S3 for the JSON documents the pipeline keeps (records, reports, pointers).
 * Data files never go through Lambda memory: jobs read and write them.
 */
export async function getText(s3: S3, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return out.Body.transformToString('utf-8');
}

/** @example const record = await getJson<RunRecord>(s3, bucket, layout.runRecord(p, runId)) */
export async function getJson<T>(s3: S3, bucket: string, key: string): Promise<T> {
  return JSON.parse(await getText(s3, bucket, key)) as T;
}

/** The document, or undefined when the key does not exist. */
export async function getJsonIfExists<T>(s3: S3, bucket: string, key: string): Promise<T | undefined> {
  try {
    return await getJson<T>(s3, bucket, key);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function putJson(s3: S3, bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value, null, 2), ContentType: 'application/json' }),
  );
}

export async function putText(s3: S3, bucket: string, key: string, body: string, contentType = 'text/plain'): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** Head of an object, or undefined when it does not exist. */
export async function headObject(s3: S3, bucket: string, key: string, versionId?: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Every object under a prefix (all pages), in key order. */
export async function listObjects(s3: S3, bucket: string, prefix: string): Promise<{ key: string; size: number; lastModified?: Date }[]> {
  const found: { key: string; size: number; lastModified?: Date }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) found.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found;
}

/**
 * Stream the records of a CSV object in batches (the records each chunk of the body completes), one array of strings
 * per record; memory stays constant. With `header`, the first record is checked for width but not yielded. Every
 * record must be as wide as the first; blank lines are skipped. Malformed CSV (quoting, width, invalid UTF-8) throws
 * an InputError naming the object and the record.
 * @example for await (const batch of csvRecordBatches(s3, bucket, 'x.csv.out')) for (const [key, score] of batch) { ... }
 */
export async function* csvRecordBatches(s3: S3, bucket: string, key: string, options: CsvRecordsOptions = {}): AsyncGenerator<string[][]> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  try {
    yield* readCsvBatches(out.Body as AsyncIterable<Uint8Array>, options);
  } catch (error) {
    if (error instanceof CsvFormatError) throw new InputError(`s3://${bucket}/${key}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The records of a CSV object one at a time (`csvRecordBatches` flattened: one await per record, so prefer the
 * batches for large objects).
 * @example for await (const [key, score] of csvRecords(s3, bucket, 'x.csv.out')) { ... }
 */
export async function* csvRecords(s3: S3, bucket: string, key: string, options: CsvRecordsOptions = {}): AsyncGenerator<string[]> {
  for await (const batch of csvRecordBatches(s3, bucket, key, options)) yield* batch;
}

/** Number of lines of an object, streamed (for checking that an output is complete). */
export async function countObjectLines(s3: S3, bucket: string, key: string): Promise<number> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body ? countLines(out.Body as AsyncIterable<Uint8Array>) : 0;
}
