import * as z from 'zod/mini';
import { DriftReportSchema, type DriftReport } from './drift';
import { parseRuleText } from './dqdl/merge';
import type { RuleNode } from './dqdl/ast';
import { parseDqdl } from './dqdl/parser';
import type { RuleSource } from './evaluate/types';
import { compact } from './util';

export const RuleResultStatusSchema = z.enum(['PASS', 'FAIL', 'ERROR']);

/** One rule in a validation report, whether the local evaluator or AWS Glue evaluated it. */
export const ReportRuleSchema = z.strictObject({
  name: z.string().check(z.describe('the rule as written (DQDL), e.g. IsUnique "EmployeeNumber"')),
  id: z.optional(z.string()).check(z.describe("the evaluator's rule name, e.g. Rule_3 (Glue) or Builtin_5")),
  source: z.enum(['builtin', 'dqdl']),
  result: RuleResultStatusSchema,
  column: z.optional(z.string()),
  message: z.string(),
  failedRowCount: z.optional(z.int().check(z.nonnegative())),
  exampleRows: z
    .optional(z.array(z.int().check(z.positive())).check(z.maxLength(5)))
    .check(z.describe('1-based data row numbers')),
  metrics: z.record(z.string(), z.number()),
});

/** The one validation report shape, for the local path and the AWS Glue path alike. */
export const ValidationReportSchema = z.strictObject({
  status: z.enum(['PASSED', 'FAILED']),
  rowCount: z.optional(z.int().check(z.nonnegative())),
  columns: z.optional(z.array(z.string())),
  extraColumns: z.optional(z.array(z.string())),
  rules: z.array(ReportRuleSchema),
  failedRules: z.int().check(z.nonnegative(), z.describe('rules whose result is FAIL or ERROR')),
  error: z.optional(z.string()).check(z.describe('why the evaluation itself could not run (counts as FAILED)')),
  drift: z.optional(DriftReportSchema),
});

export type ReportRule = z.infer<typeof ReportRuleSchema>;
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

/**
 * A rule result as AWS Glue's GetDataQualityResult returns it (`DataQualityRuleResult`, every field
 * optional as in the SDK), possibly with the local evaluator's extras.
 */
export interface GlueRuleResultLike {
  Name?: string;
  Description?: string;
  Result?: string;
  EvaluationMessage?: string;
  EvaluatedMetrics?: Record<string, number>;
  source?: 'builtin' | 'dqdl';
  column?: string;
  failedRowCount?: number;
  exampleRows?: number[];
}

/** What a report is made from: a DataQualityOutcome, or the rule results of a Glue run. */
export interface ValidationInput {
  ruleResults: readonly GlueRuleResultLike[];
  rowCount?: number;
  columns?: string[];
  extraColumns?: string[];
  /** The evaluation could not run (e.g. the Glue run failed): the report is FAILED with this error. */
  runError?: string;
}

export interface ReportOptions {
  /** Drift against the previous run; a `fail` status fails the report when its `failOnDrift` is set. */
  drift?: DriftReport;
  /**
   * The built-in ruleset that was merged into the Glue ruleset (`builtinRulesAsDqdl(config)`): Glue
   * results whose rule it contains are marked `builtin`. Results that carry a `source` keep it.
   */
  builtinDqdl?: string;
}

/**
 * Build the validation report from the local evaluator's outcome or from Glue's rule results.
 * FAILED when any rule is FAIL or ERROR, when the run itself failed, or when drift fails with failOnDrift.
 * @example toValidationReport(await evaluateDataset({ input, ruleset, config }), { drift })
 * @example toValidationReport({ ruleResults: result.RuleResults ?? [] }, { builtinDqdl: builtinRulesAsDqdl(config) })
 */
export function toValidationReport(
  input: ValidationInput | readonly GlueRuleResultLike[],
  options: ReportOptions = {},
): ValidationReport {
  const source: ValidationInput = isResultList(input) ? { ruleResults: input } : input;
  const builtin = new Set(options.builtinDqdl ? parseDqdl(options.builtinDqdl).rules.map((r) => r.text) : []);
  const rules = source.ruleResults.map((r) => toReportRule(r, builtin));
  const failedRules = rules.filter((r) => r.result !== 'PASS').length;
  const driftFailed = options.drift?.status === 'fail' && options.drift.failOnDrift;
  const failed = failedRules > 0 || source.runError !== undefined || driftFailed;
  return compact({
    status: failed ? 'FAILED' : 'PASSED',
    rowCount: source.rowCount ?? rowCountOf(rules),
    columns: source.columns,
    extraColumns: source.extraColumns,
    rules,
    failedRules,
    error: source.runError,
    drift: options.drift,
  });
}

/** The row count a rule measured (`Dataset.*.RowCount`, as Glue's RowCount rule reports it), when no count is given. */
function rowCountOf(rules: readonly ReportRule[]): number | undefined {
  return rules
    .map((r) => r.metrics['Dataset.*.RowCount'])
    .find((n) => n !== undefined && Number.isInteger(n) && n >= 0);
}

function isResultList(input: ValidationInput | readonly GlueRuleResultLike[]): input is readonly GlueRuleResultLike[] {
  return Array.isArray(input);
}

function toReportRule(r: GlueRuleResultLike, builtin: ReadonlySet<string>): ReportRule {
  const text = r.Description ?? r.Name ?? 'unnamed rule';
  const parsed = parseRuleText(text);
  const status = RuleResultStatusSchema.safeParse(r.Result);
  return compact({
    name: text,
    id: r.Name,
    source: r.source ?? sourceOf(parsed?.text ?? text.trim(), builtin),
    result: status.success ? status.data : 'ERROR',
    column: r.column ?? columnOf(parsed),
    message: r.EvaluationMessage ?? (status.success ? '' : `unknown result ${JSON.stringify(r.Result)}`),
    failedRowCount: r.failedRowCount,
    exampleRows: r.exampleRows?.slice(0, 5),
    metrics: r.EvaluatedMetrics ?? {},
  });
}

function sourceOf(canonicalText: string, builtin: ReadonlySet<string>): RuleSource {
  return builtin.has(canonicalText) ? 'builtin' : 'dqdl';
}

function columnOf(rule: RuleNode | undefined): string | undefined {
  return rule?.kind === 'rule' ? rule.columns[0] : undefined;
}
