import { GetDataQualityResultCommand, GetDataQualityRulesetEvaluationRunCommand, type DataQualityRuleResult } from '@aws-sdk/client-glue';
import * as z from 'zod/mini';
import { builtinRulesAsDqdl, toValidationReport, type ValidationReport } from '@mlops/data-quality';
import { layout, nextWait, POLLING, RunStateSchema, ValidationStateSchema, type ValidationState } from '@mlops/core';
import { putJson } from '@mlops/clients';
import { MetricUnit, runConfig, type Deps } from '@mlops/lambda-kit';
import { inputHeader, usableHeader } from '../../lib/inputHeader';

export const CheckValidationEvent = z.extend(RunStateSchema, { validation: ValidationStateSchema });
export type CheckValidationEvent = z.infer<typeof CheckValidationEvent>;

const WAITING = new Set(['STARTING', 'RUNNING', 'STOPPING']);

const SUMMARY_RULES = 5;
/** Messages of rules that could not be judged because of another failure (no header, unreadable file, no rows). */
const NOT_EVALUATED = /^(not evaluated|no rows to evaluate)/;

/**
 * One line naming what failed, for notifications and the state payload: the causes first (failed rules, then rules
 * that could not run for a reason of their own), each with its rule, message, offending count and example rows;
 * rules left unjudged because of another failure are only counted. Extra columns are named.
 */
export function reportSummary(report: ValidationReport): string {
  const extra = report.extraColumns?.length ? `; extra columns (ignored): ${report.extraColumns.join(', ')}` : '';
  const failed = report.rules.filter((r) => r.result !== 'PASS');
  if (failed.length === 0) return `all ${report.rules.length} rules passed${extra}`;
  const unjudged = failed.filter((r) => r.result === 'ERROR' && NOT_EVALUATED.test(r.message));
  const causes = failed.length > unjudged.length ? failed.filter((r) => !unjudged.includes(r)) : failed;
  const ordered = [...causes.filter((r) => r.result === 'FAIL'), ...causes.filter((r) => r.result !== 'FAIL')];
  const listed = ordered.slice(0, SUMMARY_RULES).map((r) => `${r.name} (${r.message})`);
  if (ordered.length > SUMMARY_RULES) listed.push(`${ordered.length - SUMMARY_RULES} more`);
  const skipped = causes === failed || unjudged.length === 0 ? '' : `, ${unjudged.length} of them not evaluated because of the others`;
  return `${failed.length} of ${report.rules.length} rules failed${skipped}: ${listed.join('; ')}${extra}`.slice(0, 2000);
}

/**
 * Wait for the Glue Data Quality run, then turn its per-rule results into the validation report (the same shape the
 * local evaluator produces), store it next to the run and tell the state machine PASSED or FAILED.
 * A run Glue could not complete (an unreadable file) is a validation failure, not a pipeline error.
 */
export async function checkValidation(state: CheckValidationEvent, deps: Deps): Promise<ValidationState> {
  const { clients, env, logger } = deps;
  const v = state.validation;
  const run = await clients.glue.send(new GetDataQualityRulesetEvaluationRunCommand({ RunId: v.evaluationRunId }));
  if (WAITING.has(run.Status ?? 'RUNNING')) {
    const attempt = v.attempt + 1;
    return { ...v, status: 'RUNNING', attempt, waitSeconds: nextWait(attempt, POLLING.glue) };
  }
  let ruleResults: DataQualityRuleResult[] = [];
  let runError: string | undefined;
  if (run.Status === 'SUCCEEDED') {
    for (const resultId of run.ResultIds ?? []) {
      const result = await clients.glue.send(new GetDataQualityResultCommand({ ResultId: resultId }));
      ruleResults = ruleResults.concat(result.RuleResults ?? []);
    }
  } else {
    runError = `Glue Data Quality run ${run.Status}: ${run.ErrorString ?? 'no error message'}`;
  }
  const config = await runConfig(state, deps);
  // Glue's results do not list the file's columns: the header (first 64 KiB of the input) does, for both paths.
  const columns = usableHeader(await inputHeader(state, deps), config);
  const extraColumns = columns?.filter((c) => !(c in config.dataset.columns));
  const input = { ruleResults: ruleResults as never, runError, columns, extraColumns };
  const report = toValidationReport(input, { builtinDqdl: builtinRulesAsDqdl(config) });
  const reportKey = layout.validationReport(state.pipeline, state.runId);
  await putJson(clients.s3, env.need('ARTIFACTS_BUCKET'), reportKey, report);
  const summary = runError ?? reportSummary(report);
  const validationMetric = deps.metrics.singleMetric();
  validationMetric.addDimensions({ pipeline: state.pipeline });
  if (report.rowCount !== undefined) validationMetric.addMetric('RowsValidated', MetricUnit.Count, report.rowCount);
  validationMetric.addMetric('RulesFailed', MetricUnit.Count, report.failedRules);
  logger.info('validation finished', { status: report.status, failedRules: report.failedRules });
  return { ...v, status: report.status, attempt: v.attempt + 1, waitSeconds: 0, reportKey, failedRules: report.failedRules, summary };
}
