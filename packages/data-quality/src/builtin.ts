import type { ColumnType, PipelineConfig } from '@mlops/core';
import type { DqdlDataType } from './dqdl/ast';
import { formatRuleset, quoteDqdl } from './dqdl/format';
import type { RowDispatcher } from './evaluate/dispatch';
import { missingColumn } from './evaluate/outcomes';
import type { Evaluation, RuleEvaluator } from './evaluate/types';

/** The DQDL type a declared numeric column must cast to. */
const DQDL_TYPE: Partial<Record<ColumnType, DqdlDataType>> = { integer: 'INTEGER', number: 'DOUBLE' };

/** Columns the config declares numeric (integer or number). */
export function numericColumns(config: PipelineConfig): Set<string> {
  return new Set(Object.entries(config.dataset.columns).flatMap(([c, s]) => (DQDL_TYPE[s.type] ? [c] : [])));
}

/**
 * The built-in checks that DQDL can express, as rule texts. Without a header (the AWS Glue ruleset) they
 * cover the required columns; with the file's header (local evaluation) they also type-check the optional
 * numeric columns the file has, and skip checks of absent columns, whose ColumnExists already fails.
 */
export function builtinRuleTexts(config: PipelineConfig, header?: readonly string[]): string[] {
  const { columns, target, rowKey, positiveLabel, negativeLabel } = config.dataset;
  const q = quoteDqdl;
  const present = (c: string): boolean => (header ? header.includes(c) : (columns[c]?.required ?? true));
  const mustExist = Object.keys(columns).filter((c) => columns[c]?.required || c === target || c === rowKey);
  const typed = Object.keys(columns).filter((c) => DQDL_TYPE[columns[c]?.type ?? 'string'] && present(c));
  const complete = [...typed.filter((c) => columns[c]?.required), target, rowKey].filter(present);
  return [
    ...mustExist.map((c) => `ColumnExists ${q(c)}`),
    ...typed.map((c) => `ColumnDataType ${q(c)} = ${q(DQDL_TYPE[columns[c]?.type ?? 'string'] ?? 'STRING')}`),
    ...[...new Set(complete)].map((c) => `IsComplete ${q(c)}`),
    ...(present(rowKey) ? [`IsUnique ${q(rowKey)}`] : []),
    ...(present(target) ? [`ColumnValues ${q(target)} in [${q(positiveLabel)}, ${q(negativeLabel)}]`] : []),
  ];
}

/**
 * The built-in checks DQDL can express (ColumnExists, ColumnDataType, IsComplete, IsUnique on the row key,
 * ColumnValues of the target), as a DQDL document for AWS Glue, so that Glue evaluates the same rules.
 * The checks DQDL cannot express (readable CSV, header, rows per class) run only locally.
 * @example const ruleset = builtinRulesAsDqdl(config) // "Rules = [\n    ColumnExists \"Age\",\n ..."
 */
export function builtinRulesAsDqdl(config: PipelineConfig): string {
  return formatRuleset(builtinRuleTexts(config));
}

/** Description of the rows-per-class check (not DQDL: only the local evaluator runs it). */
export function rowsPerClassText(config: PipelineConfig): string {
  return `RowsPerClass ${quoteDqdl(config.dataset.target)} >= ${config.validation.minRowsPerClass}`;
}

/** Built-in: both target labels occur, each in at least `validation.minRowsPerClass` rows. */
export function rowsPerClassRule(config: PipelineConfig, dispatcher: RowDispatcher): RuleEvaluator {
  const { target, positiveLabel, negativeLabel } = config.dataset;
  const minimum = config.validation.minRowsPerClass;
  const counts = new Map([
    [positiveLabel, 0],
    [negativeLabel, 0],
  ]);
  const present = dispatcher.on(target, (cell) => {
    const label = cell.text();
    const n = counts.get(label);
    if (n !== undefined) counts.set(label, n + 1);
  });
  return {
    finish: ({ rowCount }): Evaluation => {
      if (!present) return missingColumn(target);
      const metrics = Object.fromEntries([...counts].map(([label, n]) => [`Column.${target}.ClassCount.${label}`, n]));
      const short = [...counts].filter(([, n]) => n < minimum);
      if (short.length === 0) return { result: 'PASS', metrics, column: target };
      if (rowCount === 0) {
        const message = `the file has a header but no data rows; each class needs at least ${minimum}`;
        return { result: 'FAIL', message, metrics, column: target };
      }
      const parts = short.map(([label, n]) => `class ${quoteDqdl(label)} has ${n} row${n === 1 ? '' : 's'}`);
      return {
        result: 'FAIL',
        message: `${parts.join(' and ')}; each class needs at least ${minimum}`,
        metrics,
        column: target,
      };
    },
  };
}
