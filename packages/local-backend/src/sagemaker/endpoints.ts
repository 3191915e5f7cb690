import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateEndpointConfigInput,
  CreateEndpointConfigOutput,
  CreateEndpointInput,
  CreateEndpointOutput,
  DeleteEndpointInput,
  DescribeEndpointConfigInput,
  DescribeEndpointConfigOutput,
  DescribeEndpointInput,
  DeploymentConfig,
  DescribeEndpointOutput,
  ProductionVariant,
  UpdateEndpointInput,
  UpdateEndpointOutput,
} from '@aws-sdk/client-sagemaker';
import { processAlive } from '@mlops/core';
import type { SageMakerContext } from './context';
import { arnOf } from './context';
import { readModel } from './models';
import { probeInvocation, shiftTraffic, trafficSteps } from './blue-green';
import { JobClientError } from './job-files';
import { containerOf, startModelServer, stopModelServer, type ModelServer } from './serve';
import { readJson, writeJson } from './store';
import { nameRule, validateRequest, validationError, type FieldRule } from './validate';

type EndpointState = DescribeEndpointOutput & { EndpointName: string; EndpointArn: string };
type EndpointConfigState = DescribeEndpointConfigOutput & { EndpointConfigName: string };

/** Where a live endpoint answers, persisted as `<root>/endpoints/<name>/server.json` for other processes. */
export interface EndpointServerInfo {
  url: string;
  pid: number;
  endpointConfigName: string;
  /** During a blue/green update: the new fleet and the share of requests it takes (0..1). */
  green?: { url: string; pid: number; endpointConfigName: string; weight: number };
}

const configRules: FieldRule[] = [
  nameRule('EndpointConfigName'),
  { path: 'ProductionVariants', required: true, type: 'list', maxItems: 10 },
  nameRule('ProductionVariants[].VariantName'),
  nameRule('ProductionVariants[].ModelName'),
  { path: 'ProductionVariants[].InitialInstanceCount', type: 'number', min: 1 },
  { path: 'ProductionVariants[].InitialVariantWeight', type: 'number', min: 0 },
];

const routing = 'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration';
const capacity = (path: string): FieldRule[] => [
  { path: `${path}.Type`, required: true, enum: ['INSTANCE_COUNT', 'CAPACITY_PERCENT'], type: 'string' },
  { path: `${path}.Value`, required: true, min: 1, type: 'number' },
];
/** DeploymentConfig members as the API model constrains them. */
const deploymentRules: FieldRule[] = [
  { path: 'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration', required: true, type: 'object' },
  { path: `${routing}.Type`, required: true, enum: ['ALL_AT_ONCE', 'CANARY', 'LINEAR'], type: 'string' },
  { path: `${routing}.WaitIntervalInSeconds`, required: true, min: 0, max: 3600, type: 'number' },
  ...capacity(`${routing}.CanarySize`),
  ...capacity(`${routing}.LinearStepSize`),
  { path: 'DeploymentConfig.BlueGreenUpdatePolicy.TerminationWaitInSeconds', min: 0, max: 3600, type: 'number' },
  { path: 'DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds', min: 600, max: 28800, type: 'number' },
  { path: 'DeploymentConfig.AutoRollbackConfiguration.Alarms', type: 'list', maxItems: 10 },
  { path: 'DeploymentConfig.AutoRollbackConfiguration.Alarms[].AlarmName', required: true, pattern: /^(?!\s*$).+$/, maxLength: 255, type: 'string' },
];

/** The traffic routing must carry the size its type needs (CanarySize for CANARY, LinearStepSize for LINEAR). */
function checkRouting(deployment: DeploymentConfig | undefined): void {
  const config = deployment?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
  if (config?.Type === 'CANARY' && config.CanarySize === undefined) throw validationError('CanarySize is required when the traffic routing type is CANARY');
  if (config?.Type === 'LINEAR' && config.LinearStepSize === undefined) throw validationError('LinearStepSize is required when the traffic routing type is LINEAR');
}

const configNotFound = (ctx: SageMakerContext, name: string) =>
  validationError(`Could not find endpoint configuration "${arnOf(ctx, 'endpoint-config', name)}".`);
const endpointNotFound = (ctx: SageMakerContext, name: string) => validationError(`Could not find endpoint "${arnOf(ctx, 'endpoint', name)}".`);

/** CreateEndpointConfig (the first production variant is the one served locally). */
export async function createEndpointConfig(ctx: SageMakerContext, input: CreateEndpointConfigInput): Promise<CreateEndpointConfigOutput> {
  validateRequest(input, configRules);
  if ((input.ProductionVariants ?? []).length === 0) throw validationError('ProductionVariants must hold at least one variant');
  for (const variant of input.ProductionVariants ?? []) await readModel(ctx, variant.ModelName as string);
  const name = input.EndpointConfigName as string;
  const arn = arnOf(ctx, 'endpoint-config', name);
  const state: EndpointConfigState = { EndpointConfigName: name, EndpointConfigArn: arn, ProductionVariants: input.ProductionVariants, CreationTime: new Date() };
  if (!(await ctx.store.create('endpoint-configs', name, state))) throw validationError(`Cannot create already existing endpoint configuration "${arn}".`);
  return { EndpointConfigArn: arn };
}

/** DescribeEndpointConfig. */
export async function describeEndpointConfig(ctx: SageMakerContext, input: DescribeEndpointConfigInput): Promise<DescribeEndpointConfigOutput> {
  validateRequest(input, [nameRule('EndpointConfigName')]);
  const name = input.EndpointConfigName as string;
  return ctx.store.get<EndpointConfigState>('endpoint-configs', name, () => configNotFound(ctx, name));
}

/** URL of a live local endpoint (for `mlops predict`), or undefined. */
export async function readEndpointServer(root: string, endpointName: string): Promise<EndpointServerInfo | undefined> {
  return readJson<EndpointServerInfo>(join(root, 'endpoints', endpointName.toLowerCase(), 'server.json'));
}

/** Stop an endpoint server: our own child through its handle, another process's by pid (if it still runs our bundle). */
async function stopServer(own: ModelServer | undefined, info: EndpointServerInfo | undefined): Promise<void> {
  if (own !== undefined && own.container.pid === info?.pid) return stopModelServer(own);
  if (info === undefined || !processAlive(info.pid)) return;
  const cmdline = await readFile(`/proc/${info.pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('main.mjs')) return;
  process.kill(info.pid, 'SIGTERM');
  for (let delay = 10, waited = 0; processAlive(info.pid) && waited < 5_000; waited += delay, delay = Math.min(delay * 2, 200)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  if (processAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
}

/**
 * Detached, an endpoint server outlives this process (a later `mlops predict` reaches it); it stops by itself when
 * its folder goes (workdir or endpoint deleted). With MLOPS_LOCAL_ENDPOINT_LIFETIME=process (the default under
 * vitest) it also stops when this process exits, so test runs leave no servers behind.
 */
function lifetimeEnv(deployment: string): Record<string, string> {
  const lifetime = process.env.MLOPS_LOCAL_ENDPOINT_LIFETIME ?? (process.env.VITEST === undefined ? 'workdir' : 'process');
  return { MLOPS_LOCAL_WATCH_DIR: deployment, ...(lifetime === 'process' ? { MLOPS_LOCAL_OWNER_PID: String(process.pid) } : {}) };
}

function variantState(variant: ProductionVariant | undefined, image: string, now: Date) {
  return {
    VariantName: variant?.VariantName,
    DeployedImages: [{ SpecifiedImage: image, ResolvedImage: image, ResolutionTime: now }],
    CurrentWeight: variant?.InitialVariantWeight ?? 1,
    DesiredWeight: variant?.InitialVariantWeight ?? 1,
    CurrentInstanceCount: variant?.InitialInstanceCount ?? 1,
    DesiredInstanceCount: variant?.InitialInstanceCount ?? 1,
  };
}

/** Start the new fleet; on an update with a live old fleet, shift traffic to it blue/green (throws: rolled back). */
async function startFleet(ctx: SageMakerContext, name: string, configName: string, variant: ProductionVariant | undefined, deploymentConfig: DeploymentConfig | undefined) {
  const dir = ctx.store.dir('endpoints', name);
  const model = await readModel(ctx, variant?.ModelName as string);
  const deployment = join(dir, 'deployments', `${Date.now()}`);
  const server = await startModelServer(ctx, model, deployment, { kind: 'endpoint', name }, { detached: true, env: lifetimeEnv(deployment) }).catch(
    async (error: unknown) => {
      // A detached server's stderr goes to its log file, not to the runner's tail: name its last line.
      const last = (await readFile(join(deployment, 'logs', 'stderr.log'), 'utf8').catch(() => '')).trim().split('\n').pop() ?? '';
      throw new JobClientError(`${(error as Error).message.replace(/:\s*$/, '')}${last === '' ? '' : `: ${last}`}`);
    },
  );
  const blue = await readEndpointServer(ctx.root, name);
  if (blue === undefined || !processAlive(blue.pid)) {
    await probeInvocation(server.url).catch(async (error: unknown) => {
      await stopModelServer(server);
      throw error;
    });
    return { server, model };
  }
  const serverFile = join(dir, 'server.json');
  await shiftTraffic({
    green: server,
    endpointDir: dir,
    steps: trafficSteps(deploymentConfig, variant?.InitialInstanceCount ?? 1),
    route: (weight) =>
      writeJson(serverFile, weight === 0 ? { ...blue, green: undefined } : { ...blue, green: { url: server.url, pid: server.container.pid, endpointConfigName: configName, weight } }),
  });
  return { server, model };
}

async function deploy(ctx: SageMakerContext, name: string, configName: string, updating: boolean, deployment?: DeploymentConfig): Promise<void> {
  const dir = ctx.store.dir('endpoints', name);
  const config = await ctx.store.get<EndpointConfigState>('endpoint-configs', configName, () => configNotFound(ctx, configName));
  const variant = config.ProductionVariants?.[0];
  try {
    const { server, model } = await startFleet(ctx, name, configName, variant, deployment);
    const previous = await readEndpointServer(ctx.root, name);
    const previousOwn = ctx.servers.get(name);
    ctx.servers.set(name, server);
    await writeJson(join(dir, 'server.json'), { url: server.url, pid: server.container.pid, endpointConfigName: configName });
    await stopServer(previousOwn, previous);
    const now = new Date();
    await ctx.store.update<EndpointState>('endpoints', name, (s) => ({
      ...s,
      EndpointConfigName: configName,
      EndpointStatus: 'InService',
      FailureReason: undefined,
      LastModifiedTime: now,
      ProductionVariants: [variantState(variant, containerOf(model).image, now)],
    }));
  } catch (error) {
    const message = (error as Error).message;
    // A failed update rolls back: the endpoint stays InService on its previous configuration, as SageMaker's does.
    await ctx.store.update<EndpointState>('endpoints', name, (s) => ({
      ...s,
      EndpointStatus: updating ? 'InService' : 'Failed',
      FailureReason: updating
        ? `ClientError: the update to endpoint configuration "${configName}" failed and was rolled back to "${s.EndpointConfigName}": ${message}`
        : `ClientError: ${message}`,
      LastModifiedTime: new Date(),
    }));
  }
}

/** CreateEndpoint: starts a long-running `serve` process (detached, so it outlives this process). */
export async function createEndpoint(ctx: SageMakerContext, input: CreateEndpointInput): Promise<CreateEndpointOutput> {
  validateRequest(input, [nameRule('EndpointName'), nameRule('EndpointConfigName')]);
  const name = input.EndpointName as string;
  const configName = input.EndpointConfigName as string;
  await ctx.store.get('endpoint-configs', configName, () => configNotFound(ctx, configName));
  const arn = arnOf(ctx, 'endpoint', name);
  const now = new Date();
  const state: EndpointState = {
    EndpointName: name,
    EndpointArn: arn,
    EndpointConfigName: configName,
    EndpointStatus: 'Creating',
    CreationTime: now,
    LastModifiedTime: now,
    ...(input.DeploymentConfig === undefined ? {} : { LastDeploymentConfig: input.DeploymentConfig }),
  };
  if (!(await ctx.store.create('endpoints', name, state))) throw validationError(`Cannot create already existing endpoint "${arn}".`);
  void ctx.background(deploy(ctx, name, configName, false));
  return { EndpointArn: arn };
}

/** UpdateEndpoint: blue/green — the new server must answer /ping before the old one is stopped. */
export async function updateEndpoint(ctx: SageMakerContext, input: UpdateEndpointInput): Promise<UpdateEndpointOutput> {
  validateRequest(input, [nameRule('EndpointName'), nameRule('EndpointConfigName'), ...deploymentRules]);
  checkRouting(input.DeploymentConfig);
  const name = input.EndpointName as string;
  const configName = input.EndpointConfigName as string;
  const state = await ctx.store.get<EndpointState>('endpoints', name, () => endpointNotFound(ctx, name));
  await ctx.store.get('endpoint-configs', configName, () => configNotFound(ctx, configName));
  if (state.EndpointStatus !== 'InService') throw validationError(`Cannot update in-progress endpoint "${state.EndpointArn}".`);
  await ctx.store.update<EndpointState>('endpoints', name, (s) => ({
    ...s,
    EndpointStatus: 'Updating',
    LastModifiedTime: new Date(),
    ...(input.DeploymentConfig === undefined ? {} : { LastDeploymentConfig: input.DeploymentConfig }),
  }));
  void ctx.background(deploy(ctx, name, configName, true, input.DeploymentConfig));
  return { EndpointArn: state.EndpointArn };
}

/** DescribeEndpoint; an InService endpoint whose server died reads as Failed. */
export async function describeEndpoint(ctx: SageMakerContext, input: DescribeEndpointInput): Promise<DescribeEndpointOutput> {
  validateRequest(input, [nameRule('EndpointName')]);
  const name = input.EndpointName as string;
  const state = await ctx.store.get<EndpointState>('endpoints', name, () => endpointNotFound(ctx, name));
  if (state.EndpointStatus !== 'InService') return state;
  const server = await readEndpointServer(ctx.root, name);
  if (server !== undefined && processAlive(server.pid)) return state;
  return { ...state, EndpointStatus: 'Failed', FailureReason: `The local model server (pid ${server?.pid}) is no longer running` };
}

/** DeleteEndpoint: stops the server and forgets the endpoint. */
export async function deleteEndpoint(ctx: SageMakerContext, input: DeleteEndpointInput): Promise<Record<string, never>> {
  validateRequest(input, [nameRule('EndpointName')]);
  const name = input.EndpointName as string;
  await ctx.store.get<EndpointState>('endpoints', name, () => endpointNotFound(ctx, name));
  const own = ctx.servers.get(name);
  ctx.servers.delete(name);
  await stopServer(own, await readEndpointServer(ctx.root, name));
  await rm(ctx.store.dir('endpoints', name), { recursive: true, force: true });
  return {};
}
