import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { LocalSfn } from '../src/sfn/sfn';
import { TaskTokenStore, timeoutError } from '../src/sfn/task-tokens';

// The callback pattern (`.waitForTaskToken`): an executor registers a token and waits; SendTaskSuccess /
// SendTaskFailure / SendTaskHeartbeat settle it, from this LocalSfn or another one over the same folder (another
// process: `mlops approve` while `mlops run` waits).

const OWNER = {
  executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:mlops-local-pipeline:run-1',
  state: 'WaitForApproval',
};

let root: string;
const sfn = () => new LocalSfn({ root, region: 'eu-west-1', accountId: '000000000000', taskPollMs: 5 });

async function waiting(on: LocalSfn) {
  const token = on.tasks.newToken();
  await on.tasks.register(token, OWNER);
  return { token, outcome: on.tasks.wait(token) };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sfn-tokens-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LocalSfn task tokens', () => {
  it('hands the SendTaskSuccess output, parsed, to the waiting task', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);

    // Act
    await local.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'approve' }) }));

    // Assess
    await expect(outcome).resolves.toEqual({ decision: 'approve' });
  });

  it('fails the waiting task with the error and cause of SendTaskFailure', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);

    // Act
    await local.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'ApprovalRejectedError', cause: 'rejected by jane' }),
    );

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ApprovalRejectedError', message: 'rejected by jane' });
  });

  it('names a failure without an error States.TaskFailed', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);

    // Act
    await local.send(new SendTaskFailureCommand({ taskToken: token }));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'States.TaskFailed' });
  });

  it('is settled from another process: a second LocalSfn over the same folder', async () => {
    // Prepare
    const running = sfn();
    const { token, outcome } = await waiting(running);
    const elsewhere = sfn();

    // Act
    await elsewhere.send(new SendTaskSuccessCommand({ taskToken: token, output: '"approved"' }));

    // Assess
    await expect(outcome).resolves.toBe('approved');
  });

  it('accepts one settlement only: the next is TaskTimedOut, as on AWS', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);
    await local.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await outcome;

    // Act
    const again = await local
      .send(new SendTaskFailureCommand({ taskToken: token, error: 'Late' }))
      .catch((e: Error) => e);
    const heartbeat = await local.send(new SendTaskHeartbeatCommand({ taskToken: token })).catch((e: Error) => e);

    // Assess
    expect(again).toMatchObject({ name: 'TaskTimedOut' });
    expect(heartbeat).toMatchObject({ name: 'TaskTimedOut' });
  });

  it.each([
    ['an unknown token', 'A'.repeat(64), 'TaskDoesNotExist'],
    ['a malformed token', 'not a token!', 'InvalidToken'],
  ])('refuses %s', async (_, taskToken, name) => {
    // Act
    const result = sfn().send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Assess
    await expect(result).rejects.toMatchObject({ name });
  });

  it('refuses an output that is not JSON, leaving the task waiting', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);

    // Act
    const bad = local.send(new SendTaskSuccessCommand({ taskToken: token, output: 'approved' }));

    // Assess
    await expect(bad).rejects.toMatchObject({ name: 'InvalidOutput' });
    await local.send(new SendTaskSuccessCommand({ taskToken: token, output: '1' }));
    await expect(outcome).resolves.toBe(1);
  });

  it('accepts heartbeats while the task waits', async () => {
    // Prepare
    const local = sfn();
    const { token, outcome } = await waiting(local);

    // Act
    const beat = local.send(new SendTaskHeartbeatCommand({ taskToken: token }));

    // Assess
    await expect(beat).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    await local.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(outcome).resolves.toEqual({});
  });

  it('times the task out (States.Timeout) once TimeoutSeconds have passed, then refuses late answers', async () => {
    // Prepare
    let clock = 0;
    const store = new TaskTokenStore(join(root, 'tasks'), { pollMs: 1, now: () => clock });
    const token = store.newToken();
    await store.register(token, OWNER);
    const outcome = store.wait(token, { timeoutMs: 1000 });

    // Act
    clock = 1000;

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'States.Timeout' });
    await expect(store.succeed({ taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });
});

describe('timeoutError', () => {
  const times = { started: 0, heartbeatAt: 0 };

  it.each([
    [{ ...times, now: 999 }, { timeoutMs: 1000 }, undefined],
    [{ ...times, now: 1000 }, { timeoutMs: 1000 }, 'States.Timeout'],
    [{ ...times, now: 1000 }, { heartbeatMs: 1000 }, 'States.HeartbeatTimeout'],
    [{ ...times, heartbeatAt: 900, now: 1500 }, { heartbeatMs: 1000 }, undefined],
    [{ ...times, heartbeatAt: 900, now: 1900 }, { heartbeatMs: 1000, timeoutMs: 5000 }, 'States.HeartbeatTimeout'],
    [{ ...times, now: 1e9 }, {}, undefined],
  ])('at %o with %o: %s', (at, options, expected) => {
    expect(timeoutError(at, options)).toBe(expected);
  });
});
