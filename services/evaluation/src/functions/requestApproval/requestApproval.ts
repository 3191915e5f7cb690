import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { PublishCommand } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { EvaluationStateSchema, InputError, RegistrationStateSchema, RunStateSchema, s3Uri } from '@mlops/core';
import { putJson } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';
import { approvalLayout, recordApproval, type ApprovalRequest } from '../../lib/approval';

export const RequestApprovalEvent = z.object({
  /** `$$.Task.Token` of the WaitForApproval state (AWS tokens are up to 2,048 characters). */
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
  executionArn: z.string(),
  state: z.extend(RunStateSchema, { evaluation: EvaluationStateSchema, registration: RegistrationStateSchema }),
});
export type RequestApprovalEvent = z.infer<typeof RequestApprovalEvent>;

function message(request: ApprovalRequest, deps: Deps, requestUri: string): string {
  const { env } = deps;
  const payload = (decision: string) =>
    JSON.stringify({ pipeline: request.pipeline, runId: request.runId, decision, decidedBy: '<you>', reason: '<why>' });
  return [
    `Pipeline ${request.pipeline} run ${request.runId}: the candidate passed the gate and awaits your decision.`,
    `Model package: ${request.modelPackageArn} (version ${request.modelVersion}), PendingManualApproval.`,
    `${request.headline.metric}: candidate ${request.headline.candidate.toFixed(4)}, champion ${request.headline.champion === null ? 'none' : request.headline.champion.toFixed(4)}.`,
    'Gate:',
    ...request.reasons.map((r) => `  ${r}`),
    `Evidence: ${s3Uri(env.need('ARTIFACTS_BUCKET'), request.evidenceKey)}`,
    `Request: ${requestUri}`,
    `Approve: invoke ${env.project}-${env.stage}-decideApproval with ${payload('approve')} (locally: mlops approve ${request.runId})`,
    `Reject:  invoke it with ${payload('reject')} (locally: mlops approve ${request.runId} --reject --reason "…")`,
  ].join('\n');
}

/**
 * The manual approval step's function, called by the WaitForApproval state with its task token: store the token
 * with the pending package (`approval/request.json` next to the run; the package's customer metadata points to it,
 * since a token is longer than the 256 characters a metadata value may hold), note it in the run record, and notify
 * that a decision is needed. The execution then waits until decideApproval sends the decision.
 */
export async function requestApproval(event: RequestApprovalEvent, deps: Deps) {
  const { clients, env, now, logger } = deps;
  const { state } = event;
  const { registration, evaluation } = state;
  if (evaluation.decision !== 'accept' || registration.approvalStatus !== 'PendingManualApproval') {
    throw new InputError(
      `run ${state.runId}: only an accepted candidate pending approval can wait for a decision (got ${evaluation.decision}, ${registration.approvalStatus})`,
    );
  }
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const requestKey = approvalLayout.request(state.pipeline, state.runId);
  const request: ApprovalRequest = {
    runId: state.runId,
    pipeline: state.pipeline,
    executionArn: event.executionArn,
    taskToken: event.taskToken,
    modelPackageArn: registration.modelPackageArn,
    modelVersion: registration.version,
    headline: evaluation.headline,
    reasons: evaluation.reasons,
    evidenceKey: evaluation.evidenceKey,
    requestedAt: now().toISOString(),
  };
  await putJson(clients.s3, artifacts, requestKey, request);
  const requestUri = s3Uri(artifacts, requestKey);
  await clients.sagemaker.send(
    new UpdateModelPackageCommand({
      ModelPackageArn: registration.modelPackageArn,
      CustomerMetadataProperties: { approvalRequest: requestUri },
    }),
  );
  await recordApproval(deps, state.pipeline, state.runId, {
    status: 'pending',
    requestedAt: request.requestedAt,
    requestUri,
  });
  const topic = env.get('NOTIFY_TOPIC_ARN');
  if (topic) {
    await clients.sns.send(
      new PublishCommand({
        TopicArn: topic,
        Subject: `[${env.project}/${env.stage}] ${state.pipeline} awaiting approval`.slice(0, 100),
        Message: message(request, deps, requestUri),
        MessageAttributes: {
          pipeline: { DataType: 'String', StringValue: state.pipeline },
          outcome: { DataType: 'String', StringValue: 'approval-requested' },
          runId: { DataType: 'String', StringValue: state.runId },
        },
      }),
    );
  }
  logger.info('approval requested', { runId: state.runId, modelPackageArn: registration.modelPackageArn });
  return { requestKey, notified: topic !== undefined };
}
