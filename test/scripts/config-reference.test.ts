import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from '@mlops/core';
import { REPO } from '../helpers/pipeline';

describe('the pipeline config reference', () => {
  it('is generated from the schema and up to date (run `pnpm docs:config` after changing the schema)', () => {
    const committed = readFileSync(join(REPO, 'docs', 'pipeline-config.md'), 'utf8');
    expect(committed).toBe(configReferenceMarkdown());
  });

  it('lists every field a config can set, with defaults', () => {
    const doc = configReferenceMarkdown();
    for (const path of ['dataset.target', 'dataset.columns.<name>.type', 'tuning.strategy', 'tuning.ranges.continuous[].scaling', 'evaluation.policy.floors', 'publish.mode', 'budget.maxRunUsd']) {
      expect(doc).toContain(`\`${path}\``);
    }
    expect(doc).toContain('| `tuning.maxJobs` | integer |  | `8` |');
  });
});
