import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
  type DeploymentConfig,
  type DescribeEndpointCommandOutput,
} from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import {
  endpointAlarmNames,
  endpointName as endpointNameOf,
  EvaluationStateSchema,
  InputError,
  jobName,
  nextWait,
  RegistrationStateSchema,
  RunStateSchema,
  type PipelineConfig,
  type RunState,
} from '@mlops/core';
import { ENDPOINT_VARIANT, EndpointDeploymentError, runConfig, servedModelRequest, type Deps, type ServedRun } from '@mlops/lambda-kit';

/** Endpoint creation and blue/green updates take minutes: first look after 60 s, then back off to 5 min. */
export const ENDPOINT_POLLING = { base: 60, cap: 300 } as const;

export const DeployEndpointEvent = z.extend(RunStateSchema, {
  scoring: z.looseObject({ candidate: z.looseObject({ modelDataUrl: z.string(), image: z.optional(z.string()) }) }),
  evaluation: EvaluationStateSchema,
  registration: RegistrationStateSchema,
  /** StartPublishing's output when the batch path ran first (mode both): its model is reused. */
  publishing: z.optional(z.looseObject({ modelName: z.string() })),
  /** A person's decision (WaitForApproval's output), present when the config asks for manual approval. */
  approval: z.optional(z.looseObject({ decision: z.string() })),
});
export type DeployEndpointEvent = z.infer<typeof DeployEndpointEvent>;

/** `$.endpoint` between DeployEndpoint and the end of the run. */
export const EndpointStateSchema = z.object({
  endpointName: z.string(),
  endpointConfigName: z.string(),
  modelName: z.string(),
  /** create: a new endpoint; update: blue/green from `previousConfigName`; recreate: a Failed endpoint is deleted first. */
  action: z.enum(['create', 'update', 'recreate']),
  previousConfigName: z.nullable(z.string()),
  status: z.enum(['Deploying', 'InService']),
  attempt: z.int().check(z.minimum(0)),
  waitSeconds: z.int().check(z.minimum(0)),
});
export type EndpointState = z.infer<typeof EndpointStateSchema>;

/**
 * Guardrails of an update: blue/green with the configured traffic shifting, rolled back automatically when one of
 * the stack's alarms (5xx, model latency) goes off while traffic shifts or during the final bake.
 */
export function deploymentConfig(config: PipelineConfig, endpointName: string): DeploymentConfig {
  const { traffic } = config.publish.endpoint;
  const size = { Type: 'CAPACITY_PERCENT' as const, Value: traffic.stepPercent };
  const type = ({ canary: 'CANARY', linear: 'LINEAR', 'all-at-once': 'ALL_AT_ONCE' } as const)[traffic.type];
  const steps = traffic.type === 'linear' ? Math.ceil(100 / traffic.stepPercent) : traffic.type === 'canary' ? 2 : 1;
  // Enough for every bake and the blue fleet's termination wait, plus 10 minutes to provision the green fleet.
  const timeout = Math.min(28_800, Math.max(600, steps * traffic.waitSeconds + traffic.terminationWaitSeconds + 600));
  const alarms = endpointAlarmNames(endpointName);
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        Type: type,
        WaitIntervalInSeconds: traffic.waitSeconds,
        ...(type === 'CANARY' ? { CanarySize: size } : {}),
        ...(type === 'LINEAR' ? { LinearStepSize: size } : {}),
      },
      TerminationWaitInSeconds: traffic.terminationWaitSeconds,
      MaximumExecutionTimeoutInSeconds: timeout,
    },
    AutoRollbackConfiguration: { Alarms: [{ AlarmName: alarms.errors }, { AlarmName: alarms.latency }] },
  };
}

const isNotFound = (error: unknown) => (error as Error).name === 'ValidationException' && /could not find/i.test((error as Error).message);
const alreadyExists = (error: unknown) => (error as Error).name === 'ValidationException' && /already exist/i.test((error as Error).message);

async function describeEndpoint(deps: Deps, name: string): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await deps.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The model to serve: the batch path's (mode both), else one created here with the same settings. */
async function servedModel(state: DeployEndpointEvent, config: PipelineConfig, deps: Deps): Promise<string> {
  if (state.publishing?.modelName) return state.publishing.modelName;
  const request = servedModelRequest(state as ServedRun, config, deps.env);
  await deps.clients.sagemaker.send(new CreateModelCommand(request)).catch((error: unknown) => {
    if (!alreadyExists(error)) throw error; // a retried invocation: the model is there already
  });
  return request.ModelName as string;
}

/**
 * Put the accepted model on the pipeline's real-time endpoint: a new endpoint config (one variant), then
 * CreateEndpoint the first time, or UpdateEndpoint blue/green with auto-rollback on the stack's alarms. A Failed
 * endpoint (only DeleteEndpoint works on one) is deleted and created again. CheckEndpoint waits for the outcome.
 */
export async function deployEndpoint(state: DeployEndpointEvent, deps: Deps): Promise<EndpointState> {
  const { clients, env, logger } = deps;
  if (state.evaluation.decision !== 'accept') throw new InputError(`run ${state.runId}: only an accepted candidate is deployed`);
  const config = await runConfig(state as RunState, deps);
  if (config.publish.mode === 'batch') throw new InputError(`pipeline ${state.pipeline} publishes in batch mode only: no endpoint to deploy`);
  if (config.evaluation.manualApproval && state.approval?.decision !== 'approve') {
    throw new InputError(`run ${state.runId} needs a person's approval before its model goes on the endpoint, and has none`);
  }
  const endpointName = endpointNameOf(env.project, env.stage, state.pipeline);
  const modelName = await servedModel(state, config, deps);
  const endpointConfigName = jobName({ project: env.project, pipeline: state.pipeline, kind: 'epc', runId: state.runId });
  const kmsKeyId = env.get('KMS_KEY_ARN');
  const tags = [
    { Key: 'mlops:pipeline', Value: state.pipeline },
    { Key: 'mlops:run', Value: state.runId },
  ];
  await clients.sagemaker
    .send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: endpointConfigName,
        ProductionVariants: [
          {
            VariantName: ENDPOINT_VARIANT,
            ModelName: modelName,
            InstanceType: config.publish.endpoint.instanceType as never,
            InitialInstanceCount: config.publish.endpoint.initialInstanceCount,
            InitialVariantWeight: 1,
          },
        ],
        ...(kmsKeyId === undefined ? {} : { KmsKeyId: kmsKeyId }),
        Tags: tags,
      }),
    )
    .catch((error: unknown) => {
      if (!alreadyExists(error)) throw error;
    });

  const current = await describeEndpoint(deps, endpointName);
  const base = { endpointName, endpointConfigName, modelName, status: 'Deploying' as const, attempt: 0, waitSeconds: nextWait(0, ENDPOINT_POLLING) };
  if (current === undefined) {
    await clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: endpointConfigName, Tags: tags }));
    logger.info('endpoint creation started', { endpointName, endpointConfigName });
    return { ...base, action: 'create', previousConfigName: null };
  }
  const previous = current.EndpointConfigName ?? null;
  if (previous === endpointConfigName) return { ...base, action: 'update', previousConfigName: null }; // retried after the call went through
  if (current.EndpointStatus === 'Failed') {
    await clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
    logger.warn('endpoint was Failed: deleting it to create it again', { endpointName, reason: current.FailureReason });
    return { ...base, action: 'recreate', previousConfigName: null };
  }
  if (current.EndpointStatus !== 'InService') {
    throw new EndpointDeploymentError(
      `endpoint ${endpointName} is ${current.EndpointStatus} (another deployment is in progress); run again once it is InService`,
    );
  }
  await clients.sagemaker.send(
    new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: endpointConfigName, DeploymentConfig: deploymentConfig(config, endpointName) }),
  );
  logger.info('blue/green endpoint update started', { endpointName, from: previous, to: endpointConfigName, traffic: config.publish.endpoint.traffic.type });
  return { ...base, action: 'update', previousConfigName: previous };
}
