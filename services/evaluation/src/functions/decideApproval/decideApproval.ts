import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { InputError, RunInputSchema } from '@mlops/core';
import { getJsonIfExists, putJson } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';
import {
  APPROVAL_REJECTED,
  ApprovalDecisionSchema,
  approvalLayout,
  ApprovalRequestSchema,
  recordApproval,
  type ApprovalDecision,
  type ApprovalRequest,
} from '../../lib/approval';

export const DecideApprovalEvent = z.object({
  pipeline: RunInputSchema.shape.pipeline,
  runId: RunInputSchema.shape.runId,
  decision: z.enum(['approve', 'reject']),
  /** Who decides: kept in the run record, the decision file and the package's approval description. */
  decidedBy: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  reason: z.optional(z.string().check(z.maxLength(1000))),
});
export type DecideApprovalEvent = z.infer<typeof DecideApprovalEvent>;

/** The execution no longer waits on this token (it timed out, failed, or was already decided). */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Whether the execution still waits on the token: false when it timed out, ended, or took another decision. */
async function resume(deps: Deps, request: ApprovalRequest, decision: ApprovalDecision): Promise<boolean> {
  const { sfn } = deps.clients;
  try {
    if (decision.decision === 'approve') {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: request.taskToken, output: JSON.stringify(decision) }));
    } else {
      const cause = `rejected by ${decision.decidedBy}${decision.reason ? `: ${decision.reason}` : ''}`;
      await sfn.send(new SendTaskFailureCommand({ taskToken: request.taskToken, error: APPROVAL_REJECTED, cause }));
    }
    return true;
  } catch (error) {
    if (GONE.has((error as Error).name)) return false;
    throw error;
  }
}

async function previousDecision(deps: Deps, key: string): Promise<ApprovalDecision | undefined> {
  const raw = await getJsonIfExists(deps.clients.s3, deps.env.need('ARTIFACTS_BUCKET'), key);
  return raw === undefined ? undefined : ApprovalDecisionSchema.parse(raw);
}

const recordStatus = (d: ApprovalDecision) => ({ status: d.decision === 'approve' ? 'approved' : 'rejected', ...d });

/**
 * A person's decision on a candidate waiting in WaitForApproval, from `mlops approve` or this Lambda (API, console).
 * Reject: the package is marked `Rejected` first (it can never become the champion), then the execution resumes with
 * SendTaskFailure and ends `rejected`. Approve: the execution resumes with SendTaskSuccess and publishes; the package
 * is approved by finalizePublish once the predictions are complete, so the champion still moves last.
 * Repeating the same decision is harmless; a different one after a decision is refused.
 */
export async function decideApproval(
  event: DecideApprovalEvent,
  deps: Deps,
): Promise<ApprovalDecision & { repeated: boolean }> {
  const { clients, env, now, logger } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const raw = await getJsonIfExists(clients.s3, artifacts, approvalLayout.request(event.pipeline, event.runId));
  if (raw === undefined)
    throw new InputError(
      `run ${event.runId} of pipeline ${event.pipeline} is not waiting for a decision (no approval request)`,
    );
  const request = ApprovalRequestSchema.parse(raw);
  const decisionKey = approvalLayout.decision(event.pipeline, event.runId);
  const earlier = await previousDecision(deps, decisionKey);
  if (earlier) {
    if (earlier.decision !== event.decision) throw alreadyDecided(event.runId, earlier);
    return { ...earlier, repeated: true };
  }
  const decision: ApprovalDecision = {
    decision: event.decision,
    decidedBy: event.decidedBy,
    reason: event.reason ?? null,
    decidedAt: now().toISOString(),
    modelPackageArn: request.modelPackageArn,
  };
  if (decision.decision === 'reject') {
    await clients.sagemaker.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: request.modelPackageArn,
        ModelApprovalStatus: 'Rejected',
        ApprovalDescription: `rejected by ${decision.decidedBy}${decision.reason ? `: ${decision.reason}` : ''}`.slice(
          0,
          1024,
        ),
      }),
    );
  }
  // The record is written before the execution resumes: once resumed, finishRun may write it at any moment.
  await recordApproval(deps, event.pipeline, event.runId, recordStatus(decision));
  if (!(await resume(deps, request, decision))) {
    const winner = await previousDecision(deps, decisionKey);
    await recordApproval(
      deps,
      event.pipeline,
      event.runId,
      winner ? recordStatus(winner) : { status: 'expired', decision: null },
    );
    if (winner) throw alreadyDecided(event.runId, winner);
    throw new InputError(`run ${event.runId} no longer waits for a decision: it timed out or ended`);
  }
  await putJson(clients.s3, artifacts, decisionKey, decision);
  logger.info('approval decided', { runId: event.runId, decision: decision.decision, decidedBy: decision.decidedBy });
  return { ...decision, repeated: false };
}

function alreadyDecided(runId: string, earlier: ApprovalDecision): InputError {
  return new InputError(
    `run ${runId} was already decided: ${earlier.decision} by ${earlier.decidedBy} at ${earlier.decidedAt}`,
  );
}
