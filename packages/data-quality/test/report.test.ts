import { describe, expect, it } from 'vitest';
import {
  builtinRulesAsDqdl,
  canonicalRuleText,
  computeDrift,
  DqdlSyntaxError,
  mergeRulesets,
  parseDqdl,
  toValidationReport,
  ValidationReportSchema,
  type DriftReport,
  type GlueRuleResultLike,
} from '../src/index';
import { csvOf, evaluateCsv, smallConfig } from './helpers';

describe('toValidationReport from a local outcome', () => {
  it('keeps every rule with its source, column, rows and metrics', async () => {
    const outcome = await evaluateCsv(
      csvOf('1,20,,A,,yes', '1,21,,B,,no'),
      'Rules = [ RowCount > 0, IsComplete "note" ]',
    );
    const report = toValidationReport(outcome);
    expect(ValidationReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({ status: 'FAILED', rowCount: 2, failedRules: 2, extraColumns: [] });
    expect(report.rules.find((r) => r.name === 'IsUnique "id"')).toEqual({
      name: 'IsUnique "id"',
      id: 'Builtin_13',
      source: 'builtin',
      result: 'FAIL',
      column: 'id',
      message: '2 rows (rows 1, 2) share a value with another row',
      failedRowCount: 2,
      exampleRows: [1, 2],
      metrics: { 'Column.id.Uniqueness': 0 },
    });
    expect(report.rules.find((r) => r.name === 'RowCount > 0')).toMatchObject({
      id: 'Rule_1',
      source: 'dqdl',
      result: 'PASS',
      message: '',
    });
  });

  it('passes when every rule passes, and fails on drift only with failOnDrift', async () => {
    const outcome = await evaluateCsv(csvOf('1,20,,A,,yes', '2,21,,B,,no'));
    expect(toValidationReport(outcome).status).toBe('PASSED');
    const drift: DriftReport = {
      ...computeDrift(outcome.profile, outcome.profile, { psiWarn: 0.1, psiFail: 0.2 }),
      status: 'fail',
    };
    expect(toValidationReport(outcome, { drift }).status).toBe('PASSED');
    const failing = toValidationReport(outcome, { drift: { ...drift, failOnDrift: true } });
    expect(failing.status).toBe('FAILED');
    expect(ValidationReportSchema.parse(failing).drift?.status).toBe('fail');
  });
});

describe('toValidationReport from AWS Glue results', () => {
  const config = smallConfig();
  const glue: GlueRuleResultLike[] = [
    { Name: 'Rule_1', Description: 'ColumnExists "id"', Result: 'PASS', EvaluatedMetrics: {} },
    {
      Name: 'Rule_2',
      Description: 'IsUnique  "id"',
      Result: 'FAIL',
      EvaluationMessage: 'Value: 0.9 does not meet the constraint requirement!',
      EvaluatedMetrics: { 'Column.id.Uniqueness': 0.9 },
    },
    { Name: 'Rule_3', Description: 'RowCount > 10', Result: 'PASS', EvaluatedMetrics: { 'Dataset.*.RowCount': 20 } },
    { Name: 'Rule_4', Description: 'CustomSql "select count(*) from primary" > 0', Result: 'ERROR' },
  ];

  it('accepts the list, marks built-in rules and reads columns from the rule text', () => {
    const report = toValidationReport(glue, { builtinDqdl: builtinRulesAsDqdl(config) });
    expect(ValidationReportSchema.parse(report)).toEqual(report);
    expect(report.rules.map((r) => [r.id, r.source, r.result, r.column])).toEqual([
      ['Rule_1', 'builtin', 'PASS', 'id'],
      ['Rule_2', 'builtin', 'FAIL', 'id'],
      ['Rule_3', 'dqdl', 'PASS', undefined],
      ['Rule_4', 'dqdl', 'ERROR', undefined],
    ]);
    expect(report).toMatchObject({ status: 'FAILED', failedRules: 2 });
    // Glue gives no row count of its own; its RowCount rule measured one.
    expect(report.rowCount).toBe(20);
    expect(toValidationReport(glue.slice(0, 2)).rowCount).toBeUndefined();
  });

  it('accepts { ruleResults, runError } and fails on a run error even without rules', () => {
    const report = toValidationReport({ ruleResults: [], runError: 'Glue Data Quality run FAILED: no such file' });
    expect(report).toEqual({
      status: 'FAILED',
      rules: [],
      failedRules: 0,
      error: 'Glue Data Quality run FAILED: no such file',
    });
    expect(toValidationReport({ ruleResults: glue.slice(0, 1) }).status).toBe('PASSED');
  });

  it('treats an unknown result as ERROR', () => {
    const report = toValidationReport([{ Description: 'RowCount > 0', Result: 'MAYBE' }]);
    expect(report.rules[0]).toMatchObject({ result: 'ERROR', message: 'unknown result "MAYBE"' });
  });
});

describe('mergeRulesets', () => {
  it('joins documents, keeps a repeated rule once and stays valid DQDL', () => {
    const merged = mergeRulesets(builtinRulesAsDqdl(smallConfig()), 'Rules = [ IsUnique "id", RowCount > 0 ]');
    const texts = parseDqdl(merged).rules.map((r) => r.text);
    expect(texts.filter((t) => t === 'IsUnique "id"')).toHaveLength(1);
    expect(texts.at(-1)).toBe('RowCount > 0');
    expect(texts).toHaveLength(12);
  });

  it('refuses an invalid document', () => {
    expect(() => mergeRulesets('Rules = [ ]', 'Rules = [ Nope "x" ]')).toThrow(DqdlSyntaxError);
  });

  it('compares rules by canonical text', () => {
    expect(canonicalRuleText('ColumnValues  "a"   in [ "x" ,"y" ]  # why')).toBe('ColumnValues "a" in ["x", "y"]');
    expect(canonicalRuleText('not a rule')).toBe('not a rule');
  });
});
