import type middy from '@middy/core';
import { TransientError } from '@mlops/core';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceException',
  'ConcurrentModificationException',
]);

/** True for SDK errors worth retrying: throttling, 5xx, or marked retryable by the SDK. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(e.name ?? '') || e.$retryable !== undefined || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * A middleware that turns SDK throttling and server errors into `TransientError`, the name the state machine's
 * Retry matches; every other error passes through unchanged.
 */
export function transientErrors(): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      if (request.error && !(request.error instanceof TransientError) && isTransient(request.error)) {
        request.error = new TransientError(`${request.error.name}: ${request.error.message}`, { cause: request.error });
      }
    },
  };
}
