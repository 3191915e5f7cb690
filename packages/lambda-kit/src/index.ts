import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { getClients, type Clients } from '@mlops/clients';
import { readEnv, type HandlerEnv } from './env';
import { logMetrics, Metrics, MetricUnit } from './metrics';
import { parseEvent } from './parse';
import { redactingReplacer } from './redact';
import { transientErrors } from './transient';

export { readEnv, type HandlerEnv } from './env';
export { MAX_EVENT_BYTES, parseEvent } from './parse';
export { isTransient, transientErrors } from './transient';
export { REDACTED, redactingReplacer, registerSensitiveColumns } from './redact';
export { Metrics, MetricUnit, logMetrics } from './metrics';

/** What a domain function receives besides its event: clients, settings, clock and observability. */
export interface Deps {
  readonly clients: Clients;
  readonly env: HandlerEnv;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => Date;
}

export type DomainFunction<I, O> = (input: I, deps: Deps) => Promise<O>;

/**
 * Wrap a domain function in the shared middy stack: Powertools logger (Lambda context, cold start),
 * EMF metrics flushed after each call (./metrics), the event parsed by a zod schema, the domain function called once.
 * @example export const handler = createHandler('startTuning', StartTuningEvent, startTuning);
 */
export function createHandler<S extends z.core.$ZodType, O>(name: string, schema: S, run: DomainFunction<z.infer<S>, O>) {
  // Logs never carry secrets or values of the pipelines' sensitive columns (see redact.ts).
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? name, jsonReplacerFn: redactingReplacer });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'mlops-local',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? name,
  });
  const env = readEnv(process.env);
  const base = async (event: unknown, _context: Context): Promise<O> => {
    const started = Date.now();
    metrics.addDimension('function', name);
    try {
      const input = parseEvent(schema, event, name);
      const clients = await getClients();
      const output = await run(input, { clients, env, logger, metrics, now: () => new Date() });
      metrics.addMetric('Succeeded', MetricUnit.Count, 1);
      return output;
    } catch (error) {
      metrics.addMetric('Failed', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.addMetric('DurationMs', MetricUnit.Milliseconds, Date.now() - started);
    }
  };
  return middy(base)
    .use(transientErrors())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: process.env.MLOPS_BACKEND !== 'local' }));
}
export { runConfig } from './run';
export * from './sagemaker';
export * from './endpoint';
