import type { RuleType } from './ast';

/** What follows a rule type's column names. `value` is ColumnValues' number-or-text condition. */
export type ConditionKind = 'none' | 'number' | 'value' | 'dataType';

/** The shape of one rule type: how many columns it names, its condition, and whether it takes `with threshold`. */
export interface RuleSpec {
  columns: 0 | 1;
  condition: ConditionKind;
  threshold: boolean;
}

const aggregate: RuleSpec = { columns: 1, condition: 'number', threshold: false };
const check: RuleSpec = { columns: 1, condition: 'none', threshold: false };

/** Specs of the rule types `parseDqdl` accepts. */
export const RULE_SPECS: Record<RuleType, RuleSpec> = {
  RowCount: { columns: 0, condition: 'number', threshold: false },
  ColumnCount: { columns: 0, condition: 'number', threshold: false },
  ColumnExists: check,
  IsComplete: check,
  Completeness: aggregate,
  IsUnique: check,
  Uniqueness: aggregate,
  UniqueValueRatio: aggregate,
  IsPrimaryKey: check,
  DistinctValuesCount: aggregate,
  Mean: aggregate,
  StandardDeviation: aggregate,
  Sum: aggregate,
  ColumnValues: { columns: 1, condition: 'value', threshold: true },
  ColumnLength: { columns: 1, condition: 'number', threshold: true },
  ColumnDataType: { columns: 1, condition: 'dataType', threshold: true },
};

/** Valid DQDL rule types that need things a local CSV evaluation does not have (SQL, other datasets, history). */
export const GLUE_ONLY_RULE_TYPES = new Set([
  'AggregateMatch',
  'ColumnCorrelation',
  'ColumnNamesMatchPattern',
  'CustomSql',
  'DataFreshness',
  'DatasetMatch',
  'DetectAnomalies',
  'Entropy',
  'FileFreshness',
  'FileMatch',
  'FileSize',
  'FileUniqueness',
  'ReferentialIntegrity',
  'RowCountMatch',
  'SchemaMatch',
]);

/** Narrow a string to a supported rule type. */
export function isSupportedRuleType(name: string): name is RuleType {
  return Object.hasOwn(RULE_SPECS, name);
}
