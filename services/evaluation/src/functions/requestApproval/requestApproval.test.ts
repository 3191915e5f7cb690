import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { PublishCommand } from '@aws-sdk/client-sns';
import { InputError } from '@mlops/core';
import { ARTIFACTS, runState, serveObjects, testDeps, TEST_ENV, writtenObjects } from '@mlops/lambda-kit/testing';
import { requestApproval, type RequestApprovalEvent } from './requestApproval';

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:attrition-ea53e599';
/** Real task tokens run to several hundred characters: more than a model package metadata value may hold. */
const TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAA${'x'.repeat(600)}`;

function setUp(
  options: {
    env?: Record<string, string | undefined>;
    decision?: 'accept' | 'reject';
    status?: 'PendingManualApproval' | 'Rejected';
  } = {},
) {
  const t = testDeps({ env: options.env, now: new Date('2026-03-02T10:15:00.000Z') });
  const base = runState();
  const event: RequestApprovalEvent = {
    taskToken: TOKEN,
    executionArn: EXECUTION,
    state: {
      ...base,
      evaluation: {
        decision: options.decision ?? 'accept',
        evidenceKey: `runs/attrition/${base.runId}/evaluation/evidence.json`,
        threshold: 0.41,
        headline: { metric: 'roc_auc', candidate: 0.84213, champion: 0.83102 },
        reasons: ['PASS floor roc_auc: 0.84 >= 0.72', 'PASS champion roc_auc: 0.842 >= 0.831 - 0.02'],
      },
      registration: {
        modelPackageGroupName: 'mlops-attrition',
        modelPackageArn: PACKAGE,
        version: 4,
        approvalStatus: options.status ?? 'PendingManualApproval',
      },
    },
  };
  const recordKey = `s3://${ARTIFACTS}/runs/attrition/${base.runId}/record.json`;
  serveObjects(t.mocks.s3, { [recordKey]: { runId: base.runId, pipeline: 'attrition', status: 'running' } });
  const written = (name: string) => {
    const text = writtenObjects(t.mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${base.runId}/${name}`);
    return text === undefined ? undefined : JSON.parse(text);
  };
  return { ...t, event, written };
}

describe('requestApproval', () => {
  it('stores the task token with what is to be decided, next to the run', async () => {
    // Prepare
    const { deps, event, written } = setUp();

    // Act
    const result = await requestApproval(event, deps);

    // Assess
    expect(result).toEqual({ requestKey: `runs/attrition/${event.state.runId}/approval/request.json`, notified: true });
    expect(written('approval/request.json')).toEqual({
      runId: event.state.runId,
      pipeline: 'attrition',
      executionArn: EXECUTION,
      taskToken: TOKEN,
      modelPackageArn: PACKAGE,
      modelVersion: 4,
      headline: event.state.evaluation.headline,
      reasons: event.state.evaluation.reasons,
      evidenceKey: event.state.evaluation.evidenceKey,
      requestedAt: '2026-03-02T10:15:00.000Z',
    });
  });

  it('points the pending package at the request (the token itself is too long for its metadata), without approving it', async () => {
    // Prepare
    const { deps, event, mocks } = setUp();

    // Act
    await requestApproval(event, deps);

    // Assess
    const update = mocks.sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input;
    expect(update).toEqual({
      ModelPackageArn: PACKAGE,
      CustomerMetadataProperties: {
        approvalRequest: `s3://${ARTIFACTS}/runs/attrition/${event.state.runId}/approval/request.json`,
      },
    });
    expect(update?.ModelApprovalStatus).toBeUndefined();
    expect(Object.values(update?.CustomerMetadataProperties ?? {}).every((v) => v.length <= 256)).toBe(true);
  });

  it('marks the run record as waiting, keeping what it held', async () => {
    // Prepare
    const { deps, event, written } = setUp();

    // Act
    await requestApproval(event, deps);

    // Assess
    expect(written('record.json')).toEqual({
      runId: event.state.runId,
      pipeline: 'attrition',
      status: 'running',
      approval: {
        status: 'pending',
        requestedAt: '2026-03-02T10:15:00.000Z',
        requestUri: `s3://${ARTIFACTS}/runs/attrition/${event.state.runId}/approval/request.json`,
      },
    });
  });

  it('notifies the topic that a decision is needed, saying how to give it', async () => {
    // Prepare
    const { deps, event, mocks } = setUp();

    // Act
    await requestApproval(event, deps);

    // Assess
    const publish = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish).toMatchObject({
      TopicArn: TEST_ENV.NOTIFY_TOPIC_ARN,
      Subject: '[mlops/dev] attrition awaiting approval',
      MessageAttributes: { outcome: { DataType: 'String', StringValue: 'approval-requested' } },
    });
    expect(publish?.Message).toContain(
      `run ${event.state.runId}: the candidate passed the gate and awaits your decision`,
    );
    expect(publish?.Message).toContain('roc_auc: candidate 0.8421, champion 0.8310');
    expect(publish?.Message).toContain('mlops-dev-decideApproval');
    expect(publish?.Message).toContain(`mlops approve ${event.state.runId}`);
    expect(publish?.Message).not.toContain(TOKEN);
  });

  it('stores the request but notifies no one when the stage has no topic', async () => {
    // Prepare
    const { deps, event, mocks, written } = setUp({ env: { NOTIFY_TOPIC_ARN: undefined } });

    // Act
    const result = await requestApproval(event, deps);

    // Assess
    expect(result.notified).toBe(false);
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
    expect(written('approval/request.json')?.taskToken).toBe(TOKEN);
  });

  it.each([
    ['a rejected candidate', { decision: 'reject' as const, status: 'Rejected' as const }],
    ['a package that is not pending', { status: 'Rejected' as const }],
  ])('refuses to hold %s for approval, storing nothing', async (_, options) => {
    // Prepare
    const { deps, event, mocks } = setUp(options);

    // Act
    const result = requestApproval(event, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InputError);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });
});
