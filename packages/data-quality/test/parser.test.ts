import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DqdlSyntaxError, parseDqdl, type RuleNode, type SimpleRule } from '../src/index';

const one = (rule: string): RuleNode => {
  const { rules } = parseDqdl(`Rules = [ ${rule} ]`);
  expect(rules).toHaveLength(1);
  return rules[0] as RuleNode;
};
const simple = (rule: string): SimpleRule => {
  const node = one(rule);
  if (node.kind !== 'rule') throw new Error('expected a simple rule');
  return node;
};
const syntaxError = (text: string): DqdlSyntaxError => {
  try {
    parseDqdl(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DqdlSyntaxError);
    return error as DqdlSyntaxError;
  }
  throw new Error(`expected a DqdlSyntaxError for ${text}`);
};

describe('parseDqdl: rule types', () => {
  it.each([
    ['RowCount > 100', { type: 'RowCount', columns: [], condition: { kind: 'number', op: '>', values: [100] } }],
    ['ColumnCount = 35', { type: 'ColumnCount', columns: [], condition: { kind: 'number', op: '=', values: [35] } }],
    ['ColumnExists "Age"', { type: 'ColumnExists', columns: ['Age'] }],
    ['IsComplete "id"', { type: 'IsComplete', columns: ['id'] }],
    ['Completeness "x" >= 0.95', { type: 'Completeness', condition: { kind: 'number', op: '>=', values: [0.95] } }],
    ['IsUnique "id"', { type: 'IsUnique', columns: ['id'] }],
    ['Uniqueness "x" > 0.5', { type: 'Uniqueness', condition: { kind: 'number', op: '>', values: [0.5] } }],
    ['UniqueValueRatio "x" < 0.5', { type: 'UniqueValueRatio', condition: { kind: 'number', op: '<', values: [0.5] } }],
    ['IsPrimaryKey "id"', { type: 'IsPrimaryKey', columns: ['id'] }],
    [
      'DistinctValuesCount "x" <= 3',
      { type: 'DistinctValuesCount', condition: { kind: 'number', op: '<=', values: [3] } },
    ],
    ['Mean "x" between 1 and 5.5', { type: 'Mean', condition: { kind: 'number', op: 'between', values: [1, 5.5] } }],
    ['StandardDeviation "x" < 2', { type: 'StandardDeviation', condition: { kind: 'number', op: '<', values: [2] } }],
    [
      'Sum "x" not between -10 and 10',
      { type: 'Sum', condition: { kind: 'number', op: 'notBetween', values: [-10, 10] } },
    ],
    ['ColumnLength "zip" = 5', { type: 'ColumnLength', condition: { kind: 'number', op: '=', values: [5] } }],
    [
      'ColumnDataType "a" = "integer"',
      { type: 'ColumnDataType', condition: { kind: 'dataType', dataType: 'INTEGER' } },
    ],
  ])('%s', (text, expected) => {
    expect(simple(text)).toMatchObject({ kind: 'rule', ...expected, text });
  });

  it('parses every form of ColumnValues condition', () => {
    expect(simple('ColumnValues "c" in ["a", "b,c", "d\\"e"]').condition).toEqual({
      kind: 'string',
      op: 'in',
      values: [
        { kind: 'literal', value: 'a' },
        { kind: 'literal', value: 'b,c' },
        { kind: 'literal', value: 'd"e' },
      ],
    });
    expect(simple('ColumnValues "c" not in [1, -2, NULL]').condition).toEqual({
      kind: 'number',
      op: 'notIn',
      values: [1, -2, null],
    });
    expect(simple('ColumnValues "c" in [ "US", NULL, EMPTY, WHITESPACES_ONLY ]').condition).toMatchObject({
      kind: 'string',
      values: [{ value: 'US' }, { keyword: 'NULL' }, { keyword: 'EMPTY' }, { keyword: 'WHITESPACES_ONLY' }],
    });
    expect(simple('ColumnValues "c" between 17 and 71').condition).toEqual({
      kind: 'number',
      op: 'between',
      values: [17, 71],
    });
    expect(simple('ColumnValues "c" matches "[A-Z]+"').condition).toMatchObject({ kind: 'string', op: 'matches' });
    expect(simple('ColumnValues "c" not matches "x.*"').condition).toMatchObject({ op: 'notMatches' });
    expect(simple('ColumnValues "c" != "x"').condition).toMatchObject({ kind: 'string', op: '!=' });
    expect(simple('ColumnValues "c" ! = 3').condition).toMatchObject({ kind: 'number', op: '!=', values: [3] });
    expect(simple('ColumnValues "c" = NULL').condition).toEqual({
      kind: 'string',
      op: '=',
      values: [{ kind: 'keyword', keyword: 'NULL' }],
    });
    for (const op of ['>', '>=', '<', '<=', '='])
      expect(simple(`ColumnValues "c" ${op} 0`).condition).toMatchObject({ op });
  });

  it('parses with threshold on the rule types that take it', () => {
    const rule = simple('ColumnValues "c" in ["a"] with threshold > 0.9');
    expect(rule.threshold).toEqual({ kind: 'number', op: '>', values: [0.9] });
    expect(simple('ColumnLength "c" between 1 and 4 with threshold >= 0.5').threshold).toMatchObject({ op: '>=' });
    expect(simple('ColumnDataType "c" = "DOUBLE" with threshold between 0.1 and 1.5').threshold).toMatchObject({
      op: 'between',
    });
  });
});

describe('parseDqdl: documents and composites', () => {
  it('reads comments, empty rulesets and rules spread over lines', () => {
    expect(parseDqdl('# nothing yet\nRules = [ ]').rules).toEqual([]);
    const { rules } = parseDqdl('Rules = [\n  # first\n  RowCount > 0, # trailing\n  IsComplete\n    "a"\n]\n# end');
    expect(rules.map((r) => r.text)).toEqual(['RowCount > 0', 'IsComplete "a"']);
    expect(rules[1]?.position).toEqual({ line: 4, column: 3 });
  });

  it('groups and before or, and honours parentheses', () => {
    const node = one('(RowCount > 0) and (IsComplete "a") or (IsUnique "b")');
    expect(node).toMatchObject({
      kind: 'composite',
      op: 'or',
      rules: [{ kind: 'composite', op: 'and' }, { type: 'IsUnique' }],
    });
    const nested = one('(RowCount > 0) or ((IsComplete "a") and (IsUnique "a"))');
    expect(nested).toMatchObject({
      op: 'or',
      rules: [{ type: 'RowCount' }, { op: 'and', rules: [{ type: 'IsComplete' }, { type: 'IsUnique' }] }],
    });
    expect(one('(Mean "a" > 3) AND (Mean "b" > 5) AND (IsComplete "c")')).toMatchObject({
      op: 'and',
      rules: [{}, {}, {}],
    });
  });

  it('parses the sample attrition rules', () => {
    const text = readFileSync(resolve(import.meta.dirname, '../../../pipelines/attrition.dqdl'), 'utf8');
    const { rules } = parseDqdl(text);
    expect(rules).toHaveLength(13);
    expect(rules[10]).toMatchObject({
      kind: 'composite',
      op: 'and',
      rules: [{ columns: ['JobSatisfaction'] }, { columns: ['EnvironmentSatisfaction'] }],
    });
    expect(rules[0]?.text).toBe('RowCount between 500 and 5000000');
  });
});

describe('parseDqdl: errors name the line and column', () => {
  it('rejects an unknown rule type where it stands', () => {
    const error = syntaxError('Rules = [\n  RowCount > 0,\n  IsCompleet "a"\n]');
    expect(error.name).toBe('DqdlSyntaxError');
    expect([error.line, error.column]).toEqual([3, 3]);
    expect(error.message).toContain('unknown rule type "IsCompleet"');
  });

  it.each([
    ['Rules = [ CustomSql "select 1" ]', 'not supported by the local evaluator'],
    ['Rules = [ RowCount > 0 ', 'expected "]"'],
    ['Rules = [ RowCount > 0, ]', 'expected a rule type'],
    ['Rules [ RowCount > 0 ]', 'expected "="'],
    ['Rule = [ RowCount > 0 ]', 'expected "Rules"'],
    ['Rules = [ RowCount > 0 ] extra', 'end of the ruleset'],
    ['Rules = [ RowCount between 5 and 5 ]', 'can never hold'],
    ['Rules = [ ColumnValues "a" in ["x", 1] ]', 'cannot mix'],
    ['Rules = [ ColumnValues "a" matches "(" ]', 'invalid regular expression'],
    ['Rules = [ Mean "a" > 1 with threshold > 0.5 ]', 'does not take "with threshold"'],
    ['Rules = [ ColumnValues "a" > 1 where "b > 2" ]', '"where" clauses'],
    ['Rules = [ RowCount > avg(last(3)) ]', 'dynamic expressions'],
    ['Rules = [ RowCount > 3 * 2 ]', 'arithmetic'],
    ['Rules = [ IsComplete "a ]', 'unterminated string'],
    ['Rules = [ RowCount > 0 ; ]', 'unexpected character'],
    ['Rules = [ IsComplete ]', 'exactly one quoted column name'],
    ['Rules = [ RowCount "a" > 1 ]', 'takes no column name'],
    ['Rules = [ IsComplete "a" > 1 ]', 'takes no condition'],
    ['Rules = [ Mean "a" ]', 'expected a condition'],
    ['Rules = [ ColumnDataType "a" = "VARCHAR" ]', 'expected a quoted type'],
    ['Rules = [ (RowCount > 0 ]', 'to close the "("'],
    ['Metadata = { "Version": "1.0" } Rules = [ ]', 'Metadata section is not supported'],
    ['Rules = [ RowCount > 1. ]', 'decimal point'],
  ])('%s', (text, message) => {
    expect(syntaxError(text).message).toContain(message);
  });

  it('is an MlopsError with a position', () => {
    const error = syntaxError('Rules = [ Foo ]');
    expect(error.message).toMatch(/^DQDL line 1, column 11: /);
  });
});
