import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, parsePipelineConfig, type PipelineConfig } from '@mlops/core';

/** The SageMaker directory contract under one root (`$ML_ROOT`, default /opt/ml). */
export function mlPaths(root: string) {
  const processing = join(root, 'processing');
  return {
    processing: {
      data: join(processing, 'input', 'data'),
      score: join(processing, 'input', 'score'),
      config: join(processing, 'input', 'config', 'pipeline.json'),
      output: join(processing, 'output'),
    },
    training: {
      hyperparameters: join(root, 'input', 'config', 'hyperparameters.json'),
      train: join(root, 'input', 'data', 'train'),
      validation: join(root, 'input', 'data', 'validation'),
      config: join(root, 'input', 'data', 'config', 'pipeline.json'),
    },
    model: join(root, 'model'),
    modelFile: join(root, 'model', 'model.json'),
    failure: join(root, 'output', 'failure'),
  };
}

export type MlPaths = ReturnType<typeof mlPaths>;

/**
 * The one CSV file of a channel directory: `preferred` when present, else the only `*.csv` in it.
 * Returns undefined for a missing or CSV-less directory when `optional`.
 */
export function channelCsv(dir: string, options: { preferred?: string; optional?: boolean } = {}): string | undefined {
  if (options.preferred !== undefined && existsSync(join(dir, options.preferred))) return join(dir, options.preferred);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort()
    : [];
  if (files.length === 0) {
    if (options.optional === true) return undefined;
    throw new InputError(`no CSV file in ${dir}`);
  }
  if (files.length > 1) throw new InputError(`expected exactly one CSV file in ${dir}, found ${files.join(', ')}`);
  return join(dir, files[0] as string);
}

/** Reads the resolved pipeline config (JSON) and checks it with @mlops/core's schema. */
export async function readPipelineConfig(path: string): Promise<PipelineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read pipeline config ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parsePipelineConfig(raw, path);
}
