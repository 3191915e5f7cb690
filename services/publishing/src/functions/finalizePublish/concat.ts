import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InputError } from '@mlops/core';

type S3 = Pick<S3Client, 'send'>;

const NEWLINE = 10;
const FIRST_LINE_LIMIT = 1 << 16;
/** PutObject's limit for one request. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface ScannedObject {
  key: string;
  size: number;
  /** Lines, a last line without a newline included. */
  lines: number;
  endsWithNewline: boolean;
  /** The first line (at most 64 KiB), to check the column count. */
  firstLine: string;
}

async function* bodyOf(s3: S3, bucket: string, key: string): AsyncGenerator<Uint8Array> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) return;
  for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
}

/** Count an object's lines and keep its first line, streamed once in constant memory. */
export async function scanObject(
  s3: S3,
  bucket: string,
  object: { key: string; size: number },
): Promise<ScannedObject> {
  let lines = 0;
  let last = NEWLINE;
  let size = 0;
  const head: Buffer[] = [];
  let headDone = false;
  let headBytes = 0;
  for await (const chunk of bodyOf(s3, bucket, object.key)) {
    if (!headDone) {
      const end = chunk.indexOf(NEWLINE);
      const part = end === -1 ? chunk : chunk.subarray(0, end);
      head.push(Buffer.from(part.subarray(0, Math.max(0, FIRST_LINE_LIMIT - headBytes))));
      headBytes += part.length;
      headDone = end !== -1 || headBytes >= FIRST_LINE_LIMIT;
    }
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
    size += chunk.length;
  }
  const endsWithNewline = last === NEWLINE;
  return {
    key: object.key,
    size,
    lines: endsWithNewline ? lines : lines + 1,
    endsWithNewline,
    firstLine: Buffer.concat(head).toString('utf8').replace(/\r$/, ''),
  };
}

/** Fields of one CSV line (RFC 4180 quotes: commas inside quotes do not separate). */
export function fieldCount(line: string): number {
  let count = 1;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) count++;
  }
  return count;
}

/**
 * Write `header` followed by every object, in order, as one object: streamed with a known length (one PutObject,
 * up to 5 GiB), a newline added after an object that lacks a final one.
 */
export async function writeConcatenated(
  s3: S3,
  bucket: string,
  key: string,
  header: string,
  parts: ScannedObject[],
): Promise<number> {
  const head = Buffer.from(header, 'utf8');
  const length = parts.reduce((sum, p) => sum + p.size + (p.size > 0 && !p.endsWithNewline ? 1 : 0), head.length);
  if (length > MAX_PUT_BYTES)
    throw new InputError(`predictions of ${length} bytes exceed the 5 GiB a single PutObject takes`);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield head;
    for (const part of parts) {
      yield* bodyOf(s3, bucket, part.key);
      if (part.size > 0 && !part.endsWithNewline) yield Buffer.from('\n');
    }
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: Readable.from(body()),
      ContentLength: length,
      ContentType: 'text/csv; charset=utf-8',
    }),
  );
  return length;
}
