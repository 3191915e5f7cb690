import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LocalSfn } from '@mlops/local-backend';
import { loadDefinition } from '../src/definition';
import { createExecutor, type StateEvent } from '../src/executor';
import type { HandlerInvoker } from '../src/handlers';

// Task states that call their function through `arn:aws:states:::lambda:invoke` and its `.waitForTaskToken`
// callback form, run by the local executor: the token reaches the function, the state waits for SendTask*.

const MACHINE = 'arn:aws:states:eu-west-1:000000000000:stateMachine:mlops-local-pipeline';

const definition = (waitParameters: string) => `
StartAt: Ask
States:
  Ask:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke.waitForTaskToken
    Parameters:
      FunctionName: \${param:askFunctionArn}
${waitParameters}
    ResultPath: $.answer
    TimeoutSeconds: 3600
    Catch:
      - ErrorEquals: [NoError]
        ResultPath: $.answer
        Next: Declined
    Next: Invoke
  Invoke:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: \${param:echoFunctionArn}
      Payload:
        answer.$: $.answer
    ResultSelector:
      echoed.$: $.Payload
      status.$: $.StatusCode
    ResultPath: $.invoked
    End: true
  Declined:
    Type: Pass
    End: true
`;

const WITH_TOKEN = `      Payload:
        token.$: $$.Task.Token
        question.$: $.question`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'callback-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A LocalSfn running `yaml` with fake functions: `ask` hands its payload to `asked`, `echo` returns its payload. */
async function machine(yaml: string) {
  const file = join(root, 'machine.yml');
  await writeFile(file, yaml);
  const loaded = await loadDefinition(file, { region: 'eu-west-1', account: '000000000000' });
  const asked: { token?: string; question?: string }[] = [];
  let onAsked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (onAsked = resolve));
  const invoker = {
    invoke: async (fnKey: string, payload: unknown) => {
      if (fnKey === 'ask') asked.push(payload as { token?: string });
      return fnKey === 'echo' ? payload : { ignored: true };
    },
  } as unknown as HandlerInvoker;
  const events: StateEvent[] = [];
  const sfn = new LocalSfn({ root: join(root, 'sfn'), region: 'eu-west-1', accountId: '000000000000', taskPollMs: 5 });
  sfn.setExecutor(
    createExecutor({
      definition: loaded,
      invoker,
      waitMs: 1,
      retryMs: 1,
      onEvent: (e) => (events.push(e), e.phase === 'waiting' && onAsked()),
    }),
  );
  const start = async (input: object) => {
    const { executionArn } = (await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, input: JSON.stringify(input) }),
    )) as { executionArn: string };
    return executionArn;
  };
  return { loaded, sfn, asked, wasAsked, events, start };
}

describe('lambda:invoke integrations in the local executor', () => {
  it('knows which function each Task calls and how', async () => {
    // Act
    const { loaded } = await machine(definition(WITH_TOKEN));

    // Assess
    expect(loaded.calls).toEqual({
      Ask: { fnKey: 'ask', integration: 'callback', timeoutSeconds: 3600, heartbeatSeconds: undefined },
      Invoke: { fnKey: 'echo', integration: 'invoke', timeoutSeconds: undefined, heartbeatSeconds: undefined },
    });
  });

  it('passes $$.Task.Token to the function, waits, and continues with the SendTaskSuccess output', async () => {
    // Prepare
    const { sfn, asked, wasAsked, events, start } = await machine(definition(WITH_TOKEN));
    const executionArn = await start({ runId: '20260302T093000Z-3fa9c1', question: 'ship it?' });
    await wasAsked;
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Act: the answer comes through another LocalSfn over the same folder, as from another process
    const other = new LocalSfn({ root: join(root, 'sfn'), region: 'eu-west-1', accountId: '000000000000' });
    await other.send(
      new SendTaskSuccessCommand({ taskToken: asked[0]?.token, output: JSON.stringify({ decision: 'approve' }) }),
    );
    const done = await sfn.waitFor(executionArn);

    // Assess
    expect(running).toMatchObject({ status: 'RUNNING' });
    expect(asked).toEqual([{ token: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/), question: 'ship it?' }]);
    expect(events.find((e) => e.phase === 'waiting')).toMatchObject({ state: 'Ask', runId: '20260302T093000Z-3fa9c1' });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({
      runId: '20260302T093000Z-3fa9c1',
      question: 'ship it?',
      answer: { decision: 'approve' },
      invoked: { echoed: { answer: { decision: 'approve' } }, status: 200 },
    });
  });

  it('takes a SendTaskFailure to the Catch that matches its error', async () => {
    // Prepare
    const { sfn, asked, wasAsked, start } = await machine(definition(WITH_TOKEN));
    const executionArn = await start({ question: 'ship it?' });
    await wasAsked;

    // Act
    await sfn.send(new SendTaskFailureCommand({ taskToken: asked[0]?.token, error: 'NoError', cause: 'not yet' }));
    const done = await sfn.waitFor(executionArn);

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null').answer).toEqual({ Error: 'NoError', Cause: 'not yet' });
  });

  it('fails a .waitForTaskToken task whose Parameters never pass the token (nobody could answer it)', async () => {
    // Prepare
    const { sfn, start } = await machine(definition(`      Payload:\n        question.$: $.question`));

    // Act
    const done = await sfn.waitFor(await start({ question: 'ship it?' }));

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.cause).toMatch(/must pass \$\$\.Task\.Token/);
  });
});
