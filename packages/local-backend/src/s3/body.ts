/** Request and response bodies: every accepted body type is streamed to disk, never buffered whole. */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { sdkStreamMixin } from '@smithy/core/serde';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { S3Errors } from './errors';

/** What `PutObject` accepts as `Body`: the SDK's Node input types. */
export type BodyInput = string | Uint8Array | Readable | ReadableStream | Blob | null | undefined;

/** Turns any accepted body into a Node stream of Buffers. */
export function toReadable(body: unknown): Readable {
  if (body === undefined || body === null) return Readable.from([]);
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof Readable) return body;
  if (isWebStream(body)) return Readable.fromWeb(body);
  if (body instanceof Blob) return Readable.fromWeb(body.stream() as WebReadableStream);
  throw S3Errors.invalidArgument(`unsupported Body type: ${Object.prototype.toString.call(body)}`);
}

function isWebStream(body: unknown): body is WebReadableStream {
  return typeof (body as { getReader?: unknown }).getReader === 'function';
}

export interface WrittenBody {
  /** Hex MD5 of the bytes written. */
  md5: string;
  size: number;
}

/** Streams `body` into a new file at `file` (which must not exist), hashing on the way; removes the file on failure. */
export async function writeBody(body: unknown, file: string): Promise<WrittenBody> {
  const hash = createHash('md5');
  let size = 0;
  try {
    await pipeline(
      toReadable(body),
      async function* (source: AsyncIterable<unknown>) {
        for await (const chunk of source) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
          hash.update(bytes);
          size += bytes.length;
          yield bytes;
        }
      },
      createWriteStream(file, { flags: 'wx' }),
    );
  } catch (cause) {
    await rm(file, { force: true });
    throw cause;
  }
  return { md5: hash.digest('hex'), size };
}

/** Bodies up to this size are read at once and their file closed, so an unread body holds no descriptor. */
const SMALL_BODY = 1024 * 1024;

/**
 * Wraps an open file (or a range of it) in the SDK's response stream: a Node Readable with `transformToString()`,
 * `transformToByteArray()` and `transformToWebStream()`. Small bodies are read now; big ones stream from the handle,
 * which closes when the stream ends — like the SDK's sockets, an unconsumed big body must be consumed or destroyed.
 */
export async function responseBody(handle: FileHandle, size: number, range?: ByteRange): Promise<ResponseBody> {
  const start = range?.start ?? 0;
  const length = range ? range.end - range.start + 1 : size;
  if (length > SMALL_BODY)
    return sdkStreamMixin(handle.createReadStream({ start, end: start + length - 1 })) as ResponseBody;
  try {
    const buffer = Buffer.alloc(length);
    for (let offset = 0; offset < length;) {
      const { bytesRead } = await handle.read(buffer, offset, length - offset, start + offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return sdkStreamMixin(Readable.from(length > 0 ? [buffer] : [])) as ResponseBody;
  } finally {
    await handle.close();
  }
}

/** The SDK's `GetObject` body type. */
export type ResponseBody = NonNullable<GetObjectCommandOutput['Body']>;

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Parses `bytes=a-b`, `bytes=a-` and `bytes=-n` like S3: a header S3 would ignore (malformed or multi-range) gives
 * `undefined` (whole object); a range starting past the end throws `InvalidRange` (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const bounds = rangeBounds(header);
  if (!bounds || header === undefined) return undefined;
  const [start, last] = bounds;
  if (start === undefined) return suffixRange(last ?? 0, size, header);
  if (last !== undefined && last < start) return undefined;
  if (start >= size) throw S3Errors.invalidRange(header, size);
  return { start, end: Math.min(last ?? size - 1, size - 1) };
}

function rangeBounds(header: string | undefined): [number | undefined, number | undefined] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  return [match[1] ? Number(match[1]) : undefined, match[2] ? Number(match[2]) : undefined];
}

/** `bytes=-n`: the last n bytes. */
function suffixRange(length: number, size: number, header: string): ByteRange {
  if (length === 0 || size === 0) throw S3Errors.invalidRange(header, size);
  return { start: Math.max(0, size - length), end: size - 1 };
}

/** Quoted MD5 hex, as S3 reports for single-part uploads. */
export const quoteEtag = (md5: string): string => `"${md5}"`;
