import { ConfigError } from '../errors';
import '../messages';
import { PipelineConfigSchema, type PipelineConfig } from './schema';

/**
 * Parse and check a pipeline config object (already parsed from YAML or JSON).
 * @example parsePipelineConfig(JSON.parse(text), 'attrition.json')
 */
export function parsePipelineConfig(raw: unknown, source = 'pipeline config'): PipelineConfig {
  const result = PipelineConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source} is not a valid pipeline config:\n${lines.join('\n')}`);
  }
  return result.data;
}
