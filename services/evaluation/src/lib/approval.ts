import * as z from 'zod/mini';
import { layout } from '@mlops/core';
import { getJsonIfExists, putJson } from '@mlops/clients';
import type { Deps } from '@mlops/lambda-kit';

/** Where a run's approval request (with its task token) and the decision are stored, next to the run. */
export const approvalLayout = {
  request: (pipeline: string, runId: string) => `${layout.runPrefix(pipeline, runId)}approval/request.json`,
  decision: (pipeline: string, runId: string) => `${layout.runPrefix(pipeline, runId)}approval/decision.json`,
};

/** The error SendTaskFailure reports on a rejection: what the state machine's Catch matches. */
export const APPROVAL_REJECTED = 'ApprovalRejectedError';

/** `approval/request.json`: what a person decides on, and the token that resumes the execution. */
export const ApprovalRequestSchema = z.object({
  runId: z.string(),
  pipeline: z.string(),
  executionArn: z.string(),
  taskToken: z.string().check(z.minLength(1)),
  modelPackageArn: z.string(),
  modelVersion: z.int(),
  headline: z.object({ metric: z.string(), candidate: z.number(), champion: z.nullable(z.number()) }),
  reasons: z.array(z.string()),
  evidenceKey: z.string(),
  requestedAt: z.string(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** `approval/decision.json`, and the output SendTaskSuccess hands to the state machine (`$.approval`). */
export const ApprovalDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  decidedBy: z.string(),
  reason: z.nullable(z.string()),
  decidedAt: z.string(),
  modelPackageArn: z.string(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/**
 * Add the approval's state to the run record (`approval`), keeping the rest: finishRun keeps what it finds,
 * so who decided, when and why stays in the lineage.
 */
export async function recordApproval(
  deps: Deps,
  pipeline: string,
  runId: string,
  approval: Record<string, unknown>,
): Promise<void> {
  const artifacts = deps.env.need('ARTIFACTS_BUCKET');
  const key = layout.runRecord(pipeline, runId);
  const record = (await getJsonIfExists<Record<string, unknown>>(deps.clients.s3, artifacts, key)) ?? {
    runId,
    pipeline,
  };
  await putJson(deps.clients.s3, artifacts, key, {
    ...record,
    approval: { ...(record.approval as object | undefined), ...approval },
  });
}
