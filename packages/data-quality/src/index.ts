export { DqdlSyntaxError, type SourcePosition } from './errors';
export * from './dqdl/ast';
export { parseDqdl } from './dqdl/parser';
export { formatRuleset, quoteDqdl } from './dqdl/format';
export { canonicalRuleText, mergeRulesets } from './dqdl/merge';
export { builtinRulesAsDqdl } from './builtin';
export {
  readCsv,
  readCsvHeader,
  type CsvInput,
  type CsvReadFailure,
  type CsvReadResult,
  type CsvSink,
} from './csv/reader';
export { CsvRow } from './csv/row';
export { evaluateDataset, type EvaluateDatasetOptions } from './evaluate';
export type { DataQualityOutcome, RuleResult, RuleResultStatus, RuleSource } from './evaluate/types';
export * from './profile/schema';
export { CATEGORY_CAP } from './profile/profiler';
export { DatasetProfiler, profileDataset } from './profile/dataset';
export * from './drift';
export * from './report';
export { checkPipelineRules } from './check';
