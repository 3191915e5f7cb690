import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parsePipelineConfig } from '../src';

const sample = () =>
  parse(readFileSync(new URL('../../../pipelines/attrition.yml', import.meta.url), 'utf8')) as Record<string, any>;

describe('publish.segmentColumn', () => {
  it('accepts a feature column, and no segment at all', () => {
    expect(parsePipelineConfig(sample()).publish.segmentColumn).toBe('Department');
    const none = sample();
    delete none.publish.segmentColumn;
    expect(parsePipelineConfig(none).publish.segmentColumn).toBeUndefined();
  });

  it.each([
    ['an undeclared column', 'Dept'],
    ['the target', 'Attrition'],
    ['the row key', 'EmployeeNumber'],
    ['an ignored column', 'Over18'],
  ])('rejects %s, naming the field', (_, column) => {
    const config = sample();
    config.publish.segmentColumn = column;
    expect(() => parsePipelineConfig(config, 'attrition.yml')).toThrow(ConfigError);
    expect(() => parsePipelineConfig(config, 'attrition.yml')).toThrow(
      `publish.segmentColumn: publish.segmentColumn "${column}" must be a declared feature column`,
    );
  });
});
