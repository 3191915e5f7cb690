import { ConfigError, type ResolvedPipelineConfig } from '@mlops/core';
import { parseDqdl } from './dqdl/parser';

/**
 * Check a loaded pipeline's DQDL rules before anything runs: an unknown rule type or a syntax error is a
 * configuration error naming the file, the line and the column.
 * @example checkPipelineRules(await loadPipelineConfig(path), path)
 */
export function checkPipelineRules(config: ResolvedPipelineConfig, source: string): ResolvedPipelineConfig {
  try {
    parseDqdl(config.validation.rules);
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`, { cause: error });
  }
  return config;
}
