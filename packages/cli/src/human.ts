import type { RunSummary } from '@mlops/local-runner';
import { BUDGETED_STAGES, type CostEstimate, type PipelineConfig } from '@mlops/core';
import { table } from './output';

type Json = Record<string, unknown>;
const fmt = (x: unknown, digits = 4) => (typeof x === 'number' ? x.toFixed(digits) : x === null || x === undefined ? '-' : String(x));

function validationLines(s: RunSummary): string[] {
  const report = s.validation?.report as Json | null | undefined;
  if (!report) return s.validation ? [`validation: ${String(s.validation.status)}`] : [];
  const rules = (report.rules as Json[] | undefined) ?? [];
  const failed = rules.filter((r) => r.result !== 'PASS' && r.result !== 'passed');
  const lines = [`validation: ${String(report.status)} — ${rules.length - failed.length}/${rules.length} rules passed${report.rowCount !== undefined ? `, ${String(report.rowCount)} rows` : ''}`];
  for (const rule of failed.slice(0, 10)) lines.push(`  FAIL ${String(rule.name)}: ${String(rule.message ?? '')}`);
  return lines;
}

function tuningLines(s: RunSummary): string[] {
  if (!s.tuning) return [];
  const trials = (s.tuning.trials as Json[]) ?? [];
  const best = s.tuning.best as Json | null;
  const completed = trials.filter((t) => t.status === 'Completed').length;
  const lines = [`tuning: ${trials.length} trials (${completed} completed)${s.tuning.warmStartParent ? `, warm-started from ${String(s.tuning.warmStartParent)}` : ''}`];
  if (best) lines.push(`  best ${String(best.trainingJobName)} objective ${fmt(best.objective)} ${JSON.stringify(best.hyperparameters)}`);
  return lines;
}

function evaluationLines(s: RunSummary): string[] {
  const e = s.evaluation;
  if (!e) return [];
  const metric = (r: unknown, name: string) => fmt(((r as Json | null)?.metrics as Json | undefined)?.[name]);
  const names = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'f1', 'precision', 'recall', 'accuracy'];
  const rows = names.map((n) => [n, metric(e.candidate, n), metric(e.champion, n), metric(e.baseline, n)]);
  return [
    `evaluation on the held-out test split (threshold ${fmt(e.threshold, 3)}):`,
    table(['metric', 'candidate', 'champion', 'baseline'], rows).replace(/^/gm, '  '),
    `decision: ${String(e.decision).toUpperCase()}`,
    ...((e.reasons as string[]) ?? []).map((r) => `  ${r}`),
  ];
}

function datasetLine(s: RunSummary): string[] {
  const d = s.dataset;
  if (!d) return [];
  return [`dataset: s3://${String(d.bucket)}/${String(d.key)} version ${fmt(d.versionId)} etag ${fmt(d.etag)} sha256 ${fmt(d.sha256)}`];
}

function approvalLines(s: RunSummary): string[] {
  const a = s.approval;
  if (!a) return [];
  return [`approval: ${String(a.status)}${a.decidedBy ? ` by ${String(a.decidedBy)}` : ''}${a.reason ? `: ${String(a.reason)}` : ''}`];
}

function notificationLines(s: RunSummary): string[] {
  if (s.notifications.length === 0) return [];
  return [
    `notifications published (${s.notifications.length}):`,
    ...s.notifications.flatMap((n) => [`  ${n.subject ?? '(no subject)'}`, ...n.message.split('\n').map((l) => `    ${l}`)]),
  ];
}

const dollars = (x: number) => `$${x.toFixed(4)}`;

/**
 * The run's estimated AWS cost per stage against its budgets, printed before the run starts: what this dataset would
 * cost on AWS at the list prices of prices.json (not what the local run costs: nothing).
 */
export function costEstimateLines(estimate: CostEstimate, budget: PipelineConfig['budget']): string {
  const { basis } = estimate;
  const rows: string[][] = BUDGETED_STAGES.map((stage) => {
    const limit = budget.stages[stage];
    const over = limit !== undefined && estimate.stages[stage] > limit;
    return [stage, dollars(estimate.stages[stage]), limit === undefined ? '-' : `${dollars(limit)}${over ? '  OVER' : ''}`];
  });
  rows.push(['orchestration', dollars(estimate.stages.orchestration), '-']);
  rows.push(['run total', dollars(estimate.totalUsd), `${dollars(budget.maxRunUsd)}${estimate.totalUsd > budget.maxRunUsd ? '  OVER' : ''}`]);
  const endpoint = basis.endpointHours === null ? '' : `, endpoint ${basis.endpointHours} instance-hours (first day)`;
  return [
    `estimated AWS cost (${estimate.priceRegion} list prices of ${estimate.pricesAsOf}; ${basis.rows} rows, ${basis.secondsPerTrial} s per trial${endpoint}, ~${basis.stateTransitions} state transitions):`,
    table(['stage', 'estimate', 'budget'], rows).replace(/^/gm, '  '),
  ].join('\n');
}

/** The end-of-run summary a person reads. */
export function humanSummary(s: RunSummary): string {
  const stages = s.stages.filter((st) => !/^(Wait|Is)/.test(st.name));
  const lines = [
    '',
    table(['state', 'status', 'ms', 'entries'], stages.map((st) => [st.name, st.status, st.durationMs, st.entries])),
    '',
    ...datasetLine(s),
    ...validationLines(s),
    ...tuningLines(s),
    ...evaluationLines(s),
  ];
  if (s.model) lines.push(`model: ${String(s.model.modelPackageArn)} (${String(s.model.approvalStatus)})`);
  lines.push(...approvalLines(s));
  if (s.predictions) lines.push(`predictions: ${String(s.predictions.rows)} rows in ${((s.predictions.files as string[] | undefined) ?? []).join(', ')}`);
  if (s.error) lines.push(`error in ${String(s.error.state ?? '?')}: ${String(s.error.error)}: ${String(s.error.cause ?? '')}`);
  lines.push(...notificationLines(s));
  // The estimate made before tuning (real row counts) when the run got that far, else StartRun's.
  const cost = ((s.cost?.beforeTuning ?? s.cost?.estimate) as Json | undefined)?.totalUsd;
  if (cost !== undefined) lines.push(`estimated AWS cost of this run: $${fmt(cost, 4)}`);
  lines.push(`run ${s.runId}: ${s.status.toUpperCase()}   (record: ${String(s.recordUri)}, workdir: ${s.workdir})`);
  return lines.join('\n');
}
