/**
 * Object keys ↔ paths on disk, and S3's naming rules.
 *
 * Mapping (documented in ./README.md): a key is split on `/`; every segment is percent-encoded (UTF-8, upper-case
 * hex) except the characters `A–Z a–z 0–9 - _ . ~ ! $ & ' ( ) + , ; =` and space; a segment made only of dots
 * (`.`, `..`, `...`) has every dot encoded (`%2E`); an empty segment becomes a lone `%`. The last segment gets an `@`
 * suffix (the key's folder), so key `a` (`a@/`) and key `a/b` (`a/b@/`) never collide. Because `/`, `\`, `%`, `@`,
 * NUL, control and non-ASCII characters are always encoded, no key can name a path outside its bucket.
 */
import { Buffer } from 'node:buffer';
import { LocalServiceError } from '../service';

const SAFE = /^[A-Za-z0-9\-_.~!$&'()+,;= ]$/;
const MAX_KEY_BYTES = 1024;
const MAX_NAME_BYTES = 255;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Encodes one key segment into a file name (see the module comment). */
export function encodeSegment(segment: string): string {
  if (segment === '') return '%';
  if (/^\.+$/.test(segment)) return '%2E'.repeat(segment.length);
  let out = '';
  for (const char of segment) {
    out += SAFE.test(char) ? char : percentEncode(char);
  }
  return out;
}

/** Inverse of {@link encodeSegment}. */
export function decodeSegment(name: string): string {
  return name === '%' ? '' : decodeURIComponent(name);
}

function percentEncode(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Validates a key like S3 does (non-empty, ≤ 1024 UTF-8 bytes, well-formed Unicode) and returns its path parts. */
export function keyPathParts(key: string): string[] {
  if (typeof key !== 'string' || key === '') {
    throw new LocalServiceError('InvalidArgument', 'object key must be a non-empty string');
  }
  if (LONE_SURROGATE.test(key)) throw new LocalServiceError('InvalidArgument', 'object key is not valid UTF-8');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new LocalServiceError('KeyTooLongError', 'Your key is too long (max 1024 bytes)');
  }
  const segments = key.split('/');
  const parts = segments.map((segment, index) => encodeSegment(segment) + (index === segments.length - 1 ? '@' : ''));
  if (parts.some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) {
    throw new LocalServiceError(
      'KeyTooLongError',
      `a segment of key ${JSON.stringify(key.slice(0, 80))} is too long for a file name once encoded (local backend limit: 255 bytes)`,
    );
  }
  return parts;
}

/** Orders keys as S3 does: by their UTF-8 bytes (equal to code-point order, unlike JS string comparison). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sorts keys in S3 order (encodes each key once). */
export function sortKeys(keys: string[]): string[] {
  return keys
    .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((entry) => entry.key);
}

const FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Throws `InvalidBucketName` unless `name` follows S3's general-purpose bucket naming rules. */
export function assertBucketName(name: unknown): asserts name is string {
  const valid =
    typeof name === 'string' &&
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) &&
    !FORBIDDEN_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
    !FORBIDDEN_SUFFIXES.some((suffix) => name.endsWith(suffix));
  if (!valid) {
    throw new LocalServiceError('InvalidBucketName', `The specified bucket is not valid: ${JSON.stringify(name)}`);
  }
}
