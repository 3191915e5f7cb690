import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  GetDataQualityResultCommand,
  GetDataQualityRulesetEvaluationRunCommand,
  type DataQualityRuleResult,
  type DataQualityRuleResultStatus,
} from '@aws-sdk/client-glue';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { POLLING, type ValidationState } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { checkValidation, type CheckValidationEvent } from './checkValidation';

const RUN = 'dqrun-7c1f3e0b5a92d4e6f8a1b3c5d7e9f0a2';
/** The run every event belongs to; `checking` serves its frozen config (and records the config's hash in it). */
const STATE = runState();

const event = (attempt = 0): CheckValidationEvent => {
  const validation: ValidationState = {
    status: 'RUNNING',
    rulesetName: 'mlops-attrition-4be0c8a91f2d',
    evaluationRunId: RUN,
    attempt,
    waitSeconds: 15,
  };
  return { ...STATE, validation };
};

const rule = (description: string, result: DataQualityRuleResultStatus, message?: string): DataQualityRuleResult => ({
  Name: `Rule_${description.length}`,
  Description: description,
  Result: result,
  EvaluationMessage: message,
  EvaluatedMetrics: {},
});

/** Deps whose S3 serves the run's frozen config (the report marks which rules are built in) and input. */
async function checking(header?: string[]) {
  const t = testDeps();
  const config = await sampleConfig();
  const columns = header ?? Object.keys(config.dataset.columns);
  const input = `s3://${ARTIFACTS}/${STATE.run.runPrefix}input/hr-2026-03.csv`;
  serveRunConfig(t.mocks.s3, STATE, config, { [input]: `${columns.join(',')}\n` });
  return t;
}

function reportOf(mocks: ReturnType<typeof testDeps>['mocks'], runId: string) {
  const text = writtenObjects(mocks.s3).get(`s3://${ARTIFACTS}/runs/attrition/${runId}/validation/report.json`);
  return JSON.parse(text ?? 'null');
}

describe('checkValidation', () => {
  it.each(['STARTING', 'RUNNING', 'STOPPING'] as const)(
    'keeps waiting, with a longer wait, while the run is %s',
    async (status) => {
      // Prepare
      const { deps, mocks } = await checking();
      mocks.glue.on(GetDataQualityRulesetEvaluationRunCommand).resolves({ RunId: RUN, Status: status });

      // Act
      const next = await checkValidation(event(2), deps);

      // Assess
      expect(mocks.glue).toHaveReceivedCommandExactlyOnceWith(GetDataQualityRulesetEvaluationRunCommand, {
        RunId: RUN,
      });
      expect(next).toEqual({
        ...event(2).validation,
        status: 'RUNNING',
        attempt: 3,
        waitSeconds: 8 * POLLING.glue.base,
      });
      expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
    },
  );

  it('never waits longer than the Glue polling cap', async () => {
    // Prepare
    const { deps, mocks } = await checking();
    mocks.glue.on(GetDataQualityRulesetEvaluationRunCommand).resolves({ RunId: RUN, Status: 'RUNNING' });

    // Act
    const next = await checkValidation(event(30), deps);

    // Assess
    expect(next.waitSeconds).toBe(POLLING.glue.cap);
  });

  it('reads every result of a succeeded run and reports PASSED when all rules pass', async () => {
    // Prepare
    const { deps, mocks, sent } = await checking();
    const state = event(4);
    mocks.glue
      .on(GetDataQualityRulesetEvaluationRunCommand)
      .resolves({ RunId: RUN, Status: 'SUCCEEDED', ResultIds: ['dqresult-1', 'dqresult-2'] });
    mocks.glue
      .on(GetDataQualityResultCommand, { ResultId: 'dqresult-1' })
      .resolves({ RuleResults: [rule('IsComplete "EmployeeNumber"', 'PASS')] });
    mocks.glue
      .on(GetDataQualityResultCommand, { ResultId: 'dqresult-2' })
      .resolves({ RuleResults: [rule('IsUnique "EmployeeNumber"', 'PASS')] });

    // Act
    const next = await checkValidation(state, deps);

    // Assess
    expect(sent().map((c) => `${c.command} ${String(c.input.RunId ?? c.input.ResultId ?? c.input.Key)}`)).toEqual([
      `GetDataQualityRulesetEvaluationRunCommand ${RUN}`,
      'GetDataQualityResultCommand dqresult-1',
      'GetDataQualityResultCommand dqresult-2',
      `GetObjectCommand ${state.run.configKey}`,
      `GetObjectCommand runs/attrition/${state.runId}/input/hr-2026-03.csv`,
      `PutObjectCommand runs/attrition/${state.runId}/validation/report.json`,
    ]);
    expect(next).toEqual({
      ...state.validation,
      status: 'PASSED',
      attempt: 5,
      waitSeconds: 0,
      reportKey: `runs/attrition/${state.runId}/validation/report.json`,
      failedRules: 0,
      summary: 'all 2 rules passed',
    });
    expect(reportOf(mocks, state.runId)).toMatchObject({
      status: 'PASSED',
      failedRules: 0,
      rules: [{ result: 'PASS' }, { result: 'PASS' }],
    });
  });

  it('reports FAILED, naming the failed rules, when any rule fails', async () => {
    // Prepare
    const { deps, mocks } = await checking();
    const state = event();
    mocks.glue
      .on(GetDataQualityRulesetEvaluationRunCommand)
      .resolves({ RunId: RUN, Status: 'SUCCEEDED', ResultIds: ['dqresult-1'] });
    mocks.glue.on(GetDataQualityResultCommand).resolves({
      RuleResults: [
        rule('IsComplete "EmployeeNumber"', 'PASS'),
        rule('ColumnValues "Age" between 17 and 71', 'FAIL', 'Value: 212 does not meet the constraint requirement!'),
      ],
    });

    // Act
    const next = await checkValidation(state, deps);

    // Assess
    expect(next.status).toBe('FAILED');
    expect(next.failedRules).toBe(1);
    expect(next.summary).toMatch(/^1 of 2 rules failed: ColumnValues "Age" between 17 and 71 \(Value: 212/);
    expect(next.summary).toContain('Value: 212 does not meet the constraint requirement!');
    expect(reportOf(mocks, state.runId)).toMatchObject({ status: 'FAILED', failedRules: 1 });
  });

  it("names the file's extra columns in the report and the summary (allowed, ignored)", async () => {
    // Prepare
    const declared = Object.keys((await sampleConfig()).dataset.columns);
    const { deps, mocks } = await checking([...declared.slice(0, 3), 'Notes', ...declared.slice(3), 'Badge']);
    const state = event();
    mocks.glue
      .on(GetDataQualityRulesetEvaluationRunCommand)
      .resolves({ RunId: RUN, Status: 'SUCCEEDED', ResultIds: ['dqresult-1'] });
    mocks.glue.on(GetDataQualityResultCommand).resolves({ RuleResults: [rule('IsUnique "EmployeeNumber"', 'PASS')] });

    // Act
    const next = await checkValidation(state, deps);

    // Assess
    expect(next.status).toBe('PASSED');
    expect(next.summary).toBe('all 1 rules passed; extra columns (ignored): Notes, Badge');
    expect(reportOf(mocks, state.runId)).toMatchObject({ extraColumns: ['Notes', 'Badge'], columns: expect.any(Array) });
  });

  it('leads the summary with the causes and only counts the rules they left unjudged', async () => {
    // Prepare
    const { deps, mocks } = await checking();
    const state = event();
    const unjudged = Array.from({ length: 40 }, (_, i) =>
      rule(`ColumnExists "c${i}"`, 'ERROR', 'not evaluated: the file has no header'),
    );
    mocks.glue
      .on(GetDataQualityRulesetEvaluationRunCommand)
      .resolves({ RunId: RUN, Status: 'SUCCEEDED', ResultIds: ['dqresult-1'] });
    mocks.glue.on(GetDataQualityResultCommand).resolves({
      RuleResults: [...unjudged, rule('HeaderPresent', 'FAIL', 'the file is empty')],
    });

    // Act
    const next = await checkValidation(state, deps);

    // Assess
    expect(next.summary).toBe(
      '41 of 41 rules failed, 40 of them not evaluated because of the others: HeaderPresent (the file is empty)',
    );
  });

  it.each(['FAILED', 'TIMEOUT', 'STOPPED'] as const)(
    'maps a %s Glue run to a FAILED report with its error, reading no results',
    async (status) => {
      // Prepare
      const { deps, mocks } = await checking();
      const state = event(1);
      mocks.glue.on(GetDataQualityRulesetEvaluationRunCommand).resolves({
        RunId: RUN,
        Status: status,
        ErrorString: 'Unable to parse file: hr-2026-03.csv',
      });

      // Act
      const next = await checkValidation(state, deps);

      // Assess
      expect(mocks.glue).not.toHaveReceivedCommand(GetDataQualityResultCommand);
      expect(next).toMatchObject({
        status: 'FAILED',
        attempt: 2,
        waitSeconds: 0,
        reportKey: `runs/attrition/${state.runId}/validation/report.json`,
        summary: `Glue Data Quality run ${status}: Unable to parse file: hr-2026-03.csv`,
      });
      expect(reportOf(mocks, state.runId)).toMatchObject({
        status: 'FAILED',
        error: expect.stringContaining('Unable to parse file'),
      });
    },
  );
});
