import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageGroupCommand,
} from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { EvaluationStateSchema, layout, RunStateSchema, s3Uri, type RunState } from '@mlops/core';
import { runConfig, type Deps } from '@mlops/lambda-kit';
import { EvaluateCandidateEvent } from '../evaluateCandidate/evaluateCandidate';
import { modelPackageGroupName } from '../startScoring/startScoring';

export const RegisterModelEvent = z.extend(RunStateSchema, {
  scoring: EvaluateCandidateEvent.shape.scoring,
  evaluation: EvaluationStateSchema,
});
export type RegisterModelEvent = z.infer<typeof RegisterModelEvent>;

async function ensureGroup(deps: Deps, name: string, pipeline: string): Promise<void> {
  try {
    await deps.clients.sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: name }));
  } catch (error) {
    if ((error as Error).name !== 'ValidationException' && (error as Error).name !== 'ResourceNotFound') throw error;
    try {
      await deps.clients.sagemaker.send(
        new CreateModelPackageGroupCommand({
          ModelPackageGroupName: name,
          ModelPackageGroupDescription: `Model versions of the ${pipeline} pipeline`,
          Tags: [{ Key: 'mlops:pipeline', Value: pipeline }],
        }),
      );
    } catch (createError) {
      // Two first runs of a pipeline at once: the other one created the group between our Describe and Create.
      if (!/already exists/i.test((createError as Error).message)) throw createError;
    }
  }
}

/**
 * Register the candidate as a new version of the pipeline's model package group, with its evidence.
 * A rejected candidate is registered `Rejected`; an accepted one `PendingManualApproval` until publishing has
 * finished (then `Approved`), so the champion never points to something half published. `approvalRequired` tells
 * the state machine to wait for a person first (config `evaluation.manualApproval`).
 */
export async function registerModel(state: RegisterModelEvent, deps: Deps) {
  const { clients, env, logger } = deps;
  const config = await runConfig(state as RunState, deps);
  const group = modelPackageGroupName(env.project, state.pipeline);
  await ensureGroup(deps, group, state.pipeline);
  const accepted = state.evaluation.decision === 'accept';
  const status = accepted ? 'PendingManualApproval' : 'Rejected';
  const { candidate } = state.scoring;
  const image = (candidate as { image?: string }).image ?? env.imageUri(config.container.image);
  const out = await clients.sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelPackageDescription: `run ${state.runId}: ${state.evaluation.decision} (${state.evaluation.headline.metric} ${state.evaluation.headline.candidate.toFixed(4)})`.slice(0, 1024),
      InferenceSpecification: {
        Containers: [{ Image: image, ModelDataUrl: candidate.modelDataUrl }],
        SupportedContentTypes: ['text/csv', 'application/json'],
        SupportedResponseMIMETypes: ['text/csv', 'application/json'],
        SupportedTransformInstanceTypes: [config.container.instanceType as never],
        SupportedRealtimeInferenceInstanceTypes: [config.container.instanceType as never],
      },
      ModelApprovalStatus: status,
      ModelMetrics: {
        ModelQuality: {
          Statistics: { ContentType: 'application/json', S3Uri: s3Uri(env.need('ARTIFACTS_BUCKET'), state.evaluation.evidenceKey) },
        },
      },
      CustomerMetadataProperties: {
        runId: state.runId,
        trainingJobName: candidate.trainingJobName,
        threshold: String(state.evaluation.threshold),
        [state.evaluation.headline.metric]: String(state.evaluation.headline.candidate),
        decision: state.evaluation.decision,
        runRecord: layout.runRecord(state.pipeline, state.runId),
      },
      ClientToken: state.runId,
    }),
  );
  const arn = out.ModelPackageArn as string;
  const version = Number(arn.split('/').pop());
  logger.info('model registered', { arn, status });
  return {
    modelPackageGroupName: group,
    modelPackageArn: arn,
    version,
    approvalStatus: status,
    approvalRequired: accepted && config.evaluation.manualApproval,
  };
}
