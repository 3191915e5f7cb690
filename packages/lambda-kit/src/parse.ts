import * as z from 'zod/mini';
import { InvalidEventError } from '@mlops/core';
import '@mlops/core/messages';

/** Largest event a handler accepts (Step Functions caps payloads at 256 KB). */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Check an incoming event's size and shape; the error names every bad field.
 * @example const input = parseEvent(StartRunEvent, event, 'startRun')
 */
export function parseEvent<S extends z.core.$ZodType>(schema: S, event: unknown, name: string): z.infer<S> {
  const size = Buffer.byteLength(JSON.stringify(event ?? null), 'utf8');
  if (size > MAX_EVENT_BYTES) {
    throw new InvalidEventError(`${name}: event is ${size} bytes, over the ${MAX_EVENT_BYTES}-byte limit; pass S3 URIs, not data`);
  }
  const result = z.safeParse(schema, event);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`${name}: invalid event: ${issues}`);
  }
  return result.data;
}
