import { Readable } from 'node:stream';
import { parsePipelineConfig, type PipelineConfig, type PipelineConfigInput } from '@mlops/core';
import { evaluateDataset, type DataQualityOutcome, type RuleResult } from '../src/index';

/** A small pipeline: id (row key), age, score (optional number), dept, note (optional text), label (target). */
export function smallConfig(
  overrides: Partial<PipelineConfigInput['dataset']> = {},
  minRowsPerClass = 1,
): PipelineConfig {
  return parsePipelineConfig({
    name: 'small',
    dataset: {
      target: 'label',
      positiveLabel: 'yes',
      negativeLabel: 'no',
      rowKey: 'id',
      columns: {
        id: { type: 'integer' },
        age: { type: 'integer' },
        score: { type: 'number', required: false },
        dept: { type: 'category' },
        note: { type: 'string', required: false },
        label: { type: 'category' },
      },
      ...overrides,
    },
    validation: { minRowsPerClass },
    tuning: { ranges: {} },
  });
}

/** Chunks of `bytes` of at most `size` bytes, to exercise chunk boundaries. */
export function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

/** Evaluate inline CSV text (or bytes) with DQDL rules against `config`. */
export function evaluateCsv(
  csv: string | Buffer,
  rules = 'Rules = [ ]',
  config: PipelineConfig = smallConfig(),
  chunkSize = 1 << 16,
): Promise<DataQualityOutcome> {
  const bytes = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv;
  return evaluateDataset({ input: chunked(bytes, chunkSize), ruleset: rules, config });
}

/** The result of the rule whose Description is `description` (fails the test when absent). */
export function ruleResult(outcome: DataQualityOutcome, description: string): RuleResult {
  const found = outcome.ruleResults.find((r) => r.Description === description);
  if (!found)
    throw new Error(`no result for ${description}; have: ${outcome.ruleResults.map((r) => r.Description).join(' | ')}`);
  return found;
}

/** Results of the pipeline's own DQDL rules, in order. */
export function dqdlResults(outcome: DataQualityOutcome): RuleResult[] {
  return outcome.ruleResults.filter((r) => r.source === 'dqdl');
}

/** Built-in results that did not pass, by Description. */
export function failedBuiltins(outcome: DataQualityOutcome): string[] {
  return outcome.ruleResults.filter((r) => r.source === 'builtin' && r.Result !== 'PASS').map((r) => r.Description);
}

/** A valid small CSV body: header plus the given data lines. */
export function csvOf(...lines: string[]): string {
  return ['id,age,score,dept,note,label', ...lines].join('\n') + '\n';
}
