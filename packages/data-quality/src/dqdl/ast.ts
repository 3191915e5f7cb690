import type { SourcePosition } from '../errors';

/** Rule types the local evaluator supports (a subset of AWS Glue Data Quality's DQDL). */
export const SUPPORTED_RULE_TYPES = [
  'RowCount',
  'ColumnCount',
  'ColumnExists',
  'IsComplete',
  'Completeness',
  'IsUnique',
  'Uniqueness',
  'UniqueValueRatio',
  'IsPrimaryKey',
  'DistinctValuesCount',
  'Mean',
  'StandardDeviation',
  'Sum',
  'ColumnValues',
  'ColumnLength',
  'ColumnDataType',
] as const;
export type RuleType = (typeof SUPPORTED_RULE_TYPES)[number];

/** Operators of a number-based condition. `between` is exclusive at both ends, as in AWS Glue. */
export type NumberOperator = 'between' | 'notBetween' | '>' | '>=' | '<' | '<=' | '=' | '!=' | 'in' | 'notIn';

/** A condition on numbers: a rule's metric, a row's value, a length or a ratio (`with threshold`). */
export interface NumberCondition {
  kind: 'number';
  op: NumberOperator;
  /** `null` stands for DQDL's NULL keyword (only meaningful for ColumnValues). */
  values: Array<number | null>;
}

/** DQDL keywords that stand for special cell values. */
export type ValueKeyword = 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY';
export type StringValue = { kind: 'literal'; value: string } | { kind: 'keyword'; keyword: ValueKeyword };

export type StringOperator = '=' | '!=' | 'in' | 'notIn' | 'matches' | 'notMatches';

/** A condition on a cell's text. `matches` must match the whole value. */
export interface StringCondition {
  kind: 'string';
  op: StringOperator;
  values: StringValue[];
}

/** Types `ColumnDataType` can test for (DQDL's list), upper-cased. */
export const DQDL_DATA_TYPES = ['BOOLEAN', 'DATE', 'TIMESTAMP', 'INTEGER', 'DOUBLE', 'FLOAT', 'LONG'] as const;
export type DqdlDataType = (typeof DQDL_DATA_TYPES)[number];

/** `ColumnDataType "c" = "INTEGER"`. */
export interface DataTypeCondition {
  kind: 'dataType';
  dataType: DqdlDataType;
}

export type Condition = NumberCondition | StringCondition | DataTypeCondition;

/** One rule: `<RuleType> <"column">* <condition>? (with threshold <condition>)?`. */
export interface SimpleRule {
  kind: 'rule';
  type: RuleType;
  columns: string[];
  condition?: Condition;
  threshold?: NumberCondition;
  /** The rule as written, whitespace collapsed (AWS Glue reports it as the rule's Description). */
  text: string;
  position: SourcePosition;
}

/** `(A) and (B)`, `(A) or (B)`; `and` binds tighter than `or`, as in the DQDL grammar. */
export interface CompositeRule {
  kind: 'composite';
  op: 'and' | 'or';
  rules: RuleNode[];
  text: string;
  position: SourcePosition;
}

export type RuleNode = SimpleRule | CompositeRule;

/** A parsed DQDL document: the top-level rules of its `Rules = [ ... ]` section, in order. */
export interface Ruleset {
  rules: RuleNode[];
}
