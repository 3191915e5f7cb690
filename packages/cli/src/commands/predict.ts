import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { getJson, getJsonIfExists } from '@mlops/clients';
import { loadPipelineConfig, parsePipelineConfig, type PipelineConfig } from '@mlops/core';
import { endpointPointerKey } from '@mlops/lambda-kit';
import { LOCAL_BUCKETS, openLocalRuntime } from '@mlops/local-runner';
import { captureFunctionLogs } from '../output';

export interface PredictOptions {
  workdir: string;
  /** A pipeline name, or the path of its config (.yml). */
  pipeline: string;
  /** Rows as JSON objects (`--row`), or CSV text with a header (`--file`). */
  rows?: unknown[];
  csv?: string;
}

/** What the predict function answers (API Gateway HTTP result). */
export interface PredictAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

async function pipelineName(pipeline: string): Promise<string> {
  return /\.ya?ml$/.test(pipeline) ? (await loadPipelineConfig(pipeline)).name : pipeline;
}

/** CSV cells typed by the schema: numeric columns become numbers (non-numeric text is kept, so the API names it), empty cells null. */
export function typedCsvRows(config: PipelineConfig, csv: string): Record<string, unknown>[] {
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([name, text]) => {
        if (text === '') return [name, null];
        const type = config.dataset.columns[name]?.type;
        const number = Number(text);
        return [name, (type === 'integer' || type === 'number') && text.trim() !== '' && Number.isFinite(number) ? number : text];
      }),
    ),
  );
}

/**
 * Score rows on a pipeline's local endpoint through the real `predict` function (the HTTP API's handler), so the
 * same schema checks, endpoint call and answer apply as on AWS.
 * @example await predictLocally({ workdir: '.work', pipeline: 'churn', rows: [{ customer_id: 'C1', tenure_months: 3, ... }] })
 */
export async function predictLocally(options: PredictOptions): Promise<PredictAnswer> {
  const name = await pipelineName(options.pipeline);
  const { cloud, invoker } = await openLocalRuntime({ workdir: options.workdir });
  let rows = options.rows;
  if (options.csv !== undefined) {
    // The CSV is typed by the schema of the model the endpoint serves (its run's frozen config).
    const pointer = await getJsonIfExists<{ configKey: string }>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, endpointPointerKey(name));
    if (pointer === undefined) return { statusCode: 404, body: { error: `pipeline ${name} has no local endpoint in ${options.workdir} (publish.mode endpoint or both, and one published run)` } };
    const config = parsePipelineConfig(await getJson(cloud.s3 as never, LOCAL_BUCKETS.artifacts, pointer.configKey), pointer.configKey);
    rows = typedCsvRows(config, options.csv);
  }
  const event = { version: '2.0', routeKey: 'POST /pipelines/{pipeline}/predict', pathParameters: { pipeline: name }, body: JSON.stringify({ rows }), isBase64Encoded: false };
  const result = (await invoker.invoke('predict', event)) as { statusCode: number; body: string };
  return { statusCode: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
}

interface Prediction {
  key: string | null;
  probability: number;
  label: number;
  contributions: Record<string, number>;
}

function human(answer: PredictAnswer): string {
  const body = answer.body as { predictions?: Prediction[]; threshold?: number; modelVersion?: string; runId?: string; error?: string; problems?: string[] };
  if (answer.statusCode !== 200) return [`error (${answer.statusCode}): ${body.error ?? ''}`, ...(body.problems ?? []).map((p) => `  - ${p}`)].join('\n');
  const lines = [`model version ${body.modelVersion} (run ${body.runId}), threshold ${body.threshold}`];
  for (const [i, p] of (body.predictions ?? []).entries()) {
    const top = Object.entries(p.contributions)
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, 3)
      .map(([f, c]) => `${f} ${c >= 0 ? '+' : ''}${c.toFixed(3)}`)
      .join(', ');
    lines.push(`${p.key ?? `row ${i + 1}`}: probability ${p.probability.toFixed(4)}, label ${p.label}; top drivers: ${top}`);
  }
  return lines.join('\n');
}

/** `mlops predict --pipeline <p> --endpoint (--row '<json>' | --file rows.csv) [--json]`. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("score rows on a pipeline's local real-time endpoint through the prediction API's function")
    .requiredOption('--pipeline <name|file.yml>', 'pipeline name or config file')
    .option('--endpoint', 'use the real-time endpoint (the only way predict scores; batch predictions come from runs)')
    .option('--row <json>', 'one row as a JSON object, or several as a JSON array')
    .option('--file <rows.csv>', 'rows as CSV with a header')
    .option('--workdir <dir>', 'workdir of the runs that deployed the endpoint', '.work')
    .option('--json', 'print the API answer as JSON')
    .action(async (flags: { pipeline: string; endpoint?: boolean; row?: string; file?: string; workdir: string; json?: boolean }) => {
      if (!flags.endpoint) throw new Error('mlops predict scores on the real-time endpoint: pass --endpoint');
      if ((flags.row === undefined) === (flags.file === undefined)) throw new Error('pass exactly one of --row <json> or --file <rows.csv>');
      const logs = captureFunctionLogs(join(resolve(flags.workdir), 'logs', 'functions.log'), false);
      try {
        const parsed = flags.row === undefined ? undefined : (JSON.parse(flags.row) as unknown);
        const answer = await predictLocally({
          workdir: flags.workdir,
          pipeline: flags.pipeline,
          ...(parsed === undefined ? {} : { rows: Array.isArray(parsed) ? parsed : [parsed] }),
          ...(flags.file === undefined ? {} : { csv: await readFile(flags.file, 'utf8') }),
        });
        process.stdout.write(`${flags.json ? JSON.stringify(answer.body, null, 2) : human(answer)}\n`);
        if (answer.statusCode !== 200) process.exitCode = answer.statusCode === 400 ? 2 : 1;
      } finally {
        logs.end();
      }
    });
}
