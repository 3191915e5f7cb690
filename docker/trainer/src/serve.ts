import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, processAlive } from '@mlops/core';
import * as z from 'zod/mini';
import { $ZodError } from 'zod/v4/core';
import '@mlops/core/messages';
import { CsvFormatError, RowError } from './errors';
import { scoreCsv, scoreJson, type ScoringOptions } from './invocations';
import { loadModel, type CompiledModel } from './model';
import { mlPaths } from './paths';

export interface ServeOptions extends ScoringOptions {
  port: number;
  host: string;
  /** Largest request body accepted (batch transform sends up to 6 MB by default). */
  maxBodyBytes: number;
}

const EnvSchema = z.object({
  SAGEMAKER_BIND_TO_PORT: z._default(z.coerce.number<string>().check(z.int(), z.minimum(0), z.maximum(65535)), 8080),
  SERVE_HOST: z._default(z.string().check(z.minLength(1)), '0.0.0.0'),
  OPERATING_THRESHOLD: z._default(z.coerce.number<string>().check(z.minimum(0), z.maximum(1)), 0.5),
  MODEL_VERSION: z._default(z.string(), ''),
  RUN_ID: z._default(z.string(), ''),
  TOP_K: z._default(z.coerce.number<string>().check(z.int(), z.minimum(0), z.maximum(1000)), 3),
  MAX_BODY_MB: z._default(z.coerce.number<string>().check(z.positive()), 100),
});

/** Serving options from the environment (SAGEMAKER_BIND_TO_PORT, OPERATING_THRESHOLD, MODEL_VERSION, RUN_ID, TOP_K). */
export function serveOptionsFromEnv(env: NodeJS.ProcessEnv): ServeOptions {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid serving environment: ${issues}`);
  }
  const e = parsed.data;
  return {
    port: e.SAGEMAKER_BIND_TO_PORT,
    host: e.SERVE_HOST,
    threshold: e.OPERATING_THRESHOLD,
    modelVersion: e.MODEL_VERSION,
    runId: e.RUN_ID,
    topK: e.TOP_K,
    maxBodyBytes: Math.floor(e.MAX_BODY_MB * 1024 * 1024),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function invocations(
  model: CompiledModel,
  options: ServeOptions,
  request: IncomingMessage,
): Promise<[string, string | Buffer]> {
  const type = (request.headers['content-type'] ?? 'text/csv').split(';')[0]?.trim().toLowerCase();
  const body = await readBody(request, options.maxBodyBytes);
  if (type === 'text/csv') return ['text/csv', scoreCsv(model, body, options)];
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
    }
    return ['application/json', JSON.stringify(scoreJson(model, parsed, options))];
  }
  throw new HttpError(415, `unsupported content type ${type}: send text/csv or application/json`);
}

function errorStatus(error: unknown): [number, string] {
  if (error instanceof HttpError) return [error.status, error.message];
  if (error instanceof RowError || error instanceof CsvFormatError) return [400, error.message];
  if (error instanceof $ZodError) {
    return [
      400,
      `invalid request: ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    ];
  }
  return [500, `internal error: ${(error as Error).message ?? String(error)}`];
}

/**
 * The SageMaker inference protocol over node:http: GET /ping, POST /invocations (text/csv, application/json),
 * GET /execution-parameters for batch transform. Resolves once listening, with the bound port.
 */
export async function startServer(
  model: CompiledModel,
  options: ServeOptions,
): Promise<{ server: Server; port: number }> {
  const executionParameters = JSON.stringify({
    MaxConcurrentTransforms: 1,
    BatchStrategy: 'MULTI_RECORD',
    MaxPayloadInMB: 6,
  });
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/ping') return send(response, 200, 'text/plain', 'ok');
    if (request.method === 'GET' && path === '/execution-parameters') {
      return send(response, 200, 'application/json', executionParameters);
    }
    if (request.method !== 'POST' || path !== '/invocations')
      return send(response, 404, 'text/plain', `no route ${request.method} ${path}`);
    invocations(model, options, request).then(
      ([type, body]) => send(response, 200, type, body),
      (error: unknown) => {
        const [status, message] = errorStatus(error);
        if (status >= 500) process.stderr.write(`serve: ${message}\n`);
        send(response, status, 'text/plain', message);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Local runs only. A detached endpoint server outlives the process that started it, so the local backend tells it
 * when to stop by itself: MLOPS_LOCAL_WATCH_DIR (its endpoint folder) was deleted, or MLOPS_LOCAL_OWNER_PID (set
 * when endpoints live only as long as their process, as in tests) has exited.
 */
function watchLifetime(env: NodeJS.ProcessEnv, server: Server, print: (line: string) => void): void {
  const dir = env.MLOPS_LOCAL_WATCH_DIR || undefined;
  const owner = Number(env.MLOPS_LOCAL_OWNER_PID || NaN);
  if (dir === undefined && !Number.isInteger(owner)) return;
  const timer = setInterval(() => {
    const reason = dir !== undefined && !existsSync(dir) ? `${dir} is gone` : Number.isInteger(owner) && !processAlive(owner) ? `process ${owner} has exited` : undefined;
    if (reason === undefined) return;
    print(`serve: ${reason}; stopping`);
    clearInterval(timer);
    server.close();
    server.closeAllConnections();
  }, 1000);
  timer.unref();
}

/** The `serve` command: loads `$ML_ROOT/model/model.json`, then listens; prints `serve: listening on port N`. */
export async function runServe(mlRoot: string, env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<Server> {
  const options = serveOptionsFromEnv(env);
  const model = await loadModel(mlPaths(mlRoot).modelFile);
  const { server, port } = await startServer(model, options);
  print(`serve: ${model.artifact.modelType} model with ${model.width} input columns; listening on port ${port}`);
  watchLifetime(env, server, print);
  return server;
}
