import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPipelineConfig } from '@mlops/core';
import { describe, expect, it } from 'vitest';
import { builtinRulesAsDqdl, evaluateDataset, parseDqdl } from '../src/index';
import { csvOf, evaluateCsv, failedBuiltins, ruleResult, smallConfig } from './helpers';

const GOOD = csvOf('1,25,0.5,Sales,a,yes', '2,35,,R&D,,no', '3,45,2.5,HR,c,no');

describe('built-in checks', () => {
  it('pass on a good file and list what they checked', async () => {
    const outcome = await evaluateCsv(GOOD);
    expect(outcome.status).toBe('PASSED');
    expect(failedBuiltins(outcome)).toEqual([]);
    expect(outcome.ruleResults.map((r) => `${r.Name} ${r.Description}`)).toEqual([
      'Builtin_1 ReadableCsv',
      'Builtin_2 HeaderPresent',
      'Builtin_3 ColumnExists "id"',
      'Builtin_4 ColumnExists "age"',
      'Builtin_5 ColumnExists "dept"',
      'Builtin_6 ColumnExists "label"',
      'Builtin_7 ColumnDataType "id" = "INTEGER"',
      'Builtin_8 ColumnDataType "age" = "INTEGER"',
      'Builtin_9 ColumnDataType "score" = "DOUBLE"',
      'Builtin_10 IsComplete "id"',
      'Builtin_11 IsComplete "age"',
      'Builtin_12 IsComplete "label"',
      'Builtin_13 IsUnique "id"',
      'Builtin_14 ColumnValues "label" in ["yes", "no"]',
      'Builtin_15 RowsPerClass "label" >= 1',
    ]);
    expect(outcome).toMatchObject({
      rowCount: 3,
      columns: ['id', 'age', 'score', 'dept', 'note', 'label'],
      extraColumns: [],
    });
  });

  it('read BOM + CRLF files and quoted commas and line breaks', async () => {
    const csv = '\uFEFFid,age,dept,label\r\n1,30,"Sales, EMEA",yes\r\n2,31,"R&D\r\nLab",no\r\n';
    const outcome = await evaluateCsv(
      csv,
      'Rules = [ ColumnValues "dept" in ["Sales, EMEA", "R&D\\r\\nLab"] ]'.replace('\\r\\n', '\r\n'),
    );
    expect(failedBuiltins(outcome)).toEqual([]);
    expect(outcome.profile.columns.dept).toMatchObject({ values: { 'Sales, EMEA': 1, 'R&D\r\nLab': 1 } });
    expect(outcome.status).toBe('PASSED');
  });

  it('allow extra columns in any order and report them', async () => {
    const outcome = await evaluateCsv('label,extra,dept,age,id,more\nyes,x,A,20,1,y\nno,z,B,21,2,w\n');
    expect(outcome.status).toBe('PASSED');
    expect(outcome.extraColumns).toEqual(['extra', 'more']);
  });

  it('name each missing required column (optional ones may be absent)', async () => {
    const outcome = await evaluateCsv('id,dept,label\n1,A,yes\n2,B,no\n');
    expect(failedBuiltins(outcome)).toEqual(['ColumnExists "age"']);
    expect(ruleResult(outcome, 'ColumnExists "age"')).toMatchObject({
      column: 'age',
      EvaluationMessage: 'column "age" is missing',
    });
  });

  it('fail unparsable numbers, naming column, rule, count and example rows', async () => {
    const csv = csvOf(
      '1,25,x,A,,yes',
      '2,3.5,1e3,B,,no',
      '3,abc,,C,,no',
      '4, 7,,D,,yes',
      '5,8,,E,,no',
      '6,1.0,,F,,no',
      '7,-2,,G,,yes',
      '8,9,,H,,no',
    );
    const outcome = await evaluateCsv(csv);
    expect(ruleResult(outcome, 'ColumnDataType "age" = "INTEGER"')).toMatchObject({
      Result: 'FAIL',
      column: 'age',
      failedRowCount: 4,
      exampleRows: [2, 3, 4, 6],
      EvaluationMessage: '4 rows (rows 2, 3, 4, 6) do not hold an INTEGER value',
    });
    expect(ruleResult(outcome, 'ColumnDataType "score" = "DOUBLE"')).toMatchObject({
      Result: 'FAIL',
      failedRowCount: 1,
      exampleRows: [1],
    });
  });

  it('treat blank " " numeric cells as missing: a failure in required columns only', async () => {
    const outcome = await evaluateCsv(csvOf('1, ,  ,A,,yes', '2,30,,B,,no', '3,\t,,C,,no'));
    expect(failedBuiltins(outcome)).toEqual(['IsComplete "age"']);
    expect(ruleResult(outcome, 'IsComplete "age"')).toMatchObject({ failedRowCount: 2, exampleRows: [1, 3] });
    expect(ruleResult(outcome, 'ColumnDataType "score" = "DOUBLE"').Result).toBe('PASS');
    expect(outcome.profile.columns.score).toMatchObject({ kind: 'numeric', count: 0, missing: 3, invalid: 0 });
  });

  it('fail duplicated and empty row keys with the rows involved', async () => {
    const outcome = await evaluateCsv(
      csvOf('7,20,,A,,yes', '8,21,,B,,no', '7,22,,C,,no', ',23,,D,,yes', '08,24,,E,,no'),
    );
    expect(ruleResult(outcome, 'IsUnique "id"')).toMatchObject({
      Result: 'FAIL',
      failedRowCount: 4,
      exampleRows: [1, 2, 3, 5],
    });
    expect(ruleResult(outcome, 'IsComplete "id"')).toMatchObject({
      Result: 'FAIL',
      failedRowCount: 1,
      exampleRows: [4],
    });
  });

  it('fail a third target value, a blank target and a missing class', async () => {
    const third = await evaluateCsv(csvOf('1,20,,A,,yes', '2,21,,B,,maybe', '3,22,,C,,no', '4,23,,D,,'));
    expect(ruleResult(third, 'ColumnValues "label" in ["yes", "no"]')).toMatchObject({
      Result: 'FAIL',
      failedRowCount: 2,
      exampleRows: [2, 4],
    });
    expect(ruleResult(third, 'IsComplete "label"')).toMatchObject({ Result: 'FAIL', exampleRows: [4] });
    const oneClass = await evaluateCsv(csvOf('1,20,,A,,no', '2,21,,B,,no'));
    expect(failedBuiltins(oneClass)).toEqual(['RowsPerClass "label" >= 1']);
    expect(ruleResult(oneClass, 'RowsPerClass "label" >= 1')).toMatchObject({
      EvaluationMessage: 'class "yes" has 0 rows; each class needs at least 1',
      EvaluatedMetrics: { 'Column.label.ClassCount.yes': 0, 'Column.label.ClassCount.no': 2 },
    });
  });

  it('need validation.minRowsPerClass rows in each class', async () => {
    const outcome = await evaluateCsv(GOOD, 'Rules = [ ]', smallConfig({}, 2));
    expect(failedBuiltins(outcome)).toEqual(['RowsPerClass "label" >= 2']);
  });

  it('fail a header-only file on rows per class, and leave row rules unjudged', async () => {
    const outcome = await evaluateCsv('id,age,score,dept,note,label\r\n', 'Rules = [ RowCount > 0 ]');
    expect(outcome.rowCount).toBe(0);
    expect(failedBuiltins(outcome)).toEqual([
      'IsComplete "id"',
      'IsComplete "age"',
      'IsComplete "label"',
      'IsUnique "id"',
      'RowsPerClass "label" >= 1',
    ]);
    expect(ruleResult(outcome, 'IsComplete "id"')).toMatchObject({
      Result: 'ERROR',
      EvaluationMessage: 'no rows to evaluate',
    });
    expect(ruleResult(outcome, 'RowCount > 0').Result).toBe('FAIL');
    expect(ruleResult(outcome, 'RowsPerClass "label" >= 1').EvaluationMessage).toBe(
      'the file has a header but no data rows; each class needs at least 1',
    );
  });

  it('fail an empty file on HeaderPresent and mark every other rule ERROR', async () => {
    const outcome = await evaluateCsv('', 'Rules = [ RowCount > 0 ]');
    expect(outcome.status).toBe('FAILED');
    expect(ruleResult(outcome, 'HeaderPresent')).toMatchObject({
      Result: 'FAIL',
      EvaluationMessage: 'the file is empty',
    });
    expect(ruleResult(outcome, 'ReadableCsv').Result).toBe('PASS');
    const others = outcome.ruleResults.slice(2);
    expect(others.length).toBeGreaterThan(5);
    expect(new Set(others.map((r) => r.Result))).toEqual(new Set(['ERROR']));
    expect(ruleResult(outcome, 'RowCount > 0').EvaluationMessage).toBe('not evaluated: the file has no header');
  });

  it('fail a file that is not UTF-8 clearly, without judging the other rules', async () => {
    const bytes = Buffer.concat([
      Buffer.from(csvOf('1,20,,Sales,,yes')),
      Buffer.from('2,21,,Ventas '),
      Buffer.from([0xe9]),
      Buffer.from(',,no\n'),
    ]);
    const outcome = await evaluateCsv(bytes);
    expect(ruleResult(outcome, 'ReadableCsv')).toMatchObject({ Result: 'FAIL', exampleRows: [2] });
    expect(ruleResult(outcome, 'ReadableCsv').EvaluationMessage).toMatch(
      /^not valid UTF-8: byte 0xe9 at byte offset \d+, at data row 2$/,
    );
    expect(ruleResult(outcome, 'IsUnique "id"')).toMatchObject({
      Result: 'ERROR',
      EvaluationMessage: expect.stringContaining('not evaluated: not valid UTF-8'),
    });
  });

  it('fail rows whose field count differs from the header', async () => {
    const outcome = await evaluateCsv(csvOf('1,20,,A,,yes', '2,21,,B,no', '3,22,,C,,no,extra'));
    expect(ruleResult(outcome, 'ReadableCsv')).toMatchObject({
      Result: 'FAIL',
      failedRowCount: 2,
      exampleRows: [2, 3],
    });
  });

  it('fail a file whose first row is data, or whose header repeats a name', async () => {
    const noHeader = await evaluateCsv('1,20,,A,,yes\n2,21,,B,,no\n');
    expect(ruleResult(noHeader, 'HeaderPresent').EvaluationMessage).toContain('the file has no header row');
    const repeated = await evaluateCsv('id,age,dept,label,age\n1,2,A,yes,3\n');
    expect(ruleResult(repeated, 'HeaderPresent').EvaluationMessage).toBe('repeated column names: "age"');
  });

  it('keep formula-like text as text', async () => {
    const formula = "=cmd|'/C calc'!A0";
    const outcome = await evaluateCsv(
      csvOf(`1,20,,"${formula}",+SUM(1),yes`, '2,21,,@x,-1,no'),
      `Rules = [ ColumnValues "dept" in ["${formula}", "@x"] ]`,
    );
    expect(outcome.status).toBe('PASSED');
    expect(outcome.profile.columns.dept).toMatchObject({ values: { [formula]: 1, '@x': 1 } });
    expect(outcome.profile.columns.note).toMatchObject({ values: { '+SUM(1)': 1, '-1': 1 } });
  });
});

describe('builtinRulesAsDqdl', () => {
  it('gives the DQDL subset of the built-in checks, parseable by parseDqdl', () => {
    const text = builtinRulesAsDqdl(smallConfig());
    expect(parseDqdl(text).rules.map((r) => r.text)).toEqual([
      'ColumnExists "id"',
      'ColumnExists "age"',
      'ColumnExists "dept"',
      'ColumnExists "label"',
      'ColumnDataType "id" = "INTEGER"',
      'ColumnDataType "age" = "INTEGER"',
      'IsComplete "id"',
      'IsComplete "age"',
      'IsComplete "label"',
      'IsUnique "id"',
      'ColumnValues "label" in ["yes", "no"]',
    ]);
  });

  it('quotes names and labels that need escaping', () => {
    const config = smallConfig({ positiveLabel: 'say "yes"', negativeLabel: 'back\\slash' });
    expect(parseDqdl(builtinRulesAsDqdl(config)).rules.at(-1)).toMatchObject({
      condition: { values: [{ value: 'say "yes"' }, { value: 'back\\slash' }] },
    });
  });
});

const IBM = '/work/shared/datasets/ibm-hr-attrition/WA_Fn-UseC_-HR-Employee-Attrition.csv';

describe.skipIf(!existsSync(IBM))('the IBM HR attrition file', () => {
  it('passes the attrition pipeline (built-ins and its DQDL rules)', async () => {
    const config = await loadPipelineConfig(resolve(import.meta.dirname, '../../../pipelines/attrition.yml'));
    const outcome = await evaluateDataset({ input: createReadStream(IBM), ruleset: config.validation.rules, config });
    const failures = outcome.ruleResults
      .filter((r) => r.Result !== 'PASS')
      .map((r) => `${r.Description}: ${r.EvaluationMessage}`);
    expect(failures).toEqual([]);
    expect(outcome).toMatchObject({ status: 'PASSED', rowCount: 1470, extraColumns: [] });
    expect(outcome.columns).toHaveLength(35);
    expect(ruleResult(outcome, 'RowsPerClass "Attrition" >= 30').EvaluatedMetrics).toEqual({
      'Column.Attrition.ClassCount.Yes': 237,
      'Column.Attrition.ClassCount.No': 1233,
    });
  });
});
