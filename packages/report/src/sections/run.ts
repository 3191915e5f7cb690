import type { Chart } from '../charts/vega';
import { badge, esc, figure, ms, num, section, table } from '../html';
import type { RunRecord, Trial, ValidationReport } from '../types';

/** The Succeed/Fail state each outcome ends in (state-machines/pipeline.asl.yml). */
const TERMINAL: Record<string, string> = {
  published: 'Published',
  rejected: 'Rejected',
  'invalid-data': 'InvalidData',
  failed: 'PipelineFailed',
};

export function outcomeBadge(status: string): string {
  const tone = status === 'published' ? 'ok' : status === 'rejected' ? 'warn' : 'bad';
  return badge(status.toUpperCase(), tone);
}

/** Title bar: run, pipeline, outcome, times. */
export function header(record: RunRecord): string {
  const meta = [
    `pipeline <code>${esc(record.pipeline)}</code>`,
    `started ${esc(record.startedAt ?? '–')}`,
    `took ${ms(record.durationMs)}`,
    record.stateTransitions ? `${record.stateTransitions} state transitions` : '',
    record.trigger?.type ? `trigger ${esc(record.trigger.type)}` : '',
  ].filter(Boolean);
  return `<h1>Run ${esc(record.runId)} <span class="outcome">${outcomeBadge(record.status)}</span></h1><div class="meta">${meta.join(' · ')}</div>`;
}

function failureNote(record: RunRecord): string {
  const e = record.error;
  if (!e) return '';
  return `<p>${badge('failure', 'bad')} in <code>${esc(e.state ?? 'an unknown state')}</code>: <b>${esc(e.error)}</b> ${esc(e.cause ?? '')}</p>`;
}

/** The states the execution went through, in order, with the time spent in each. */
export function pathSection(record: RunRecord, stagesChart: Chart | null): string {
  const stages = record.stages ?? [];
  const chain = stages
    .map((s) => `<span class="state${s.status === 'failed' ? ' failed' : ''}">${esc(s.name)}</span>`)
    .concat(`<span class="state">${esc(TERMINAL[record.status] ?? record.status)}</span>`)
    .join('<span class="arrow">→</span>');
  const rows = stages.map((s) => [
    esc(s.name),
    esc(s.type ?? ''),
    esc(s.status),
    `<span class="mono">${s.entries}</span>`,
    ms(s.durationMs),
  ]);
  const body = [
    `<p class="outcome">Outcome: ${outcomeBadge(record.status)} — ended in <code>${esc(TERMINAL[record.status] ?? record.status)}</code> after ${ms(record.durationMs)}.</p>`,
    failureNote(record),
    `<div class="path">${chain}</div>`,
    `<div class="charts">${figure(stagesChart)}</div>`,
    `<details><summary>every state (${stages.length})</summary>${table(['state', 'type', 'status', 'entries', 'time'], rows, 'num')}</details>`,
  ];
  return section('path', 'Pipeline path', body.join('\n'));
}

function ruleRow(r: ValidationReport['rules'][number]): string[] {
  const tone = r.result === 'PASS' ? 'ok' : 'bad';
  return [
    esc(r.name),
    esc(r.source),
    badge(r.result, tone),
    esc(r.column ?? ''),
    r.failedRowCount === undefined ? '' : String(r.failedRowCount),
    esc(r.exampleRows?.join(', ') ?? ''),
    esc(r.message),
  ];
}

const RULE_HEAD = ['rule', 'source', 'result', 'column', 'offending rows', 'example rows', 'message'];

function bySource(report: ValidationReport): string {
  const sources = [...new Set(report.rules.map((r) => r.source))];
  const rows = sources.map((source) => {
    const rules = report.rules.filter((r) => r.source === source);
    const count = (result: string) => String(rules.filter((r) => r.result === result).length);
    return [
      esc(source === 'builtin' ? 'built-in checks' : 'pipeline DQDL'),
      String(rules.length),
      count('PASS'),
      count('FAIL'),
      count('ERROR'),
    ];
  });
  return table(['rules', 'total', 'PASS', 'FAIL', 'ERROR'], rows, 'num');
}

const driftTone = (status: string) => (status === 'ok' ? 'ok' : status === 'warn' ? 'warn' : 'bad');

function driftBlock(d: NonNullable<ValidationReport['drift']>): string {
  const rows = [...d.columns]
    .sort((a, b) => b.psi - a.psi)
    .map((c) => [esc(c.column), esc(c.kind), num(c.psi, 4), badge(c.status, driftTone(c.status))]);
  return (
    `<h3>Drift against the last accepted dataset ${badge(d.status, driftTone(d.status))}</h3>` +
    `<p class="note">PSI warn ≥ ${d.psiWarn}, fail ≥ ${d.psiFail}${d.failOnDrift ? ' (fails validation)' : ''}</p>` +
    `<details><summary>PSI per column (${rows.length})</summary>${table(['column', 'kind', 'PSI', 'status'], rows, 'num')}</details>`
  );
}

/** Every rule with its result; failed ones first and always visible. */
export function validationSection(record: RunRecord, report: ValidationReport | null): string {
  if (!report)
    return section(
      'validation',
      'Validation',
      `<p class="note">No validation report: ${esc(record.validation?.summary ?? 'validation did not run.')}</p>`,
    );
  const failed = report.rules.filter((r) => r.result !== 'PASS');
  const passed = report.rules.length - failed.length;
  const parts = [
    `<p>${badge(report.status, report.status === 'PASSED' ? 'ok' : 'bad')} ${passed} of ${report.rules.length} rules passed` +
      `${report.rowCount !== undefined ? ` on ${report.rowCount} rows` : ''}${record.validation?.rulesetName ? ` (ruleset <code>${esc(record.validation.rulesetName)}</code>)` : ''}.</p>`,
    bySource(report),
    report.error ? `<p>${badge('error', 'bad')} ${esc(report.error)}</p>` : '',
    report.extraColumns?.length
      ? `<p class="note">Columns not in the config (allowed): ${esc(report.extraColumns.join(', '))}</p>`
      : '',
    failed.length ? `<h3>Failed rules</h3>${table(RULE_HEAD, failed.map(ruleRow), 'rules')}` : '',
    `<details><summary>all ${report.rules.length} rules</summary>${table(RULE_HEAD, report.rules.map(ruleRow), 'rules')}</details>`,
  ];
  if (report.drift) parts.push(driftBlock(report.drift));
  return section('validation', 'Validation', parts.join('\n'));
}

const hp = (h: Record<string, string>) =>
  esc(
    Object.entries(h)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  );

/** Trials, their objective and hyperparameters, and the best one. */
export function tuningSection(record: RunRecord, trials: Trial[], trialsChart: Chart | null): string {
  if (!record.tuning) return section('tuning', 'Tuning', '<p class="note">The run stopped before tuning.</p>');
  const candidate = record.scoring?.candidate;
  const bestName = candidate?.trainingJobName;
  const rows = trials.map((t, i) => {
    const isBest = t.name === bestName;
    return [
      String(i + 1),
      `<span class="mono">${esc(t.name)}</span>${isBest ? ` ${badge('best', 'info')}` : ''}`,
      badge(t.status, t.status === 'Completed' ? 'ok' : 'bad'),
      num(t.objective, 4),
      hp(t.hyperparameters),
      ms(t.durationMs ?? undefined),
      esc(t.failureReason ?? ''),
    ];
  });
  const objectiveName = candidate?.hyperparameters?._tuning_objective_metric ?? 'objective';
  const parts = [
    `<p>Tuning job <code>${esc(record.tuning.names?.[0] ?? '–')}</code>${record.tuning.parent ? `, warm-started from <code>${esc(record.tuning.parent)}</code>` : ''}: ${trials.length} trials, ${trials.filter((t) => t.status === 'Completed').length} completed.</p>`,
    candidate
      ? `<p>Best: <code>${esc(bestName)}</code> — ${esc(objectiveName)} ${num(candidate.objective, 4)} — <b>${hp(candidate.hyperparameters ?? {})}</b></p>`
      : '',
    `<div class="charts">${figure(trialsChart)}</div>`,
    table(['#', 'training job', 'status', esc(objectiveName), 'hyperparameters', 'time', 'failure'], rows, 'trials'),
  ];
  return section('tuning', 'Tuning', parts.join('\n'));
}

const s3 = (bucket: string | undefined, key: string | undefined) =>
  key ? `<code>s3://${esc(bucket ?? '?')}/${esc(key)}</code>` : '–';
const code = (value: string | undefined | null, otherwise = '–') => (value ? `<code>${esc(value)}</code>` : otherwise);

function datasetCell(d: RunRecord['dataset']): string {
  return d ? `${s3(d.bucket, d.key)} version ${code(d.versionId)} etag ${code(d.etag)}` : '–';
}

function tuningCell(tuning: RunRecord['tuning']): string {
  const parent = tuning?.parent ? ` (warm start: ${code(tuning.parent)})` : '';
  return `${code(tuning?.names?.[0])}${parent}`;
}

function packageCell(reg: RunRecord['registration']): string {
  return reg?.modelPackageArn
    ? `${code(reg.modelPackageArn)} (${esc(reg.approvalStatus ?? 'PendingManualApproval')})`
    : '–';
}

function predictionsCell(p: RunRecord['predictions'], artifacts: string | undefined): string {
  return p?.prefix ? `${s3(artifacts, p.prefix)} — ${p.rows ?? '?'} rows` : '–';
}

/** Where every input and output of the run is. */
export function lineageSection(record: RunRecord, artifacts: string | undefined): string {
  const { scoring } = record;
  const rows: [string, string][] = [
    ['dataset', datasetCell(record.dataset)],
    [
      'rows scored after acceptance',
      record.scoreData ? s3(record.scoreData.bucket, record.scoreData.key) : 'the dataset itself',
    ],
    ['validation report', s3(artifacts, record.validation?.reportKey)],
    ['preparation job', code(record.preparation?.names?.[0])],
    ['tuning job', tuningCell(record.tuning)],
    ['candidate model', code(scoring?.candidate?.modelDataUrl)],
    ['champion compared with', code(scoring?.champion?.modelPackageArn, 'none (first model)')],
    ['evaluation evidence', s3(artifacts, record.evaluation?.evidenceKey)],
    ['model package', packageCell(record.registration)],
    ['predictions', predictionsCell(record.predictions, artifacts)],
    ['run record', code(record.recordUri)],
    ['execution', code(record.executionArn)],
  ];
  return section(
    'lineage',
    'Lineage',
    table(
      ['what', 'where'],
      rows.map(([k, v]) => [esc(k), v]),
      'lineage',
    ),
  );
}

/** The run's cost estimate, line by line. */
export function costSection(record: RunRecord): string {
  const estimate = record.cost?.estimate;
  if (!estimate) return section('cost', 'Cost estimate', '<p class="note">No cost estimate in the run record.</p>');
  const rows = estimate.lines.map((l) => [esc(l.item), `${l.quantity} ${esc(l.unit)}`, `$${l.usd.toFixed(4)}`]);
  rows.push(['<b>total</b>', '', `<b>$${estimate.totalUsd.toFixed(4)}</b>`]);
  return section(
    'cost',
    'Cost estimate',
    `${table(['item', 'quantity', 'USD'], rows, 'num')}<p class="note">Estimated AWS list prices for ${esc(estimate.priceRegion)}, from the pipeline's config (not a bill).</p>`,
  );
}
