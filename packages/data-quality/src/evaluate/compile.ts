import type { CompositeRule, RuleNode, RuleType, SimpleRule } from '../dqdl/ast';
import { columnExistsRule, completenessRule, datasetRule, distinctValuesRule, statisticRule } from './aggregates';
import type { RowDispatcher } from './dispatch';
import { columnDataTypeRule, columnLengthRule, columnValuesRule } from './rowRules';
import type { Evaluation, RuleEvaluator } from './types';
import { uniquenessRule } from './uniqueness';

/**
 * Turn a parsed rule into an evaluator, registering the columns it reads with `dispatcher`.
 * Call after the header is known, before the first row.
 */
export function compileRule(node: RuleNode, dispatcher: RowDispatcher): RuleEvaluator {
  if (node.kind === 'composite')
    return compositeRule(
      node,
      node.rules.map((r) => compileRule(r, dispatcher)),
    );
  return compileSimple(node, dispatcher);
}

type Factory = (rule: SimpleRule, dispatcher: RowDispatcher) => RuleEvaluator;

/** The evaluator of each rule type. */
const FACTORIES: Record<RuleType, Factory> = {
  RowCount: datasetRule,
  ColumnCount: datasetRule,
  ColumnExists: columnExistsRule,
  IsComplete: completenessRule,
  Completeness: completenessRule,
  IsUnique: uniquenessRule,
  Uniqueness: uniquenessRule,
  UniqueValueRatio: uniquenessRule,
  IsPrimaryKey: uniquenessRule,
  DistinctValuesCount: distinctValuesRule,
  Mean: statisticRule,
  StandardDeviation: statisticRule,
  Sum: statisticRule,
  ColumnValues: columnValuesRule,
  ColumnLength: columnLengthRule,
  ColumnDataType: columnDataTypeRule,
};

function compileSimple(rule: SimpleRule, dispatcher: RowDispatcher): RuleEvaluator {
  return FACTORIES[rule.type](rule, dispatcher);
}

/**
 * `and`: FAIL when any part fails, else ERROR when any part errs, else PASS.
 * `or`: PASS when any part passes, else ERROR when any part errs, else FAIL.
 */
function compositeRule(node: CompositeRule, parts: RuleEvaluator[]): RuleEvaluator {
  return {
    finish: (context) => {
      const results = parts.map((p) => p.finish(context));
      const has = (r: Evaluation['result']): boolean => results.some((e) => e.result === r);
      const decisive = node.op === 'and' ? 'FAIL' : 'PASS';
      const result = has(decisive) ? decisive : has('ERROR') ? 'ERROR' : node.op === 'and' ? 'PASS' : 'FAIL';
      const evaluation: Evaluation = { result, metrics: Object.assign({}, ...results.map((e) => e.metrics)) };
      const messages = results.flatMap((e) => (e.message ? [e.message] : []));
      if (result !== 'PASS' && messages.length > 0) evaluation.message = messages.join('; ');
      const columns = new Set(results.map((e) => e.column));
      const [only] = columns;
      if (columns.size === 1 && only !== undefined) evaluation.column = only;
      return evaluation;
    },
  };
}
