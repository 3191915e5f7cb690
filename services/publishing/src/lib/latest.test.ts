import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3Body, testDeps } from '@mlops/lambda-kit/testing';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { switchLatest, withLatestSwitched } from './latest';

const KEY = 'predictions/pipeline=attrition/latest.json';
const preconditionFailed = Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });

describe('switchLatest', () => {
  it('writes the first pointer only if none exists yet', async () => {
    const { deps, mocks } = testDeps();
    mocks.s3.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    mocks.s3.on(PutObjectCommand).resolves({});
    expect(await switchLatest(deps.clients.s3, 'b', KEY, { runId: 'r1', modelVersion: 1 })).toEqual({ switched: true, previous: undefined });
    expect(mocks.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Key: KEY, IfNoneMatch: '*' });
  });

  it('never moves `latest` back to an older model version', async () => {
    const { deps, mocks } = testDeps();
    mocks.s3.on(GetObjectCommand).resolves({ Body: s3Body(JSON.stringify({ runId: 'r2', modelVersion: 2 })) as never, ETag: '"e2"' });
    expect(await switchLatest(deps.clients.s3, 'b', KEY, { runId: 'r1', modelVersion: 1 })).toEqual({ switched: false });
    expect(mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('re-reads and re-judges when a concurrent switch wins the conditional write', async () => {
    const { deps, mocks } = testDeps();
    mocks.s3
      .on(GetObjectCommand)
      .resolvesOnce({ Body: s3Body(JSON.stringify({ runId: 'r1', modelVersion: 1 })) as never, ETag: '"e1"' })
      .resolves({ Body: s3Body(JSON.stringify({ runId: 'r3', modelVersion: 3 })) as never, ETag: '"e3"' });
    mocks.s3.on(PutObjectCommand).rejectsOnce(preconditionFailed).resolves({});
    expect(await switchLatest(deps.clients.s3, 'b', KEY, { runId: 'r2', modelVersion: 2 })).toEqual({ switched: false });
    expect(mocks.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ IfMatch: '"e1"' });
  });

  it('puts `latest` back when what follows the switch fails', async () => {
    const { deps, mocks } = testDeps();
    const before = JSON.stringify({ runId: 'r1', modelVersion: 1 });
    mocks.s3.on(GetObjectCommand).resolves({ Body: s3Body(before) as never, ETag: '"e1"' });
    mocks.s3.on(PutObjectCommand).resolves({});
    const approval = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    await expect(withLatestSwitched(deps.clients.s3, 'b', KEY, { runId: 'r2', modelVersion: 2 }, () => Promise.reject(approval))).rejects.toBe(approval);
    const puts = mocks.s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => JSON.parse(String(p.Body)).runId)).toEqual(['r2', 'r1']);
    expect(String(puts[1]?.Body)).toBe(before);
  });

  it('removes a first `latest` again when what follows the switch fails', async () => {
    const { deps, mocks } = testDeps();
    mocks.s3.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    mocks.s3.on(PutObjectCommand).resolves({});
    mocks.s3.on(DeleteObjectCommand).resolves({});
    await expect(withLatestSwitched(deps.clients.s3, 'b', KEY, { runId: 'r1', modelVersion: 1 }, () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(mocks.s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });
});
