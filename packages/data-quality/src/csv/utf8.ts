import { isUtf8 } from 'node:buffer';

/** Length of a UTF-8 sequence started by `lead`, or 0 when `lead` cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * How many bytes at the end of `bytes` begin a multi-byte sequence that the next chunk completes.
 * Those bytes are held back so a character split across two chunks is decoded whole.
 */
export function incompleteTailLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) !== 0x80) {
      const length = sequenceLength(b);
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** Allowed range of the byte after `lead` (stricter than 80..BF for E0, ED, F0 and F4: no overlongs, no surrogates). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

function validSequenceAt(bytes: Uint8Array, i: number, length: number): boolean {
  if (i + length > bytes.length) return false;
  const [low, high] = secondByteRange(bytes[i] as number);
  const second = bytes[i + 1] as number;
  if (second < low || second > high) return false;
  for (let k = 2; k < length; k += 1) {
    if (((bytes[i + k] as number) & 0xc0) !== 0x80) return false;
  }
  return true;
}

/**
 * Offset of the first byte that is not part of valid UTF-8 (RFC 3629: no overlongs, surrogates or values
 * above U+10FFFF), or -1 when all of `bytes` is valid. Only used to explain a failure, so it favours clarity.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes[i] as number);
    if (length === 0) return i;
    if (length > 1 && !validSequenceAt(bytes, i, length)) return i;
    i += length;
  }
  return -1;
}

/** Decodes byte chunks as strict UTF-8, holding back a character split across chunks; strips a leading BOM. */
export class Utf8ChunkDecoder {
  bytes = 0;
  private pending: Buffer | undefined;
  private first = true;

  decode(chunk: Uint8Array | string): { text: string; error?: string } {
    if (typeof chunk === 'string') return { text: this.stripBom(chunk) };
    const start = this.bytes - (this.pending?.length ?? 0);
    this.bytes += chunk.length;
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.pending ? Buffer.concat([this.pending, view]) : view;
    const tail = incompleteTailLength(data);
    const body = tail > 0 ? data.subarray(0, data.length - tail) : data;
    this.pending = tail > 0 ? Buffer.from(data.subarray(data.length - tail)) : undefined;
    if (isUtf8(body)) return { text: this.stripBom(body.toString('utf8')) };
    const offset = firstInvalidUtf8Offset(body);
    const byte = (body[offset] ?? 0).toString(16).padStart(2, '0');
    const text = this.stripBom(body.subarray(0, offset).toString('utf8'));
    return { text, error: `not valid UTF-8: byte 0x${byte} at byte offset ${start + offset}` };
  }

  /** An error when the input ended inside a multi-byte character. */
  finish(): string | undefined {
    if (!this.pending) return undefined;
    return `not valid UTF-8: the file ends inside a multi-byte character (byte offset ${this.bytes - this.pending.length})`;
  }

  private stripBom(text: string): string {
    if (!this.first || text.length === 0) return text;
    this.first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}
