import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { TransientError } from '@mlops/core';
import { isTransient, transientErrors } from './transient';

function sdkError(name: string, status: number, retryable = false): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...(retryable ? { $retryable: {} } : {}) });
}

describe('transient SDK errors', () => {
  it('recognises throttling, 5xx and SDK-retryable errors, and nothing else', () => {
    expect(isTransient(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isTransient(sdkError('Whatever', 503))).toBe(true);
    expect(isTransient(sdkError('Whatever', 400, true))).toBe(true);
    expect(isTransient(sdkError('ValidationException', 400))).toBe(false);
    expect(isTransient(new Error('plain'))).toBe(false);
  });

  it('rethrows them as TransientError (what the state machine retries) and leaves others alone', async () => {
    const failWith = (error: Error) => middy(async () => { throw error; }).use(transientErrors());
    await expect(failWith(sdkError('ThrottlingException', 400))(undefined, {} as never)).rejects.toBeInstanceOf(TransientError);
    await expect(failWith(sdkError('ThrottlingException', 400))(undefined, {} as never)).rejects.toHaveProperty('name', 'TransientError');
    await expect(failWith(sdkError('ValidationException', 400))(undefined, {} as never)).rejects.toHaveProperty('name', 'ValidationException');
  });
});
