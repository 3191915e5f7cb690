import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '@mlops/local-runner';
import { generateChurn, writeDataset } from '@mlops/sample-data';
import { REPO, tempDir } from '../helpers/pipeline';

// docs/new-pipeline.md's promise: a different problem with other column names runs end to end with no code change.
describe('a second pipeline (churn) from its config alone', () => {
  it('validates, tunes gradient-boosted trees, evaluates and publishes', async () => {
    const dir = await tempDir('churn');
    const data = join(dir, 'customers.csv');
    await writeDataset(generateChurn({ rows: 3000, seed: 3 }), data);
    const outcome = await runPipeline({ pipeline: join(REPO, 'pipelines', 'churn.yml'), data, workdir: join(dir, 'work') });
    expect(outcome.status, JSON.stringify(outcome.record?.error ?? outcome.record?.evaluation)).toBe('published');
    const best = (outcome.record?.scoring as { candidate: { hyperparameters: Record<string, string> } }).candidate;
    expect(best.hyperparameters.model).toBe('gbt');
    expect((outcome.record?.predictions as { rows: number }).rows).toBe(3000);
  });
});
