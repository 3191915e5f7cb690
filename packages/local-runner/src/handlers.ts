import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@mlops/core';
import type { LambdaFaults } from '@mlops/local-backend';

type LambdaHandler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

/** Every function of every service: function key → handler file (services/<svc>/src/functions/<fnKey>/handler.ts). */
export function discoverHandlers(repoRoot: string): Record<string, { service: string; file: string }> {
  const found: Record<string, { service: string; file: string }> = {};
  const services = join(repoRoot, 'services');
  for (const service of readdirSync(services)) {
    const functions = join(services, service, 'src', 'functions');
    if (!existsSync(functions)) continue;
    for (const fnKey of readdirSync(functions)) {
      const file = join(functions, fnKey, 'handler.ts');
      if (!existsSync(file)) continue;
      if (found[fnKey]) throw new ConfigError(`function key ${fnKey} exists in both ${found[fnKey]?.service} and ${service}`);
      found[fnKey] = { service, file };
    }
  }
  return found;
}

let requestCounter = 0;

/** A Lambda context object like the runtime's, enough for Powertools and middy. */
function lambdaContext(fnKey: string, service: string, region: string, account: string): Record<string, unknown> {
  requestCounter += 1;
  const name = `mlops-local-${fnKey}`;
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${process.pid}-${requestCounter}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${service}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invoke a function's real handler module in-process, through its middy stack, with a Lambda-like context.
 * The event goes through a JSON round trip, as it would over the wire. Invocations are counted per function key
 * (the `attempt` the fault hook sees).
 */
export class HandlerInvoker {
  private readonly cache = new Map<string, Promise<LambdaHandler>>();
  private readonly attempts = new Map<string, number>();
  invocations = 0;

  constructor(
    private readonly handlers: Record<string, { service: string; file: string }>,
    private readonly region: string,
    private readonly account: string,
    /** Fault injection: an error returned here is thrown instead of running the handler (as the Lambda service would). */
    private readonly options: { lambdaFaults?: LambdaFaults } = {},
  ) {}

  has(fnKey: string): boolean {
    return fnKey in this.handlers;
  }

  names(): string[] {
    return Object.keys(this.handlers).sort();
  }

  async invoke(fnKey: string, event: unknown): Promise<unknown> {
    const entry = this.handlers[fnKey];
    if (!entry) throw new ConfigError(`no handler for function ${fnKey}`);
    let loaded = this.cache.get(fnKey);
    if (!loaded) {
      loaded = import(pathToFileURL(entry.file).href).then((m: { handler?: LambdaHandler }) => {
        if (typeof m.handler !== 'function') throw new ConfigError(`${entry.file} exports no handler`);
        return m.handler;
      });
      this.cache.set(fnKey, loaded);
    }
    const handler = await loaded;
    this.invocations += 1;
    const attempt = (this.attempts.get(fnKey) ?? 0) + 1;
    this.attempts.set(fnKey, attempt);
    const fault = this.options.lambdaFaults?.(fnKey, attempt);
    if (fault) throw fault;
    const result = await handler(JSON.parse(JSON.stringify(event ?? null)), lambdaContext(fnKey, entry.service, this.region, this.account));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }
}
