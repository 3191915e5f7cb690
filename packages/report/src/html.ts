// No value import from the Vega module: the dashboard Lambda bundles this file without the Vega renderer.
import type { Chart } from './charts/vega';
import { FONT } from './style';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** A number for people: fixed decimals, or an en dash when absent. */
export function num(value: number | null | undefined, digits = 4): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Milliseconds as "850 ms" or "6.3 s". */
export function ms(value: number | null | undefined): string {
  if (typeof value !== 'number') return '–';
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** A pill: pass/fail/neutral. */
export function badge(text: string, tone: 'ok' | 'bad' | 'warn' | 'info'): string {
  return `<span class="badge ${tone}">${esc(text)}</span>`;
}

/** An HTML table; cells are already-escaped HTML. */
export function table(head: string[], rows: string[][], className = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A chart as a figure the page and its tests can find by `data-chart`. */
export function figure(chart: Chart | null | undefined): string {
  if (!chart) return '';
  const caption = `<figcaption><b>${esc(chart.title)}</b>${chart.subtitle ? `<span>${esc(chart.subtitle)}</span>` : ''}</figcaption>`;
  return `<figure class="chart" data-chart="${esc(chart.id)}">${caption}${chart.svg}</figure>`;
}

/** One section with an anchor. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

const CSS = `
:root { color-scheme: light; --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --ok:#15803d; --bad:#b91c1c; --warn:#b45309; --info:#1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 ${FONT}; color: var(--fg); background: var(--bg); }
header { background: #0f172a; color: white; padding: 20px 32px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header .meta { color: #cbd5e1; font-size: 13px; }
header .meta code { color: #e2e8f0; }
nav { padding: 8px 32px; background: white; border-bottom: 1px solid var(--line); font-size: 13px; position: sticky; top: 0; z-index: 1; }
nav a { color: var(--info); margin-right: 14px; text-decoration: none; }
main { padding: 8px 32px 40px; max-width: 1280px; }
section { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 16px 0 8px; }
p.note { color: var(--muted); margin: 6px 0; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
figure.chart { margin: 0; padding: 4px; width: fit-content; border: 1px solid var(--line); border-radius: 6px; background: white; }
figure.chart svg { display: block; }
figcaption { padding: 6px 8px 0; font-size: 13px; width: 0; min-width: calc(100% - 16px); }
figcaption span { display: block; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; }
td.n, table.num td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fef2f2; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.ok { background: #dcfce7; color: var(--ok); } .badge.bad { background: #fee2e2; color: var(--bad); }
.badge.warn { background: #fef3c7; color: var(--warn); } .badge.info { background: #dbeafe; color: var(--info); }
.outcome { font-size: 15px; }
.path { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin: 4px 0 12px; font-size: 12px; }
.path span.state { border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; background: #f8fafc; }
.path span.state.failed { border-color: var(--bad); background: #fee2e2; }
.path span.arrow { color: var(--muted); }
ul.reasons { list-style: none; padding: 0; margin: 6px 0; }
ul.reasons li { margin: 3px 0; }
details summary { cursor: pointer; color: var(--info); margin: 6px 0; }
.cols { display: flex; flex-wrap: wrap; gap: 24px; }
`;

/**
 * The whole page. A Content-Security-Policy forbids every fetch: the file works offline and loads nothing.
 */
export function page(title: string, header: string, nav: [string, string][], body: string): string {
  const links = nav.map(([id, label]) => `<a href="#${esc(id)}">${esc(label)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>${header}</header>
<nav>${links}</nav>
<main>
${body}
</main>
</body>
</html>
`;
}
