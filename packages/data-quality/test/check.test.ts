import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadPipelineConfig } from '@mlops/core';
import { checkPipelineRules } from '../src';

const ATTRITION = join(import.meta.dirname, '..', '..', '..', 'pipelines', 'attrition.yml');

describe('checking a pipeline\'s rules at load time', () => {
  it('passes the sample pipeline through unchanged', async () => {
    const config = await loadPipelineConfig(ATTRITION);
    expect(checkPipelineRules(config, 'attrition.yml')).toBe(config);
  });

  it('names the file, line and column of an unknown rule type, as a ConfigError', async () => {
    const config = await loadPipelineConfig(ATTRITION);
    const broken = { ...config, validation: { ...config.validation, rules: 'Rules = [\n  RowCount > 1,\n  IsPositive "Age"\n]' } };
    expect(() => checkPipelineRules(broken, 'mine.yml')).toThrow(ConfigError);
    expect(() => checkPipelineRules(broken, 'mine.yml')).toThrow(/^mine\.yml: DQDL line 3, column 3: unknown rule type "IsPositive"/);
  });
});
