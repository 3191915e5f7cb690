import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getJsonIfExists } from '@mlops/clients';
import { openLocalCloud, runPipeline, LOCAL_BUCKETS, type RunOutcome } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// Drift against the previous accepted dataset, as it runs on AWS: `prepare` profiles the dataset, publishing keeps
// the profile as the baseline, and StartTuning compares the next run's profile with it before any training.

type Json = Record<string, any>;

let dir: string;
let workdir: string;
let first: RunOutcome;
let shifted: string;

async function artifact(key: string): Promise<Json | undefined> {
  const { cloud } = await openLocalCloud(workdir);
  return getJsonIfExists<Json>(cloud.s3 as never, LOCAL_BUCKETS.artifacts, key);
}

/** A cheap variant of the sample pipeline whose Age rules leave room for older employees. */
function pipeline(name: string, failOnDrift: boolean): Promise<string> {
  return attritionVariant(dir, name, (c) => {
    c.tuning.maxJobs = 2;
    c.tuning.warmStart = false;
    c.evaluation.bootstrap.samples = 0;
    c.validation.drift.failOnDrift = failOnDrift;
    c.validation.rules = String(c.validation.rules)
      .replace('ColumnValues "Age" between 17 and 71', 'ColumnValues "Age" between 17 and 90')
      .replace('Mean "Age" between 25 and 50', 'Mean "Age" between 25 and 70');
  });
}

describe('drift against the previous accepted dataset', () => {
  beforeAll(async () => {
    dir = await tempDir('drift');
    workdir = join(dir, 'work');
    const good = await attritionCsv(dir, 'employees.csv', 600, 31);
    first = await runPipeline({ pipeline: await pipeline('attrition', false), data: good, workdir });
    // The same employees, 15 years older.
    const [header, ...rows] = (await readFile(good, 'utf8')).trimEnd().split('\n');
    const age = (header as string).split(',').indexOf('Age');
    const older = rows.map((line) =>
      line
        .split(',')
        .map((v, i) => (i === age ? String(Number(v) + 15) : v))
        .join(','),
    );
    shifted = join(dir, 'employees-older.csv');
    await writeFile(shifted, `${[header, ...older].join('\n')}\n`);
  });

  it('the first publication keeps its dataset profile as the baseline, with nothing to compare yet', async () => {
    expect(first.status, JSON.stringify(first.record?.error ?? null)).toBe('published');
    expect((first.record?.tuning as Json).drift).toMatchObject({ status: 'no-baseline', reportKey: null });
    const baseline = await artifact('datasets/attrition/accepted/profile.json');
    expect(baseline).toEqual(await artifact(`runs/attrition/${first.runId}/prepared/profile.json`));
    expect(baseline?.rowCount).toBe(600);
  });

  it('with failOnDrift, a run on shifted data fails in StartTuning with DataDriftError naming Age', async () => {
    const before = await artifact('predictions/pipeline=attrition/latest.json');
    const outcome = await runPipeline({ pipeline: await pipeline('strict', true), data: shifted, workdir });
    expect(outcome.status).toBe('failed');
    const error = outcome.record?.error as Json;
    expect(error).toMatchObject({ state: 'StartTuning', error: 'DataDriftError' });
    expect(error.cause).toMatch(/Age \(PSI \d+\.\d+\) at or above psiFail 0\.25/);
    expect(outcome.record?.validation).toMatchObject({ status: 'PASSED' });
    const report = await artifact(`runs/attrition/${outcome.runId}/validation/drift.json`);
    expect(report?.columns.find((c: Json) => c.column === 'Age')).toMatchObject({ status: 'fail' });
    expect(await artifact('predictions/pipeline=attrition/latest.json')).toEqual(before);
  });

  it('without failOnDrift, the run reports the drift on Age and goes on', async () => {
    const outcome = await runPipeline({ pipeline: await pipeline('attrition', false), data: shifted, workdir });
    expect(['published', 'rejected']).toContain(outcome.status);
    const drift = (outcome.record?.tuning as Json).drift as Json;
    expect(drift).toMatchObject({
      status: 'fail',
      failOnDrift: false,
      reportKey: `runs/attrition/${outcome.runId}/validation/drift.json`,
    });
    expect(drift.drifted[0]).toMatchObject({ column: 'Age', status: 'fail' });
    // Only Age moved: the other columns (the row key aside) are the same employees.
    expect(drift.drifted.map((c: Json) => c.column)).toEqual(['Age']);
    const report = await artifact(drift.reportKey);
    expect(report?.skipped).toContainEqual({ column: 'EmployeeNumber', reason: expect.stringContaining('row key') });
    // The validation report carries it too (the run report's drift section reads it there).
    expect(await artifact(`runs/attrition/${outcome.runId}/validation/report.json`)).toMatchObject({
      status: 'PASSED',
      drift: { status: 'fail' },
    });
  });
});
