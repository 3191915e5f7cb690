import { GetDataQualityResultCommand, GetDataQualityRulesetEvaluationRunCommand, type DataQualityRuleResult } from '@aws-sdk/client-glue';
import { z } from 'zod';
import { builtinRulesAsDqdl, toValidationReport, type ValidationReport } from '@mlops/data-quality';
import { layout, nextWait, POLLING, RunStateSchema, ValidationStateSchema, type ValidationState } from '@mlops/core';
import { putJson } from '@mlops/clients';
import { runConfig, type Deps } from '@mlops/lambda-kit';

export const CheckValidationEvent = RunStateSchema.extend({ validation: ValidationStateSchema });
export type CheckValidationEvent = z.infer<typeof CheckValidationEvent>;

const WAITING = new Set(['STARTING', 'RUNNING', 'STOPPING']);

/** One line naming what failed, for notifications and the state payload. */
export function reportSummary(report: ValidationReport): string {
  const failed = report.rules.filter((r) => r.result !== 'PASS');
  if (failed.length === 0) return `all ${report.rules.length} rules passed`;
  return `${failed.length} of ${report.rules.length} rules failed: ${failed
    .slice(0, 5)
    .map((r) => `${r.name} (${r.message})`)
    .join('; ')}`.slice(0, 2000);
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
  const report = toValidationReport({ ruleResults: ruleResults as never, runError }, { builtinDqdl: builtinRulesAsDqdl(config) });
  const reportKey = layout.validationReport(state.pipeline, state.runId);
  await putJson(clients.s3, env.need('ARTIFACTS_BUCKET'), reportKey, report);
  const summary = runError ?? reportSummary(report);
  logger.info('validation finished', { status: report.status, failedRules: report.failedRules });
  return { ...v, status: report.status, attempt: v.attempt + 1, waitSeconds: 0, reportKey, failedRules: report.failedRules, summary };
}
