import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeploymentConfig } from '@aws-sdk/client-sagemaker';
import { JobClientError } from './job-files';
import { stopModelServer, waitForPing, type ModelServer } from './serve';

/**
 * Blue/green endpoint updates as SageMaker's deployment guardrails run them, on this machine: the green fleet (a new
 * `serve` process) must answer `/ping` and a test invocation, then takes traffic in the configured steps (all at
 * once, canary then the rest, or linear steps); after each step it is checked again (process alive, `/ping`, a test
 * invocation, no 5xx answered to routed requests). Any failure rolls back: green stops, blue keeps serving.
 * Bake times are not waited locally (like the local runner's shortened Waits): each step is checked after a short pause.
 */

/** Pause between a traffic step and its check, locally (bake times are minutes on AWS). */
export const LOCAL_BAKE_MS = 20;

/** A request any model of this trainer answers: one instance with every column missing (imputed by the encoders). */
const PROBE = JSON.stringify({ instances: [{}] });

/** Percent of requests the green fleet takes after each step, ending at 100. */
export function trafficSteps(config: DeploymentConfig | undefined, instanceCount: number): number[] {
  const routing = config?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
  const percent = (size: { Type?: string; Value?: number } | undefined): number => {
    const value = size?.Value ?? 100;
    const share = size?.Type === 'INSTANCE_COUNT' ? (100 * value) / Math.max(1, instanceCount) : value;
    return Math.min(100, Math.max(1, share));
  };
  if (routing?.Type === 'CANARY') return [...new Set([percent(routing.CanarySize), 100])];
  if (routing?.Type === 'LINEAR') {
    const step = percent(routing.LinearStepSize);
    const steps: number[] = [];
    for (let share = step; share < 100; share += step) steps.push(Math.round(share * 100) / 100);
    return [...steps, 100];
  }
  return [100];
}

/** File where the runtime records 5xx answers of the green fleet during a shift (read by the deployment). */
export function greenErrorsFile(endpointDir: string): string {
  return join(endpointDir, 'green-errors.log');
}

/** Called by the local runtime when a request routed to green failed with a server error. */
export async function recordGreenError(endpointDir: string, message: string): Promise<void> {
  await appendFile(greenErrorsFile(endpointDir), `${new Date().toISOString()} ${message.replace(/\s+/g, ' ')}\n`);
}

async function greenErrors(endpointDir: string): Promise<string[]> {
  const text = await readFile(greenErrorsFile(endpointDir), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

/** One test invocation: 200 with a JSON prediction, else a JobClientError naming what came back. */
export async function probeInvocation(url: string): Promise<void> {
  const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PROBE }).catch(
    (error: unknown) => {
      throw new JobClientError(`the test invocation could not reach the model server: ${(error as Error).message}`);
    },
  );
  const body = await response.text();
  if (response.status !== 200) throw new JobClientError(`the test invocation answered ${response.status}: ${body.slice(0, 300)}`);
  const parsed = JSON.parse(body) as { predictions?: Array<{ probability?: unknown }> };
  const probability = parsed.predictions?.[0]?.probability;
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    throw new JobClientError(`the test invocation returned no probability: ${body.slice(0, 300)}`);
  }
}

/** Health of the green fleet after a step: process alive, /ping, a test invocation, no 5xx on routed requests. */
async function checkGreen(green: ModelServer, endpointDir: string): Promise<void> {
  const exited = await Promise.race([green.container.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), LOCAL_BAKE_MS))]);
  if (exited) throw new JobClientError(`the new model server exited: ${green.container.stderrTail().trim().split('\n').pop() ?? ''}`);
  await waitForPing(green.url, green.container, 5_000);
  await probeInvocation(green.url);
  const errors = await greenErrors(endpointDir);
  if (errors.length > 0) throw new JobClientError(`the new model answered ${errors.length} request(s) with a server error: ${errors[0]}`);
}

/**
 * Shift traffic from blue to a started green fleet, step by step. `route(weight)` publishes the share green takes
 * (the runtime reads it); throws a JobClientError (green is stopped, traffic back on blue) when green fails.
 */
export async function shiftTraffic(args: {
  green: ModelServer;
  endpointDir: string;
  steps: number[];
  route: (greenWeight: number) => Promise<void>;
}): Promise<void> {
  const { green, endpointDir, steps, route } = args;
  await rm(greenErrorsFile(endpointDir), { force: true });
  try {
    await probeInvocation(green.url);
    for (const weight of steps) {
      await route(weight / 100);
      await checkGreen(green, endpointDir);
    }
  } catch (error) {
    await route(0);
    await stopModelServer(green);
    throw error;
  } finally {
    await rm(greenErrorsFile(endpointDir), { force: true });
  }
}
