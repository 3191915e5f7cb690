import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { CreateHyperParameterTuningJobCommand, ListHyperParameterTuningJobsCommand } from '@aws-sdk/client-sagemaker';
import { DataDriftError, InputError } from '@mlops/core';
import { DatasetProfiler, DriftReportSchema, type Profile } from '@mlops/data-quality';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { startTuning } from './startTuning';

/** The profile `prepare` would write for `rows` employees aged `age(i)`, in three departments. */
async function profile(rows: number, age: (i: number) => number): Promise<Profile> {
  const profiler = new DatasetProfiler(await sampleConfig());
  profiler.header(['EmployeeNumber', 'Age', 'Department', 'Attrition']);
  const departments = ['Sales', 'Research & Development', 'Human Resources'];
  for (let i = 0; i < rows; i++) {
    profiler.fields([String(i + 1), String(age(i)), departments[i % 3] as string, i % 6 ? 'No' : 'Yes']);
  }
  return profiler.finish();
}

const ages = (i: number) => 20 + ((i * 37) % 40);

async function tune(options: { current?: Profile; baseline?: Profile; failOnDrift?: boolean }) {
  const t = testDeps();
  const state = runState();
  const config = await sampleConfig();
  const objects: Record<string, object> = {};
  if (options.current)
    objects[`s3://${ARTIFACTS}/runs/attrition/${state.runId}/prepared/profile.json`] = options.current;
  if (options.baseline) objects[`s3://${ARTIFACTS}/datasets/attrition/accepted/profile.json`] = options.baseline;
  const validationKey = `s3://${ARTIFACTS}/runs/attrition/${state.runId}/validation/report.json`;
  objects[validationKey] = { status: 'PASSED', rules: [], failedRules: 0 };
  // What `prepare` counted and the record StartRun opened: the budget check before tuning reads both.
  objects[`s3://${ARTIFACTS}/runs/attrition/${state.runId}/prepared/summary.json`] = { rows: { train: 1029, validation: 220, test: 221 } };
  objects[`s3://${ARTIFACTS}/${state.run.recordKey}`] = { runId: state.runId, status: 'running' };
  const drift = { ...config.validation.drift, failOnDrift: options.failOnDrift ?? false };
  serveRunConfig(t.mocks.s3, state, { ...config, validation: { ...config.validation, drift } }, objects);
  t.mocks.sagemaker.on(ListHyperParameterTuningJobsCommand).resolves({ HyperParameterTuningJobSummaries: [] });
  t.mocks.sagemaker.on(CreateHyperParameterTuningJobCommand).resolves({ HyperParameterTuningJobArn: 'arn:x' });
  const report = () => {
    const text = writtenObjects(t.mocks.s3).get(
      `s3://${ARTIFACTS}/runs/attrition/${state.runId}/validation/drift.json`,
    );
    return text === undefined ? undefined : DriftReportSchema.parse(JSON.parse(text));
  };
  const validation = () => JSON.parse(writtenObjects(t.mocks.s3).get(validationKey) ?? 'null');
  return { ...t, state, run: () => startTuning(state, t.deps), report, validation };
}

describe('startTuning: drift against the last accepted dataset', () => {
  it('has nothing to compare on the first run: no report, tuning starts', async () => {
    // Prepare
    const { run, report, mocks } = await tune({ current: await profile(600, ages) });

    // Act
    const result = await run();

    // Assess
    expect(result.drift).toEqual({
      status: 'no-baseline',
      reportKey: null,
      baselineKey: 'datasets/attrition/accepted/profile.json',
      failOnDrift: false,
      drifted: [],
    });
    expect(report()).toBeUndefined();
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(CreateHyperParameterTuningJobCommand);
  });

  it('reports no drift for a dataset like the accepted one, and stores the report under the run', async () => {
    // Prepare
    const { run, report, state } = await tune({
      current: await profile(600, ages),
      baseline: await profile(900, ages),
    });

    // Act
    const result = await run();

    // Assess
    expect(result.drift).toMatchObject({
      status: 'ok',
      reportKey: `runs/attrition/${state.runId}/validation/drift.json`,
      drifted: [],
    });
    expect(report()?.columns.map((c) => c.column)).toEqual(expect.arrayContaining(['Age', 'Department', 'Attrition']));
    // New employees get new numbers: the row key is never a drift signal.
    expect(report()?.skipped).toContainEqual({ column: 'EmployeeNumber', reason: expect.stringContaining('row key') });
  });

  it('flags a shifted column and still tunes when the pipeline only reports drift', async () => {
    // Prepare
    const shifted = await profile(600, (i) => ages(i) + 15);
    const { run, report, validation, mocks } = await tune({ current: shifted, baseline: await profile(600, ages) });

    // Act
    const result = await run();

    // Assess
    expect(result.drift.status).toBe('fail');
    expect(result.drift.drifted[0]).toMatchObject({ column: 'Age', status: 'fail' });
    expect(result.drift.drifted.map((c) => c.column)).not.toContain('Department');
    expect(report()?.columns.find((c) => c.column === 'Age')?.psi).toBeGreaterThan(0.25);
    expect(validation()).toMatchObject({ status: 'PASSED', drift: { status: 'fail', failOnDrift: false } });
    expect(mocks.sagemaker).toHaveReceivedCommandOnce(CreateHyperParameterTuningJobCommand);
  });

  it('fails the run with DataDriftError, naming the column, before any tuning job, when failOnDrift is set', async () => {
    // Prepare
    const shifted = await profile(600, (i) => ages(i) + 15);
    const { run, report, validation, mocks } = await tune({
      current: shifted,
      baseline: await profile(600, ages),
      failOnDrift: true,
    });

    // Act
    const result = run();

    // Assess
    await expect(result).rejects.toBeInstanceOf(DataDriftError);
    await expect(result).rejects.toMatchObject({
      name: 'DataDriftError',
      message: expect.stringMatching(/Age \(PSI \d/),
    });
    expect(report()?.status).toBe('fail');
    expect(validation()).toMatchObject({ status: 'FAILED', drift: { status: 'fail', failOnDrift: true } });
    expect(mocks.sagemaker).not.toHaveReceivedCommand(CreateHyperParameterTuningJobCommand);
  });

  it('says drift was not checked without a profile, and refuses to go on when failOnDrift is set', async () => {
    // Prepare
    const lenient = await tune({ baseline: await profile(600, ages) });
    const strict = await tune({ baseline: await profile(600, ages), failOnDrift: true });

    // Act
    const result = await lenient.run();
    const refused = strict.run();

    // Assess
    expect(result.drift.status).toBe('unavailable');
    // Nothing written but the cost estimate in the run record: no drift report, no change to the validation report.
    expect([...writtenObjects(lenient.mocks.s3).keys()]).toEqual([`s3://${ARTIFACTS}/runs/attrition/${runState().runId}/record.json`]);
    await expect(refused).rejects.toBeInstanceOf(InputError);
    expect(strict.mocks.sagemaker).not.toHaveReceivedCommand(CreateHyperParameterTuningJobCommand);
  });
});
