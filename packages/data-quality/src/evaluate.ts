import type { PipelineConfig } from '@mlops/core';
import { readCsv, type CsvInput } from './csv/reader';
import type { Ruleset } from './dqdl/ast';
import { parseDqdl } from './dqdl/parser';
import { EvaluationSession } from './evaluate/session';
import type { DataQualityOutcome } from './evaluate/types';

export interface EvaluateDatasetOptions {
  /** The CSV file: a Node readable stream or an async iterable of byte chunks. */
  input: CsvInput;
  /** The pipeline's DQDL rules, parsed or as text (`validation.rules` of a loaded config). */
  ruleset: Ruleset | string;
  config: PipelineConfig;
}

/**
 * Validate a CSV dataset in one streaming pass: the built-in checks every pipeline gets, then the
 * pipeline's DQDL rules, plus a per-column profile for drift. Memory is constant in the number of rows
 * except for rules that must remember values: IsUnique/Uniqueness/UniqueValueRatio/IsPrimaryKey (a Map of
 * each distinct value, which the built-in row-key check always uses) and DistinctValuesCount (a Set).
 * A file that cannot be read (invalid UTF-8, broken quoting) fails `ReadableCsv`; it does not throw.
 * DQDL errors do throw (`DqdlSyntaxError`) when the ruleset is given as text.
 * @example const outcome = await evaluateDataset({ input: createReadStream(path), ruleset: config.validation.rules, config })
 */
export async function evaluateDataset(options: EvaluateDatasetOptions): Promise<DataQualityOutcome> {
  const ruleset = typeof options.ruleset === 'string' ? parseDqdl(options.ruleset) : options.ruleset;
  const session = new EvaluationSession(options.config, ruleset);
  const read = await readCsv(options.input, session);
  return session.finish(read);
}
