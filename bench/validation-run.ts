// One streaming validation of a CSV with the attrition pipeline's rules; prints {rows, seconds, status} as JSON.
// Run by bench.ts in a fresh process per run, under /usr/bin/time for the peak RSS.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineConfig } from '@mlops/core';
import { evaluateDataset } from '@mlops/data-quality';

const [file] = process.argv.slice(2);
const config = await loadPipelineConfig(join(import.meta.dirname, '..', 'pipelines', 'attrition.yml'));
const started = performance.now();
const outcome = await evaluateDataset({ input: createReadStream(file as string, { highWaterMark: 1 << 20 }), ruleset: config.validation.rules, config });
process.stdout.write(`${JSON.stringify({ rows: outcome.rowCount, seconds: (performance.now() - started) / 1000, status: outcome.status })}\n`);
