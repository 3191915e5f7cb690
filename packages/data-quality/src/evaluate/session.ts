import type { PipelineConfig } from '@mlops/core';
import { builtinRuleTexts, numericColumns, rowsPerClassRule, rowsPerClassText } from '../builtin';
import type { CsvReadResult, CsvSink } from '../csv/reader';
import type { CsvRow } from '../csv/row';
import type { RuleNode, Ruleset } from '../dqdl/ast';
import { formatRuleset } from '../dqdl/format';
import { parseDqdl } from '../dqdl/parser';
import { attachProfilers } from '../profile/profiler';
import type { Profile } from '../profile/schema';
import { compileRule } from './compile';
import { RowDispatcher } from './dispatch';
import { compact } from '../util';
import { FailureTracker } from './tracker';
import type { DataQualityOutcome, Evaluation, RuleEvaluator, RuleResult, RuleSource } from './types';

interface CompiledRule {
  name: string;
  description: string;
  source: RuleSource;
  column?: string;
  evaluator?: RuleEvaluator;
}

/** The column a rule names, when it names exactly one. */
function columnOfNode(node: RuleNode): string | undefined {
  return node.kind === 'rule' ? node.columns[0] : undefined;
}

/**
 * One pass over one dataset: receives the CSV header and rows (as a CsvSink), feeds the built-in checks,
 * the pipeline's DQDL rules and the profilers, then turns what they found into a DataQualityOutcome.
 */
export class EvaluationSession implements CsvSink {
  private headerFields: string[] | undefined;
  private rowFunction: (row: CsvRow, rowNumber: number) => void = () => {};
  private readonly badShapes = new FailureTracker();
  private rules: CompiledRule[] = [];
  private buildProfile: (rowCount: number) => Profile = (rowCount) => ({ rowCount, columns: {} });

  constructor(
    private readonly config: PipelineConfig,
    private readonly ruleset: Ruleset,
  ) {}

  header(fields: string[]): void {
    this.headerFields = fields;
    const dispatcher = new RowDispatcher(fields, numericColumns(this.config));
    const builtin = parseDqdl(formatRuleset(builtinRuleTexts(this.config, fields))).rules;
    this.rules = [
      ...builtin.map((node, i) => this.named('builtin', i + 3, node, compileRule(node, dispatcher))),
      this.named(
        'builtin',
        builtin.length + 3,
        rowsPerClassText(this.config),
        rowsPerClassRule(this.config, dispatcher),
      ),
      ...this.ruleset.rules.map((node, i) => this.named('dqdl', i + 1, node, compileRule(node, dispatcher))),
    ];
    this.buildProfile = attachProfilers(this.config, dispatcher);
    this.rowFunction = dispatcher.rowFunction();
  }

  row(row: CsvRow, rowNumber: number): void {
    if (row.count !== this.headerFields?.length) this.badShapes.add(rowNumber);
    this.rowFunction(row, rowNumber);
  }

  /** Judge every rule once the whole file has been read (or reading stopped on a failure). */
  finish(read: CsvReadResult): DataQualityOutcome {
    const header = this.headerFields ?? [];
    const context = { rowCount: read.rows, header };
    const blocked = read.failure
      ? `not evaluated: ${read.failure.message}`
      : read.headerSeen
        ? undefined
        : 'not evaluated: the file has no header';
    if (!read.headerSeen) this.rules = this.unevaluatedRules();
    const ruleResults = [
      toRuleResult(this.named('builtin', 1, 'ReadableCsv'), this.readable(read)),
      toRuleResult(this.named('builtin', 2, 'HeaderPresent'), this.headerCheck(read)),
      ...this.rules.map((rule) =>
        toRuleResult(rule, blocked || !rule.evaluator ? errorOf(blocked) : rule.evaluator.finish(context)),
      ),
    ];
    const declared = new Set(Object.keys(this.config.dataset.columns));
    return {
      status: ruleResults.every((r) => r.Result === 'PASS') ? 'PASSED' : 'FAILED',
      rowCount: read.rows,
      columns: header,
      extraColumns: header.filter((c) => !declared.has(c)),
      ruleResults,
      profile: this.buildProfile(read.rows),
    };
  }

  private named(source: RuleSource, index: number, rule: RuleNode | string, evaluator?: RuleEvaluator): CompiledRule {
    const name = `${source === 'builtin' ? 'Builtin' : 'Rule'}_${index}`;
    const compiled: CompiledRule = { name, description: typeof rule === 'string' ? rule : rule.text, source };
    const column = typeof rule === 'string' ? undefined : columnOfNode(rule);
    if (column !== undefined) compiled.column = column;
    if (evaluator) compiled.evaluator = evaluator;
    return compiled;
  }

  /** Without a header nothing could be compiled: list the rules that would have run, unevaluated. */
  private unevaluatedRules(): CompiledRule[] {
    const builtin = [...builtinRuleTexts(this.config), rowsPerClassText(this.config)];
    return [
      ...builtin.map((text, i) => this.named('builtin', i + 3, text)),
      ...this.ruleset.rules.map((node, i) => this.named('dqdl', i + 1, node)),
    ];
  }

  private readable(read: CsvReadResult): Evaluation {
    const metrics = { 'Dataset.*.RowCount': read.rows, 'Dataset.*.Bytes': read.bytes };
    if (read.failure)
      return {
        result: 'FAIL',
        message: read.failure.message,
        metrics,
        exampleRows: [read.failure.row].filter((r) => r > 0),
      };
    if (this.badShapes.count === 0) return { result: 'PASS', metrics };
    const width = this.headerFields?.length ?? 0;
    const message = `${this.badShapes.describe()} do not have the header's ${width} fields`;
    return { result: 'FAIL', message, metrics, ...this.badShapes.fields() };
  }

  private headerCheck(read: CsvReadResult): Evaluation {
    const header = this.headerFields;
    if (!read.headerSeen || !header) {
      return {
        result: 'FAIL',
        message: read.failure ? 'the header could not be read' : 'the file is empty',
        metrics: {},
      };
    }
    const problems = headerProblems(header, Object.keys(this.config.dataset.columns));
    const metrics = { 'Dataset.*.ColumnCount': header.length };
    return problems.length === 0
      ? { result: 'PASS', metrics }
      : { result: 'FAIL', message: problems.join('; '), metrics };
  }
}

/** What is wrong with a header: blank or repeated names, or no declared column at all (no header row). */
function headerProblems(header: string[], declared: string[]): string[] {
  const problems: string[] = [];
  const blanks = header.flatMap((name, i) => (name.trim() === '' ? [i + 1] : []));
  if (blanks.length > 0) problems.push(`blank column name at position ${blanks.join(', ')}`);
  const repeated = [...new Set(header.filter((name, i) => header.indexOf(name) !== i))];
  if (repeated.length > 0) problems.push(`repeated column names: ${repeated.map((n) => JSON.stringify(n)).join(', ')}`);
  if (!header.some((name) => declared.includes(name))) {
    problems.push('the first row names none of the declared columns: the file has no header row');
  }
  return problems;
}

function errorOf(message = 'not evaluated'): Evaluation {
  return { result: 'ERROR', message, metrics: {} };
}

function toRuleResult(rule: CompiledRule, evaluation: Evaluation): RuleResult {
  return compact({
    Name: rule.name,
    Description: rule.description,
    Result: evaluation.result,
    EvaluationMessage: evaluation.message,
    EvaluatedMetrics: evaluation.metrics,
    source: rule.source,
    column: evaluation.column ?? rule.column,
    failedRowCount: evaluation.failedRowCount,
    exampleRows: evaluation.exampleRows?.length ? evaluation.exampleRows : undefined,
  });
}
