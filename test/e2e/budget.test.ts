import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListHyperParameterTuningJobsCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { openLocalCloud, runPipeline } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

type Json = Record<string, any>;

// The tuning budget is enforced by the state machine before anything is trained: StartTuning estimates the cost again
// with the rows `prepare` counted, and its BudgetExceededError goes through the catch-all to NotifyFailure.
describe('per-stage budget', () => {
  it('a tuning budget below the estimate fails the run in StartTuning, before any training job exists', async () => {
    // Prepare
    const dir = await tempDir('budget');
    const workdir = join(dir, 'work');
    const data = await attritionCsv(dir, 'employees.csv', 600, 11);
    const pipeline = await attritionVariant(dir, 'attrition', (c) => {
      c.budget = { maxRunUsd: 10, stages: { tuning: 0.001 } };
    });

    // Act
    const outcome = await runPipeline({ pipeline, data, workdir });

    // Assess
    expect(outcome.status).toBe('failed');
    const record = outcome.record as Json;
    expect(record.error).toMatchObject({ state: 'StartTuning', error: 'BudgetExceededError' });
    expect(record.error.cause).toMatch(/before tuning: the tuning stage is estimated at \$0\.\d{4}, over budget\.stages\.tuning of \$0\.0010 \(\d+ rows, \d+ to train on/);
    expect(record.cost.estimate.stages.tuning).toBeGreaterThan(0.001);
    expect(record.cost.beforeTuning.basis.rowsAssumed).toBe(false);
    expect(outcome.notifications.map((n) => n.message).join('\n')).toMatch(/BudgetExceededError/);
    const { cloud } = await openLocalCloud(workdir);
    const tuning = (await cloud.sagemaker.send(new ListHyperParameterTuningJobsCommand({}))) as Json;
    expect(tuning.HyperParameterTuningJobSummaries).toEqual([]);
    const trainingJobs = join(cloud.sagemaker.root, 'training-jobs');
    expect(existsSync(trainingJobs) ? readdirSync(trainingJobs) : []).toEqual([]);
  });
});
