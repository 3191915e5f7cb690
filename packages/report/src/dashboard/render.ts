import type { Chart } from '../charts/vega';
import { esc, figure, num, page, section, table } from '../html';
import type { DashboardSummary } from './aggregate';
import { histogram, horizontalBars } from './svg';

const RISK = '#dc2626';
const BAR = '#2563eb';

/** Distribution of the predicted probability over every scored row. */
function riskChart(s: DashboardSummary): Chart {
  return histogram({
    id: 'risk',
    title: 'Risk distribution',
    subtitle: `predicted probability of ${s.rows} rows`,
    bins: s.histogram,
    xTitle: 'probability',
    yTitle: 'rows',
    color: RISK,
  });
}

/** Features ranked by mean |contribution| (logit scale) over all rows. */
function driversChart(s: DashboardSummary): Chart {
  return horizontalBars({
    id: 'drivers',
    title: 'Top drivers',
    subtitle: `mean |contribution| on the logit scale over all rows (top ${s.topK} per row kept)`,
    bars: s.drivers.slice(0, 15).map((d) => ({ label: d.feature, value: d.meanAbsContribution })),
    xTitle: 'mean |contribution|',
    color: BAR,
  });
}

/** Average probability per value of the segment column. */
function segmentChart(s: DashboardSummary): Chart | null {
  if (!s.segment || s.segment.groups.length === 0) return null;
  return horizontalBars({
    id: 'segment',
    title: `Risk by ${s.segment.column}`,
    subtitle: 'average probability; note: rows in the segment',
    bars: s.segment.groups.map((g) => ({ label: g.value, value: g.meanProbability, note: `${g.rows} rows` })),
    xTitle: 'average probability',
    color: RISK,
  });
}

/** Ids of the charts a dashboard of this summary holds, in page order. */
export function dashboardCharts(summary: DashboardSummary): string[] {
  return ['risk', 'drivers', ...(summary.segment && summary.segment.groups.length > 0 ? ['segment'] : [])];
}

function segmentTable(s: DashboardSummary): string {
  if (!s.segment) return '<p class="note">No segment column configured (<code>publish.segmentColumn</code>).</p>';
  const rows = s.segment.groups.map((g) => [
    esc(g.value),
    String(g.rows),
    num(g.meanProbability, 3),
    String(g.flagged),
  ]);
  const other =
    s.segment.otherGroups > 0
      ? `<p class="note">(other) sums ${s.segment.otherGroups}${s.segment.otherGroups > 30 ? '+' : ''} less frequent first-seen values.</p>`
      : '';
  return `${table([s.segment.column, 'rows', 'average probability', 'flagged'], rows, 'num')}${other}`;
}

/**
 * The predictions dashboard: one self-contained HTML page (inline CSS and SVG, no script, the run report's CSP).
 * Pure: everything comes from the aggregated summary.
 * @example const html = renderDashboard(await aggregatePredictions(batches, { pipeline, runId }))
 */
export function renderDashboard(
  summary: DashboardSummary,
  meta: { generatedAt?: string; source?: string } = {},
): string {
  const [risk, drivers, segment] = [riskChart(summary), driversChart(summary), segmentChart(summary)];
  const flaggedShare = summary.rows ? summary.flagged / summary.rows : 0;
  const header = `<h1>Predictions of ${esc(summary.pipeline)}</h1><div class="meta">run <code>${esc(summary.runId)}</code> · model version ${esc(summary.modelVersion || '–')} · ${summary.rows} rows${meta.generatedAt ? ` · generated ${esc(meta.generatedAt)}` : ''}</div>`;
  const overview = `${table(
    ['rows', 'average probability', 'flagged (label 1)', 'flagged share'],
    [
      [
        String(summary.rows),
        num(summary.meanProbability, 3),
        String(summary.flagged),
        `${(flaggedShare * 100).toFixed(1)}%`,
      ],
    ],
    'num',
  )}${meta.source ? `<p class="note">source: <code>${esc(meta.source)}</code></p>` : ''}`;
  const body = [
    section('overview', 'Overview', `${overview}<div class="charts">${figure(risk)}</div>`),
    section(
      'drivers',
      'Top drivers',
      `<div class="charts">${figure(drivers)}</div><p class="note">A feature counts 0 on rows where it is not among the row's top ${summary.topK} contributions, so values are lower bounds when the model has more features.</p>`,
    ),
    section(
      'segment',
      summary.segment ? `Risk by ${summary.segment.column}` : 'Risk by segment',
      `<div class="charts">${figure(segment)}</div>${segmentTable(summary)}`,
    ),
  ].join('\n');
  return page(
    `Predictions ${summary.pipeline} ${summary.runId}`,
    header,
    [
      ['overview', 'Overview'],
      ['drivers', 'Top drivers'],
      ['segment', 'Segments'],
    ],
    body,
  );
}
