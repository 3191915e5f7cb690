import { describe, expect, it } from 'vitest';
import { csvOf, dqdlResults, evaluateCsv } from './helpers';

/** Six valid rows: ids 1..6, ages, an optional score with one gap, departments, notes and labels. */
const DATA = csvOf(
  '1,25,0.5,Sales,first,yes',
  '2,35,1.5,Sales,,no',
  '3,45,,R&D,third,no',
  '4,55,2.5,R&D,fourth,yes',
  '5,30,3.5,HR,fifth,no',
  '6,40,4.5,HR,sixth,yes',
);

/** Evaluate one rule on DATA (or `csv`) and return its result. */
async function judge(rule: string, csv = DATA) {
  const outcome = await evaluateCsv(csv, `Rules = [ ${rule} ]`);
  const [result] = dqdlResults(outcome);
  if (!result) throw new Error('no DQDL result');
  return result;
}

describe('dataset and column rules', () => {
  it.each([
    ['RowCount = 6', 'PASS', { 'Dataset.*.RowCount': 6 }],
    ['RowCount between 6 and 10', 'FAIL', { 'Dataset.*.RowCount': 6 }],
    ['ColumnCount = 6', 'PASS', { 'Dataset.*.ColumnCount': 6 }],
    ['ColumnCount > 6', 'FAIL', {}],
    ['ColumnExists "note"', 'PASS', {}],
    ['ColumnExists "salary"', 'FAIL', {}],
    ['IsComplete "age"', 'PASS', { 'Column.age.Completeness': 1 }],
    ['IsComplete "note"', 'FAIL', { 'Column.note.Completeness': 5 / 6 }],
    ['Completeness "score" > 0.8', 'PASS', { 'Column.score.Completeness': 5 / 6 }],
    ['Completeness "score" >= 0.9', 'FAIL', {}],
    ['IsUnique "id"', 'PASS', { 'Column.id.Uniqueness': 1 }],
    ['IsUnique "dept"', 'FAIL', { 'Column.dept.Uniqueness': 0 }],
    ['Uniqueness "id" = 1', 'PASS', {}],
    ['Uniqueness "label" > 0', 'FAIL', { 'Column.label.Uniqueness': 0 }],
    ['UniqueValueRatio "note" = 1', 'PASS', { 'Column.note.UniqueValueRatio': 1 }],
    ['UniqueValueRatio "dept" > 0', 'FAIL', {}],
    ['IsPrimaryKey "id"', 'PASS', {}],
    ['IsPrimaryKey "note"', 'FAIL', { 'Column.note.Completeness': 5 / 6 }],
    ['DistinctValuesCount "dept" = 3', 'PASS', { 'Column.dept.DistinctValuesCount': 3 }],
    ['DistinctValuesCount "dept" > 3', 'FAIL', {}],
    ['Mean "age" between 38 and 39', 'PASS', { 'Column.age.Mean': 38.333333333333336 }],
    ['Mean "age" < 30', 'FAIL', {}],
    ['StandardDeviation "age" between 9.85 and 9.87', 'PASS', {}],
    ['StandardDeviation "age" > 10', 'FAIL', {}],
    ['Sum "score" = 12.5', 'PASS', { 'Column.score.Sum': 12.5 }],
    ['Sum "score" < 12.5', 'FAIL', {}],
  ])('%s → %s', async (rule, expected, metrics) => {
    const result = await judge(rule);
    expect(result.Result).toBe(expected);
    expect(result.EvaluatedMetrics).toMatchObject(metrics);
    expect(result.Name).toBe('Rule_1');
    expect(result.Description).toBe(rule);
    if (expected === 'FAIL') expect(result.EvaluationMessage).toBeTruthy();
  });

  it('applies between exclusively, as AWS Glue does', async () => {
    expect((await judge('Mean "age" between 30 and 38.333333333333336')).Result).toBe('FAIL');
    expect((await judge('RowCount between 5 and 7')).Result).toBe('PASS');
    expect((await judge('RowCount not between 5 and 6')).Result).toBe('PASS');
  });

  it('names the failing rows of completeness and uniqueness rules', async () => {
    expect(await judge('IsComplete "note"')).toMatchObject({ failedRowCount: 1, exampleRows: [2], column: 'note' });
    const duplicated = csvOf('1,25,,A,x,yes', '2,26,,B,x,no', '3,27,,C,y,no', '4,28,,D,x,yes');
    const result = await judge('IsUnique "note"', duplicated);
    expect(result).toMatchObject({ Result: 'FAIL', failedRowCount: 3, exampleRows: [1, 2, 4] });
    expect(result.EvaluationMessage).toBe('3 rows (rows 1, 2, 4) share a value with another row');
  });

  it('reports ERROR, not a crash, for a missing column or non-numbers', async () => {
    expect(await judge('Mean "salary" > 1')).toMatchObject({
      Result: 'ERROR',
      EvaluationMessage: 'column "salary" is not in the file',
    });
    const result = await judge('Mean "dept" > 1');
    expect(result).toMatchObject({ Result: 'ERROR', failedRowCount: 6, exampleRows: [1, 2, 3, 4, 5] });
    expect(result.EvaluationMessage).toContain('are not numbers');
  });
});

describe('row-level rules', () => {
  it.each([
    ['ColumnValues "dept" in ["Sales", "R&D", "HR"]', 'PASS', 0],
    ['ColumnValues "dept" in ["Sales", "R&D"]', 'FAIL', 2],
    ['ColumnValues "dept" not in ["IT"]', 'PASS', 0],
    ['ColumnValues "dept" not in ["HR"]', 'FAIL', 2],
    ['ColumnValues "age" between 24 and 56', 'PASS', 0],
    ['ColumnValues "age" between 25 and 56', 'FAIL', 1],
    ['ColumnValues "age" > 25', 'FAIL', 1],
    ['ColumnValues "age" >= 25', 'PASS', 0],
    ['ColumnValues "age" < 55', 'FAIL', 1],
    ['ColumnValues "age" <= 55', 'PASS', 0],
    ['ColumnValues "age" = 25', 'FAIL', 5],
    ['ColumnValues "age" != 99', 'PASS', 0],
    ['ColumnValues "age" in [25, 35, 45, 55, 30, 40]', 'PASS', 0],
    ['ColumnValues "age" in [25.0, 35]', 'FAIL', 4],
    ['ColumnValues "dept" matches "[A-Za-z&]+"', 'PASS', 0],
    ['ColumnValues "dept" matches "Sal"', 'FAIL', 6],
    ['ColumnValues "dept" = "Sales"', 'FAIL', 4],
    ['ColumnValues "dept" != "IT"', 'PASS', 0],
    ['ColumnValues "dept" in ["Sales", "R&D"] with threshold >= 0.6', 'PASS', 2],
    ['ColumnValues "dept" in ["Sales", "R&D"] with threshold > 0.7', 'FAIL', 2],
    ['ColumnLength "dept" between 1 and 6', 'PASS', 0],
    ['ColumnLength "dept" <= 3', 'FAIL', 2],
    ['ColumnLength "note" > 0', 'FAIL', 1],
    ['ColumnLength "dept" = 5 with threshold > 0.3', 'PASS', 4],
    ['ColumnDataType "age" = "INTEGER"', 'PASS', 0],
    ['ColumnDataType "score" = "INTEGER"', 'FAIL', 5],
    ['ColumnDataType "score" = "DOUBLE"', 'PASS', 0],
    ['ColumnDataType "dept" = "DOUBLE"', 'FAIL', 6],
    ['ColumnDataType "label" = "BOOLEAN"', 'PASS', 0],
    ['ColumnDataType "note" = "DATE" with threshold < 0.1', 'PASS', 5],
  ])('%s → %s (%i failing rows)', async (rule, expected, failing) => {
    const result = await judge(rule);
    expect(result.Result).toBe(expected);
    expect(result.failedRowCount ?? 0).toBe(failing);
  });

  it('treats null cells as AWS Glue documents: they fail, except negated conditions and NULL in the list', async () => {
    expect(await judge('ColumnValues "score" > 0')).toMatchObject({ Result: 'FAIL', exampleRows: [3] });
    expect((await judge('ColumnValues "score" != 7')).Result).toBe('PASS');
    expect((await judge('ColumnValues "note" not in ["x"]')).Result).toBe('PASS');
    expect((await judge('ColumnValues "note" in ["first", "third", "fourth", "fifth", "sixth", NULL]')).Result).toBe(
      'PASS',
    );
    expect((await judge('ColumnValues "note" in ["first", "third", "fourth", "fifth", "sixth"]')).failedRowCount).toBe(
      1,
    );
  });

  it('matches EMPTY, WHITESPACES_ONLY and dates', async () => {
    const csv = csvOf('1,20,,A,   ,yes', '2,21,,B,,no', '3,22,,C,2024-02-30,no', '4,23,,D,2024-02-29,yes');
    expect(
      (await judge('ColumnValues "note" in [EMPTY, WHITESPACES_ONLY, "2024-02-30", "2024-02-29"]', csv)).Result,
    ).toBe('PASS');
    expect((await judge('ColumnDataType "note" = "DATE"', csv)).failedRowCount).toBe(2);
  });

  it('reports compliance, range and example rows', async () => {
    const result = await judge('ColumnValues "age" between 30 and 50');
    expect(result.EvaluatedMetrics).toEqual({
      'Column.age.ColumnValues.Compliance': 0.5,
      'Column.age.Minimum': 25,
      'Column.age.Maximum': 55,
    });
    expect(result).toMatchObject({ failedRowCount: 3, exampleRows: [1, 4, 5] });
    expect(result.EvaluationMessage).toBe('3 rows (rows 1, 4, 5) are not between 30 and 50');
  });
});

describe('composite rules', () => {
  it.each([
    ['(RowCount = 6) and (IsComplete "age")', 'PASS'],
    ['(RowCount = 6) and (IsComplete "note")', 'FAIL'],
    ['(RowCount = 5) or (IsComplete "age")', 'PASS'],
    ['(RowCount = 5) or (IsComplete "note")', 'FAIL'],
    ['(RowCount = 5) and (IsComplete "age") or (IsUnique "id")', 'PASS'],
    ['(RowCount = 5) and ((IsComplete "age") or (IsUnique "id"))', 'FAIL'],
    ['(RowCount = 6) and (Mean "salary" > 1)', 'ERROR'],
    ['(RowCount = 7) and (Mean "salary" > 1)', 'FAIL'],
    ['(RowCount = 6) or (Mean "salary" > 1)', 'PASS'],
  ])('%s → %s', async (rule, expected) => {
    expect((await judge(rule)).Result).toBe(expected);
  });

  it('merges the metrics of its parts and keeps one column', async () => {
    const result = await judge('(IsComplete "age") and (ColumnValues "age" > 0)');
    expect(result.column).toBe('age');
    expect(result.EvaluatedMetrics).toMatchObject({
      'Column.age.Completeness': 1,
      'Column.age.ColumnValues.Compliance': 1,
    });
  });
});
