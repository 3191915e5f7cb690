import { LocalServiceError } from '../service';
import type { ContainerRunner } from './runner';
import type { ModelServer } from './serve';
import type { ResourceStore } from './store';
import type { SageMakerFaults, SageMakerS3 } from './types';
import { validationError } from './validate';

/** What every operation module shares: options, state store, container runner, background tasks. */
export interface SageMakerContext {
  readonly region: string;
  readonly accountId: string;
  readonly root: string;
  readonly s3: SageMakerS3;
  readonly store: ResourceStore;
  readonly runner: ContainerRunner;
  readonly timeScale: number;
  readonly faults: SageMakerFaults;
  /** Endpoint servers this process started, by endpoint name (others are stopped by pid). */
  readonly servers: Map<string, ModelServer>;
  /** Run a job in the background of this process (tracked by `LocalSageMaker.settled()`). */
  background<T>(task: Promise<T>): Promise<T>;
  /** Announce progress (`transform-progress`: `{ job, records, total }`) to whoever shows it (the CLI's bars). */
  progress(event: 'transform-progress', payload: { job: string; records: number; total: number }): void;
}

/** `arn:aws:sagemaker:<region>:<account>:<resource>/<name>`, lower-cased like the service's. */
export function arnOf(ctx: SageMakerContext, resource: string, name: string): string {
  return `arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:${resource}/${name.toLowerCase()}`;
}

/** The name at the end of a name-or-ARN member. */
export function nameFromArnOrName(value: string): string {
  return value.startsWith('arn:') ? (value.split('/').pop() ?? value) : value;
}

/** Bucket and key of an `s3://bucket/key` URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (match === null) throw validationError(`Invalid S3 URI: ${uri}`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/** Join an S3 URI prefix and a relative key with exactly one slash. */
export function s3Join(uri: string, ...parts: string[]): string {
  return [uri.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].join('/');
}

export function resourceInUse(message: string): LocalServiceError {
  return new LocalServiceError('ResourceInUse', message);
}

export function resourceNotFound(message: string): LocalServiceError {
  return new LocalServiceError('ResourceNotFound', message);
}

/** Seconds between two dates, at least 1 (what SageMaker bills). */
export function secondsBetween(start: Date, end: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000));
}

/** Decode/encode an offset as a `NextToken` for paginated lists. */
export function paginate<T>(items: T[], input: { NextToken?: string; MaxResults?: number }, max = 10): { page: T[]; NextToken?: string } {
  const start = input.NextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.NextToken, 'base64url').toString(), 10);
  if (!Number.isInteger(start) || start < 0) throw validationError('Invalid pagination token');
  const size = input.MaxResults ?? max;
  const end = start + size;
  const page = items.slice(start, end);
  return end < items.length ? { page, NextToken: Buffer.from(String(end)).toString('base64url') } : { page };
}

/** Compare function for `SortBy` + `SortOrder` (default ascending). */
export function sortBy<T>(key: (item: T) => string | number | Date | undefined, order?: string): (a: T, b: T) => number {
  const sign = order === 'Descending' ? -1 : 1;
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    const xv = x instanceof Date ? x.getTime() : x;
    const yv = y instanceof Date ? y.getTime() : y;
    if (xv === yv) return 0;
    if (xv === undefined) return 1;
    if (yv === undefined) return -1;
    return (xv < yv ? -1 : 1) * sign;
  };
}
