import { CreateEndpointCommand, DescribeEndpointCommand, UpdateModelPackageCommand, type DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { EvaluationStateSchema, layout, nextWait, RegistrationStateSchema, RunStateSchema } from '@mlops/core';
import { getJsonIfExists, putJson } from '@mlops/clients';
import { EndpointDeploymentError, endpointPointerKey, type Deps, type EndpointPointer } from '@mlops/lambda-kit';
import { ENDPOINT_POLLING, EndpointStateSchema, type EndpointState } from '../deployEndpoint/deployEndpoint';

export const CheckEndpointEvent = z.extend(RunStateSchema, {
  endpoint: EndpointStateSchema,
  evaluation: EvaluationStateSchema,
  registration: RegistrationStateSchema,
  /** FinalizePublish's output (mode both): the batch path already approved the package. */
  published: z.optional(z.looseObject({})),
});
export type CheckEndpointEvent = z.infer<typeof CheckEndpointEvent>;

const PENDING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

async function describe(deps: Deps, name: string): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await deps.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (error) {
    if ((error as Error).name === 'ValidationException' && /could not find/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** InService on another config than ours: the update was rolled back (alarm, failed health check, timeout). */
function rolledBack(endpoint: EndpointState, out: DescribeEndpointCommandOutput): EndpointDeploymentError {
  return new EndpointDeploymentError(
    `endpoint ${endpoint.endpointName}: the blue/green update to ${endpoint.endpointConfigName} was rolled back; ` +
      `${out.EndpointConfigName} keeps serving. Reason: ${out.FailureReason ?? 'none given (an auto-rollback alarm went off)'}`,
  );
}

/**
 * The endpoint serves this run's model: record it (pointer, run record); in endpoint mode also do what FinalizePublish
 * does on the batch path (drift baseline, package approval).
 */
async function markInService(state: CheckEndpointEvent, deps: Deps): Promise<EndpointPointer> {
  const { clients, env, now } = deps;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const { endpoint, registration } = state;
  const pointer: EndpointPointer = {
    pipeline: state.pipeline,
    endpointName: endpoint.endpointName,
    endpointConfigName: endpoint.endpointConfigName,
    modelName: endpoint.modelName,
    runId: state.runId,
    modelVersion: registration.version,
    modelPackageArn: registration.modelPackageArn,
    threshold: state.evaluation.threshold,
    configKey: state.run.configKey,
    deployedAt: now().toISOString(),
  };
  await putJson(clients.s3, artifacts, endpointPointerKey(state.pipeline), pointer);
  // finishRun keeps what earlier states wrote to the record: the endpoint section survives into the final record.
  const record = (await getJsonIfExists<Record<string, unknown>>(clients.s3, artifacts, state.run.recordKey)) ?? {};
  await putJson(clients.s3, artifacts, state.run.recordKey, { ...record, endpoint: { ...pointer, action: endpoint.action, previousConfigName: endpoint.previousConfigName } });
  if (state.published === undefined) {
    // Endpoint mode has no FinalizePublish: the published dataset becomes the next run's drift baseline here.
    const profile = await getJsonIfExists(clients.s3, artifacts, `${layout.prepared(state.pipeline, state.runId)}profile.json`);
    if (profile !== undefined) await putJson(clients.s3, artifacts, layout.acceptedProfile(state.pipeline), profile);
    await clients.sagemaker.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: registration.modelPackageArn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: `deployed to endpoint ${endpoint.endpointName} by run ${state.runId}`,
      }),
    );
  }
  return pointer;
}

/**
 * Poll the endpoint after DeployEndpoint: InService on this run's config → record and approve (status InService);
 * still creating/updating → wait longer (bounded back-off); rolled back or Failed → EndpointDeploymentError with
 * SageMaker's reason (the previous config keeps serving after a rollback). A deleted Failed endpoint is created again.
 */
export async function checkEndpoint(state: CheckEndpointEvent, deps: Deps): Promise<EndpointState> {
  const { endpoint } = state;
  const attempt = endpoint.attempt + 1;
  const waiting = { ...endpoint, status: 'Deploying' as const, attempt, waitSeconds: nextWait(attempt, ENDPOINT_POLLING) };
  const out = await describe(deps, endpoint.endpointName);
  if (out === undefined) {
    if (endpoint.action !== 'recreate') throw new EndpointDeploymentError(`endpoint ${endpoint.endpointName} disappeared while it was being deployed`);
    await deps.clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: endpoint.endpointName, EndpointConfigName: endpoint.endpointConfigName }));
    return { ...waiting, action: 'create' };
  }
  const status = out.EndpointStatus ?? 'Unknown';
  if (status === 'InService' && out.EndpointConfigName === endpoint.endpointConfigName) {
    await markInService(state, deps);
    deps.logger.info('endpoint in service', { endpointName: endpoint.endpointName, action: endpoint.action, attempt });
    return { ...endpoint, status: 'InService', attempt, waitSeconds: 0 };
  }
  if (status === 'InService' && endpoint.action === 'update') throw rolledBack(endpoint, out);
  if (PENDING.has(status) || status === 'InService') return waiting;
  throw new EndpointDeploymentError(`endpoint ${endpoint.endpointName} is ${status}: ${out.FailureReason ?? 'no reason given'}`);
}
