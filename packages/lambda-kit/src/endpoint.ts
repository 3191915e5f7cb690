import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import * as z from 'zod/mini';
import { featureColumns, MlopsError, type PipelineConfig } from '@mlops/core';
import type { Clients } from '@mlops/clients';

/** The one production variant of a pipeline endpoint (alarm dimensions name it). */
export const ENDPOINT_VARIANT = 'AllTraffic';
/**
 * Rows one prediction request may hold, and its largest body: under the handler stack's 256 KB event limit
 * (MAX_EVENT_BYTES, headers included), so an oversized body gets a clear 413 rather than an invalid-event error.
 */
export const MAX_PREDICT_ROWS = 1000;
export const MAX_PREDICT_BYTES = 200 * 1024;

/** Where the model a pipeline endpoint serves is described (written once the endpoint is InService). */
export const endpointPointerKey = (pipeline: string) => `endpoints/${pipeline}/current.json`;

export const EndpointPointerSchema = z.object({
  pipeline: z.string(),
  endpointName: z.string(),
  endpointConfigName: z.string(),
  modelName: z.string(),
  runId: z.string(),
  modelVersion: z.number(),
  modelPackageArn: z.string(),
  /** The published model's operating threshold (also its container's OPERATING_THRESHOLD). */
  threshold: z.number(),
  /** The run's frozen pipeline config: the schema requests are validated against. */
  configKey: z.string(),
  deployedAt: z.string(),
});
export type EndpointPointer = z.infer<typeof EndpointPointerSchema>;

/** A prediction request that does not match the pipeline's schema; `problems` lists every one (HTTP 400). */
export class PredictRequestError extends MlopsError {
  override readonly name = 'PredictRequestError';
  constructor(readonly problems: string[]) {
    super(`invalid prediction request: ${problems.join('; ')}`);
  }
}

/** An endpoint could not be created or updated (failed, or rolled back to the previous configuration). */
export class EndpointDeploymentError extends MlopsError {
  override readonly name = 'EndpointDeploymentError';
}

export type Row = Record<string, unknown>;

function checkValue(name: string, type: string, value: unknown): string | undefined {
  if (type === 'integer' && !(typeof value === 'number' && Number.isInteger(value))) return `"${name}" must be an integer, got ${JSON.stringify(value)}`;
  if (type === 'number' && !(typeof value === 'number' && Number.isFinite(value))) return `"${name}" must be a number, got ${JSON.stringify(value)}`;
  if (type === 'category' && typeof value !== 'string') return `"${name}" must be a string (a category), got ${JSON.stringify(value)}`;
  if (type === 'string' && typeof value !== 'string' && typeof value !== 'number') return `"${name}" must be a string, got ${JSON.stringify(value)}`;
  return undefined;
}

const missing = (value: unknown) => value === undefined || value === null || value === '';

/** Problems of one row against the schema: unknown fields, missing required features, wrong types. */
function rowProblems(config: PipelineConfig, row: unknown, features: Set<string>): string[] {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return ['must be an object of column → value'];
  const { columns } = config.dataset;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(row)) {
    const column = columns[name];
    if (column === undefined) problems.push(`unknown field "${name}"`);
    else if (!missing(value)) {
      const problem = checkValue(name, column.type, value);
      if (problem) problems.push(problem);
    }
  }
  for (const name of features) {
    if (columns[name]?.required !== false && missing((row as Row)[name])) problems.push(`required column "${name}" is missing`);
  }
  return problems;
}

/**
 * Check rows against the pipeline's schema; every problem is reported at once, prefixed by the row number (1-based).
 * Declared non-feature columns (row key, target, ignored) are accepted and not sent to the model.
 * @example validateRows(config, [{ age: 41, contract_type: 'monthly' }]) // throws PredictRequestError listing problems
 */
export function validateRows(config: PipelineConfig, rows: unknown): Row[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new PredictRequestError(['"rows" must be a non-empty array of objects']);
  if (rows.length > MAX_PREDICT_ROWS) throw new PredictRequestError([`at most ${MAX_PREDICT_ROWS} rows per request, got ${rows.length}`]);
  const features = new Set(featureColumns(config));
  const problems = rows.flatMap((row, i) => rowProblems(config, row, features).map((p) => `row ${i + 1}: ${p}`));
  if (problems.length > 0) throw new PredictRequestError(problems);
  return rows as Row[];
}

const ContainerAnswerSchema = z.object({
  predictions: z.array(
    z.object({ probability: z.number(), label: z.number(), contributions: z.record(z.string(), z.number()), baseValue: z.number() }),
  ),
  threshold: z.optional(z.number()),
  modelVersion: z.optional(z.string()),
  runId: z.optional(z.string()),
});

export interface RowPrediction {
  /** The row key when the request carried it, else null. */
  key: string | null;
  probability: number;
  /** 1 when probability ≥ the published model's operating threshold. */
  label: 0 | 1;
  /** Per feature, on the logit scale: baseValue + Σ contributions = logit(probability). */
  contributions: Record<string, number>;
  baseValue: number;
}

export interface PredictResult {
  pipeline: string;
  endpointName: string;
  modelVersion: string;
  runId: string;
  threshold: number;
  predictions: RowPrediction[];
}

/**
 * Validate rows against the pipeline's schema and score them on its endpoint (InvokeEndpoint, JSON): per row the
 * probability, the label at the published operating threshold and every feature's contribution.
 * @example await predictRows(clients, { pointer, config, rows: [{ age: 41, ... }] })
 */
export async function predictRows(
  clients: Pick<Clients, 'sagemakerRuntime'>,
  args: { pointer: EndpointPointer; config: PipelineConfig; rows: unknown },
): Promise<PredictResult> {
  const { pointer, config } = args;
  const rows = validateRows(config, args.rows);
  const features = featureColumns(config);
  const instances = rows.map((row) => Object.fromEntries(features.filter((f) => !missing(row[f])).map((f) => [f, row[f]])));
  const out = await clients.sagemakerRuntime.send(
    new InvokeEndpointCommand({
      EndpointName: pointer.endpointName,
      ContentType: 'application/json',
      Accept: 'application/json',
      Body: new TextEncoder().encode(JSON.stringify({ instances })),
    }),
  );
  const answer = ContainerAnswerSchema.parse(JSON.parse(new TextDecoder().decode(out.Body)));
  if (answer.predictions.length !== rows.length) {
    throw new MlopsError(`the endpoint answered ${answer.predictions.length} predictions for ${rows.length} rows`);
  }
  const rowKey = config.dataset.rowKey;
  return {
    pipeline: pointer.pipeline,
    endpointName: pointer.endpointName,
    modelVersion: answer.modelVersion ?? String(pointer.modelVersion),
    runId: answer.runId ?? pointer.runId,
    threshold: answer.threshold ?? pointer.threshold,
    predictions: answer.predictions.map((p, i) => ({
      key: missing(rows[i]?.[rowKey]) ? null : String(rows[i]?.[rowKey]),
      probability: p.probability,
      label: p.label === 1 ? 1 : 0,
      contributions: p.contributions,
      baseValue: p.baseValue,
    })),
  };
}
