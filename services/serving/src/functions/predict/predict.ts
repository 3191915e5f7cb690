import * as z from 'zod/mini';
import { parsePipelineConfig } from '@mlops/core';
import { getJson, getJsonIfExists } from '@mlops/clients';
import {
  EndpointPointerSchema,
  endpointPointerKey,
  MAX_PREDICT_BYTES,
  predictRows,
  PredictRequestError,
  type Deps,
} from '@mlops/lambda-kit';

/** The API Gateway HTTP API (payload format 2.0) event, as far as predict reads it. */
export const PredictEvent = z.looseObject({
  pathParameters: z.looseObject({ pipeline: z.string() }),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
});
export type PredictEvent = z.infer<typeof PredictEvent>;

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const PIPELINE = /^[a-z][a-z0-9-]{0,30}$/;

/** What the endpoint's container said about a request it could not score (InvokeEndpoint's ModelError). */
function modelError(error: unknown): HttpResult | undefined {
  const e = error as { name?: string; message?: string; OriginalStatusCode?: number; OriginalMessage?: string };
  if (e.name !== 'ModelError') return undefined;
  const status = e.OriginalStatusCode ?? 500;
  if (status >= 400 && status < 500) return json(400, { error: 'the model rejected the request', problems: [e.OriginalMessage ?? e.message ?? ''] });
  return json(502, { error: `the model failed (${status}): ${e.OriginalMessage ?? e.message ?? ''}` });
}

/**
 * `POST /pipelines/{pipeline}/predict` with `{ "rows": [ { column: value, ... } ] }`: checks the body against the
 * schema of the model the endpoint serves (every problem listed, 400), calls the endpoint, and answers per row the
 * probability, the label at the published operating threshold and every feature's contribution.
 * 404 when the pipeline has no endpoint, 413 over the size limit, 502 when the model fails.
 */
export async function predict(event: PredictEvent, deps: Deps): Promise<HttpResult> {
  const { clients, env } = deps;
  const pipeline = event.pathParameters.pipeline;
  if (!PIPELINE.test(pipeline)) return json(400, { error: `"${pipeline}" is not a pipeline name` });
  const raw = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > MAX_PREDICT_BYTES) return json(413, { error: `the request body is ${size} bytes; the limit is ${MAX_PREDICT_BYTES}` });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return json(400, { error: `the request body is not JSON: ${(error as Error).message}` });
  }
  if (body === null || typeof body !== 'object' || !('rows' in body)) return json(400, { error: 'the request body must be { "rows": [ { column: value } ] }' });

  const artifacts = env.need('ARTIFACTS_BUCKET');
  const pointerRaw = await getJsonIfExists(clients.s3, artifacts, endpointPointerKey(pipeline));
  if (pointerRaw === undefined) return json(404, { error: `pipeline ${pipeline} has no real-time endpoint (publish.mode endpoint or both, and one accepted run)` });
  const pointer = EndpointPointerSchema.parse(pointerRaw);
  const config = parsePipelineConfig(await getJson(clients.s3, artifacts, pointer.configKey), pointer.configKey);
  try {
    return json(200, await predictRows(clients, { pointer, config, rows: (body as { rows: unknown }).rows }));
  } catch (error) {
    if (error instanceof PredictRequestError) return json(400, { error: 'the rows do not match the pipeline schema', problems: error.problems });
    const answer = modelError(error);
    if (answer) return answer;
    throw error;
  }
}
