import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { InputError } from '@mlops/core';
import { ARTIFACTS, serveObjects, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { decideApproval, type DecideApprovalEvent } from './decideApproval';

const RUN_ID = '20260302T093000Z-3fa9c1';
const RUN = `s3://${ARTIFACTS}/runs/attrition/${RUN_ID}`;
const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4';
const TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAA${'t'.repeat(600)}`;

const request = {
  runId: RUN_ID,
  pipeline: 'attrition',
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:attrition-ea53e599',
  taskToken: TOKEN,
  modelPackageArn: PACKAGE,
  modelVersion: 4,
  headline: { metric: 'roc_auc', candidate: 0.84, champion: 0.83 },
  reasons: ['PASS floor roc_auc: 0.84 >= 0.72'],
  evidenceKey: `runs/attrition/${RUN_ID}/evaluation/evidence.json`,
  requestedAt: '2026-03-02T10:15:00.000Z',
};

const sfnError = (name: string) =>
  new SFNServiceException({
    name,
    $fault: 'client',
    message: `${name}: Provided task does not exist anymore`,
    $metadata: {},
  });

function setUp(options: { request?: object | null; earlier?: object } = {}) {
  const t = testDeps({ now: new Date('2026-03-02T11:00:00.000Z') });
  const objects: Record<string, object> = {
    [`${RUN}/record.json`]: { runId: RUN_ID, pipeline: 'attrition', status: 'running' },
  };
  if (options.request !== null) objects[`${RUN}/approval/request.json`] = options.request ?? request;
  if (options.earlier) objects[`${RUN}/approval/decision.json`] = options.earlier;
  serveObjects(t.mocks.s3, objects);
  const written = (name: string) => {
    const text = writtenObjects(t.mocks.s3).get(`${RUN}/${name}`);
    return text === undefined ? undefined : JSON.parse(text);
  };
  const event = (decision: 'approve' | 'reject', reason?: string): DecideApprovalEvent => ({
    pipeline: 'attrition',
    runId: RUN_ID,
    decision,
    decidedBy: 'jane',
    reason,
  });
  return { ...t, written, event };
}

/** A decision already recorded for the run (approve, by jane). */
const EARLIER_APPROVAL = {
  decision: 'approve',
  decidedBy: 'jane',
  reason: null,
  decidedAt: '2026-03-02T10:30:00.000Z',
  modelPackageArn: PACKAGE,
};

describe('decideApproval', () => {
  it('approves by resuming the execution with the decision as its output, leaving the package to publishing', async () => {
    // Prepare
    const { deps, mocks, event, written } = setUp();

    // Act
    const result = await decideApproval(event('approve', 'looks right'), deps);

    // Assess
    const decision = {
      decision: 'approve',
      decidedBy: 'jane',
      reason: 'looks right',
      decidedAt: '2026-03-02T11:00:00.000Z',
      modelPackageArn: PACKAGE,
    };
    expect(result).toEqual({ ...decision, repeated: false });
    expect(mocks.sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify(decision),
    });
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
    expect(written('approval/decision.json')).toEqual(decision);
    expect(written('record.json')).toMatchObject({
      status: 'running',
      approval: { status: 'approved', decidedBy: 'jane' },
    });
  });

  it('rejects by marking the package Rejected first, then failing the task with ApprovalRejectedError', async () => {
    // Prepare
    const { deps, mocks, sent, event } = setUp();

    // Act
    await decideApproval(event('reject', 'uses a leaky feature'), deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, {
      ModelPackageArn: PACKAGE,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'rejected by jane: uses a leaky feature',
    });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'ApprovalRejectedError',
      cause: 'rejected by jane: uses a leaky feature',
    });
    const order = sent()
      .map((c) => c.command)
      .filter((c) => c !== 'GetObjectCommand');
    expect(order.indexOf('UpdateModelPackageCommand')).toBeLessThan(order.indexOf('SendTaskFailureCommand'));
  });

  it('writes the run record before resuming the execution (finishRun may write it right after)', async () => {
    // Prepare
    const { deps, sent, event } = setUp();

    // Act
    await decideApproval(event('approve'), deps);

    // Assess
    const order = sent().map(
      (c) =>
        `${c.command} ${String(c.input.Key ?? '')
          .split('/')
          .slice(3)
          .join('/')}`,
    );
    expect(order.indexOf('PutObjectCommand record.json')).toBeLessThan(order.indexOf('SendTaskSuccessCommand '));
    expect(order.indexOf('SendTaskSuccessCommand ')).toBeLessThan(
      order.indexOf('PutObjectCommand approval/decision.json'),
    );
  });

  it('repeats the same decision harmlessly, without resuming anything again', async () => {
    // Prepare
    const earlier = EARLIER_APPROVAL;
    const { deps, mocks, event } = setUp({ earlier });

    // Act
    const result = await decideApproval(event('approve'), deps);

    // Assess
    expect(result).toEqual({ ...earlier, repeated: true });
    expect(mocks.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('refuses a different decision once decided', async () => {
    // Prepare
    const earlier = EARLIER_APPROVAL;
    const { deps, mocks, event } = setUp({ earlier });

    // Act
    const result = decideApproval(event('reject'), deps);

    // Assess
    await expect(result).rejects.toThrow(/already decided: approve by jane/);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
    expect(mocks.sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('says so when the run does not wait for a decision', async () => {
    // Prepare
    const { deps, mocks, event } = setUp({ request: null });

    // Act
    const result = decideApproval(event('approve'), deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InputError);
    await expect(result).rejects.toThrow(/not waiting for a decision/);
    expect(mocks.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('reports a run that stopped waiting (timed out) and records it expired, writing no decision', async () => {
    // Prepare
    const { deps, mocks, event, written } = setUp();
    mocks.sfn.on(SendTaskSuccessCommand).rejects(sfnError('TaskTimedOut'));

    // Act
    const result = decideApproval(event('approve'), deps);

    // Assess
    await expect(result).rejects.toThrow(/no longer waits for a decision/);
    expect(written('approval/decision.json')).toBeUndefined();
    expect(written('record.json')?.approval).toMatchObject({ status: 'expired', decision: null });
  });

  it('lets any other Step Functions error through, so the call can be retried', async () => {
    // Prepare
    const { deps, mocks, event, written } = setUp();
    mocks.sfn.on(SendTaskSuccessCommand).rejects(sfnError('ThrottlingException'));

    // Act
    const result = decideApproval(event('approve'), deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(written('approval/decision.json')).toBeUndefined();
  });
});
