import { featureEffects } from '../charts/run';
import type { Chart } from '../charts/vega';
import { MODEL_COLORS } from '../charts/vega';
import { badge, esc, figure, num, section, table } from '../html';
import type { Evidence, MetricsReport, ModelSummary, RunRecord } from '../types';

const METRICS = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'f1', 'precision', 'recall', 'accuracy'] as const;
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'brier']);

function ciText(report: MetricsReport | undefined): string {
  const ci = report?.ci.roc_auc;
  return ci ? `${num(ci.lower, 3)} – ${num(ci.upper, 3)}` : '–';
}

function delta(metric: string, candidate: number | undefined, champion: number | undefined): string {
  if (candidate === undefined || champion === undefined) return '–';
  const d = candidate - champion;
  const better = LOWER_IS_BETTER.has(metric) ? d < 0 : d > 0;
  const text = `${d >= 0 ? '+' : ''}${d.toFixed(4)}`;
  return d === 0 ? text : `<span style="color:${better ? '#15803d' : '#b91c1c'}">${text}</span>`;
}

const chip = (who: keyof typeof MODEL_COLORS) => `<span style="color:${MODEL_COLORS[who]}">●</span> ${who}`;

/** Candidate vs champion vs the prior-only baseline, with the bootstrap interval of ROC AUC. */
export function metricsTable(evidence: Evidence): string {
  const cand = evidence.candidate.report;
  const champ = evidence.champion?.report;
  const base = evidence.baseline;
  const rows = METRICS.filter((m) => cand.metrics[m] !== undefined).map((m) => [
    `${esc(m)}${LOWER_IS_BETTER.has(m) ? ' <span class="note">(lower is better)</span>' : ''}`,
    num(cand.metrics[m]),
    champ ? num(champ.metrics[m]) : '–',
    num(base.metrics[m]),
    delta(m, cand.metrics[m], champ?.metrics[m]),
  ]);
  rows.push([
    `roc_auc ${Math.round((cand.ci.roc_auc?.confidence ?? 0.95) * 100)}% CI`,
    ciText(cand),
    ciText(champ),
    '–',
    '',
  ]);
  rows.push([
    'threshold',
    num(cand.threshold.value),
    champ ? num(champ.threshold.value) : '–',
    num(base.threshold.value),
    '',
  ]);
  const head = ['metric', 'candidate', 'champion', 'baseline (prior)', 'Δ candidate − champion'];
  const ci = cand.ci.roc_auc;
  const note = ci
    ? `Bootstrap: ${ci.samples} stratified resamples of the ${cand.rows} test rows (${cand.positives} positive), percentile method, seed ${ci.seed}.`
    : 'No bootstrap interval was computed.';
  return `${table(head, rows, 'num metrics')}<p class="note">${esc(note)} Baseline: always predicts the training prevalence ${num(evidence.baselinePrior, 4)}.</p>`;
}

/** The gate's decision and every check it made. */
export function gateList(record: RunRecord, evidence: Evidence | null): string {
  const reasons =
    evidence?.gate.reasons.map((r) => ({ passed: r.passed, text: `${r.check}: ${r.detail}` })) ??
    (record.evaluation?.reasons ?? []).map((r) => ({
      passed: r.startsWith('PASS'),
      text: r.replace(/^(PASS|FAIL) /, ''),
    }));
  const decision = evidence?.gate.decision ?? record.evaluation?.decision ?? 'none';
  const items = reasons
    .map((r) => `<li>${badge(r.passed ? 'PASS' : 'FAIL', r.passed ? 'ok' : 'bad')} ${esc(r.text)}</li>`)
    .join('');
  return `<h3>Gate decision: ${badge(decision.toUpperCase(), decision === 'accept' ? 'ok' : 'bad')}</h3><ul class="reasons">${items}</ul>`;
}

/** Metrics, charts and the gate. */
export function evaluationSection(record: RunRecord, evidence: Evidence | null, charts: Chart[]): string {
  if (!evidence) {
    const body = record.evaluation ? gateList(record, null) : '<p class="note">The run stopped before evaluation.</p>';
    return section('evaluation', 'Evaluation', body);
  }
  const champion = evidence.champion
    ? `${chip('champion')} <code>${esc(evidence.champion.modelPackageArn ?? '')}</code>`
    : `no champion yet (first model of this pipeline): the candidate is compared with the baseline only`;
  const parts = [
    `<p>On the held-out test split (${evidence.rows.test} rows; threshold chosen on the ${evidence.rows.validation} validation rows). ` +
      `${chip('candidate')} <code>${esc(evidence.candidate.trainingJobName ?? '')}</code> · ${champion} · ${chip('baseline')} prior-only model.</p>`,
    gateList(record, evidence),
    metricsTable(evidence),
    `<div class="charts">${charts.map(figure).join('\n')}</div>`,
  ];
  return section('evaluation', 'Evaluation', parts.join('\n'));
}

/** Feature effects of the candidate, read from its model.json. */
export function featuresSection(model: ModelSummary | null, chart: Chart | null, source: string): string {
  if (!model) return section('features', 'Feature effects', '<p class="note">No candidate model artifact.</p>');
  const effects = featureEffects(model).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const logistic = model.modelType === 'logistic';
  const rows = effects.map((e) => [
    esc(e.feature),
    logistic ? num(e.value, 4) : String(e.value),
    logistic ? (e.value > 0 ? '↑ raises' : e.value < 0 ? '↓ lowers' : '·') : '',
  ]);
  const hp = Object.entries(model.hyperparameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const parts = [
    `<p class="note">Read from the candidate's model artifact (${esc(source)}, <code>model.json</code>): ${esc(model.modelType)} model, ${model.featureNames.length} encoded features, ${esc(hp)}.` +
      (logistic
        ? ` Intercept ${num(model.logistic?.intercept, 4)}. Numeric inputs are standardised (weight per standard deviation); categories are one-hot.`
        : '') +
      '</p>',
    `<div class="charts">${figure(chart)}</div>`,
    `<details><summary>every feature (${effects.length})</summary>${table(['feature', logistic ? 'coefficient' : 'splits', logistic ? 'direction' : ''], rows, 'num')}</details>`,
  ];
  return section('features', 'Feature effects', parts.join('\n'));
}
