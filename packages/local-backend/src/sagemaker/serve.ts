import { createServer } from 'node:net';
import { join } from 'node:path';
import type { SageMakerContext } from './context';
import { parseS3Uri } from './context';
import { JobClientError, untar } from './job-files';
import type { ModelState } from './models';
import type { RunningContainer } from './runner';
import type { JobRef } from './types';

/** A model server started from a model: its URL and process. */
export interface ModelServer {
  url: string;
  port: number;
  container: RunningContainer;
}

/** A free TCP port on 127.0.0.1 (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves after `ms`, or at once when the container exits first (tells which). */
function pause(ms: number, exited: Promise<unknown>): Promise<'exited' | 'waited'> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), ms)));
  return Promise.race([waited, exited.then(() => 'exited' as const)]).finally(() => clearTimeout(timer));
}

/**
 * Wait until `GET /ping` answers 200, as SageMaker's health check does: backs off from 10 ms to 200 ms,
 * gives up when the container exits or after `timeoutMs`.
 */
export async function waitForPing(url: string, container: RunningContainer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    const ok = await fetch(`${url}/ping`).then(async (r) => (await r.arrayBuffer(), r.status === 200), () => false);
    if (ok) return;
    if ((await pause(delay, container.exited)) === 'exited') {
      throw new JobClientError(`the model server exited before answering /ping: ${container.stderrTail().trim().split('\n').pop() ?? ''}`);
    }
  }
  throw new JobClientError(`the model server did not answer /ping within ${timeoutMs / 1000} s`);
}

/** The container a model serves with (PrimaryContainer, else the first of Containers). */
export function containerOf(model: ModelState): { image: string; modelDataUrl?: string; environment: Record<string, string> } {
  const definition = model.PrimaryContainer ?? model.Containers?.[0];
  return {
    image: definition?.Image ?? '',
    ...(definition?.ModelDataUrl === undefined ? {} : { modelDataUrl: definition.ModelDataUrl }),
    environment: definition?.Environment ?? {},
  };
}

/**
 * Start `serve` for a model in `dir`: model.tar.gz unpacked into `dir/opt/ml/model/`, a free port passed as
 * `SAGEMAKER_BIND_TO_PORT`, the model's Environment (+ `env`), and wait for `/ping`. The caller stops it.
 */
export async function startModelServer(
  ctx: SageMakerContext,
  model: ModelState,
  dir: string,
  job: JobRef,
  options: { env?: Record<string, string>; detached?: boolean } = {},
): Promise<ModelServer> {
  const { image, modelDataUrl, environment } = containerOf(model);
  const mlRoot = join(dir, 'opt', 'ml');
  if (modelDataUrl !== undefined) {
    const { bucket, key } = parseS3Uri(modelDataUrl);
    const archive = await ctx.s3.localPathOf(bucket, key).catch(() => {
      throw new JobClientError(`Failed to download model data: no object at ${modelDataUrl}`);
    });
    await untar(archive, join(mlRoot, 'model'));
  }
  const port = await freePort();
  const container = await ctx.runner.start({
    imageUri: image,
    args: ['serve'],
    env: { ...environment, ...options.env, SAGEMAKER_BIND_TO_PORT: String(port) },
    mlRoot,
    cwd: dir,
    logDir: join(dir, 'logs'),
    job,
    ...(options.detached === undefined ? {} : { detached: options.detached }),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPing(url, container);
  } catch (error) {
    container.kill('SIGKILL');
    await container.exited;
    throw error;
  }
  return { url, port, container };
}

/** Stop a model server and wait until its process is gone. */
export async function stopModelServer(server: ModelServer | undefined): Promise<void> {
  if (server === undefined) return;
  server.container.kill('SIGTERM');
  if ((await pause(5_000, server.container.exited)) === 'waited') server.container.kill('SIGKILL');
  await server.container.exited;
}
