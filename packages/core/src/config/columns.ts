import type { PipelineConfig } from './schema';

/** Feature columns: declared columns that are neither target, row key, ignored nor free text. */
export function featureColumns(config: PipelineConfig): string[] {
  const { dataset } = config;
  const excluded = new Set([dataset.target, dataset.rowKey, ...dataset.ignore]);
  return Object.entries(dataset.columns)
    .filter(([name, col]) => !excluded.has(name) && col.type !== 'string')
    .map(([name]) => name);
}
