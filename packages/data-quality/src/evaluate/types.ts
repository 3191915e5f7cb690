import type { Profile } from '../profile/schema';

/** Result of one rule, as AWS Glue reports it. */
export type RuleResultStatus = 'PASS' | 'FAIL' | 'ERROR';

/** Where a rule came from: checks every pipeline gets, or the pipeline's own DQDL. */
export type RuleSource = 'builtin' | 'dqdl';

/**
 * One rule's result: the fields of Glue's `DataQualityRuleResult` (Name, Description, Result,
 * EvaluationMessage, EvaluatedMetrics) plus where the rule came from and which rows failed it.
 */
export interface RuleResult {
  Name: string;
  Description: string;
  Result: RuleResultStatus;
  EvaluationMessage?: string;
  EvaluatedMetrics: Record<string, number>;
  source: RuleSource;
  column?: string;
  /** Rows that failed a row-level rule. */
  failedRowCount?: number;
  /** Up to 5 of those rows, as 1-based data row numbers (the header is not counted). */
  exampleRows?: number[];
}

/** Everything one pass over a dataset found. */
export interface DataQualityOutcome {
  status: 'PASSED' | 'FAILED';
  rowCount: number;
  /** Columns of the file's header, in file order. */
  columns: string[];
  /** Header columns the pipeline config does not declare (allowed; reported). */
  extraColumns: string[];
  ruleResults: RuleResult[];
  /** Per-column profile of the declared columns present in the file, for drift checks. */
  profile: Profile;
}

/** What a rule evaluator reports when the pass is over; the caller adds Name, Description and source. */
export interface Evaluation {
  result: RuleResultStatus;
  message?: string;
  metrics: Record<string, number>;
  column?: string;
  failedRowCount?: number;
  exampleRows?: number[];
}

/** What evaluators can see once every row has been read. */
export interface FinishContext {
  rowCount: number;
  header: readonly string[];
}

/** A compiled rule: it collects what it needs from the rows (through a RowDispatcher), then judges. */
export interface RuleEvaluator {
  finish(context: FinishContext): Evaluation;
}
