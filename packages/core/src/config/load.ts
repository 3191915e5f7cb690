import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../errors';
import type { PipelineConfig } from './schema';
import { parsePipelineConfig } from './parse';


/** A pipeline config with its DQDL rules resolved to text (from `rules` or `rulesFile`). */
export type ResolvedPipelineConfig = PipelineConfig & { validation: PipelineConfig['validation'] & { rules: string } };

/**
 * Load a pipeline config from a YAML file, resolving `validation.rulesFile` relative to it.
 * @example const config = await loadPipelineConfig('pipelines/attrition.yml')
 */
export async function loadPipelineConfig(path: string): Promise<ResolvedPipelineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read pipeline config ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  const config = parsePipelineConfig(raw, path);
  const { rules, rulesFile } = config.validation;
  if (rules !== undefined && rulesFile !== undefined) {
    throw new ConfigError(`${path}: set validation.rules or validation.rulesFile, not both`);
  }
  let ruleText = rules ?? 'Rules = [ ]';
  if (rulesFile !== undefined) {
    const rulesPath = resolve(dirname(path), rulesFile);
    try {
      ruleText = await readFile(rulesPath, 'utf8');
    } catch (error) {
      throw new ConfigError(`${path}: cannot read rules file ${rulesPath}`, { cause: error });
    }
  }
  return { ...config, validation: { ...config.validation, rules: ruleText, rulesFile: undefined } };
}
