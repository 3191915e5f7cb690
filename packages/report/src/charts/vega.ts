import { Error as VEGA_ERROR, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT } from '../style';

export type ChartSpec = TopLevelSpec;

/** One rendered chart: a stable id (the page's `data-chart`), its caption, and the SVG markup. */
export interface Chart {
  id: string;
  title: string;
  subtitle: string;
  svg: string;
}

/** A spec whose title becomes the HTML caption (Vega measures text by estimate in Node, so long titles pad the SVG). */
export type CaptionedSpec = ChartSpec & { title: { text: string; subtitle?: string } };

export { FONT };

/** Series colours shared by every chart (and the page's legend chips). */
export const MODEL_COLORS = { candidate: '#2563eb', champion: '#ea580c', baseline: '#9ca3af' } as const;

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 6,
  view: { stroke: '#e5e7eb' },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    gridColor: '#f1f5f9',
    domainColor: '#94a3b8',
    tickColor: '#94a3b8',
  },
  legend: { orient: 'bottom', labelFontSize: 11, titleFontSize: 11, direction: 'horizontal', labelLimit: 0 },
  header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

/**
 * Vega's SVG renderer numbers clip paths and gradients from a counter shared by every view, so two SVGs inlined in
 * one page could still collide when rendered by different processes; prefix every id with the chart's own id.
 */
function scopeIds(svg: string, scope: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${scope}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${scope}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${scope}-${id}"`);
}

/**
 * Compile a Vega-Lite spec and render it headless to an SVG string (no DOM, no canvas, no network: data is inline).
 * @example const svg = await renderSvg('roc', { data: { values }, mark: 'line', encoding: { ... } })
 */
export async function renderSvg(id: string, spec: ChartSpec): Promise<string> {
  const { spec: vegaSpec } = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as ChartSpec, {
    logger: logger(VEGA_ERROR),
  });
  const view = new View(parse(vegaSpec), { renderer: 'none', logLevel: VEGA_ERROR });
  try {
    return scopeIds(await view.toSVG(), `chart-${id}`);
  } finally {
    view.finalize();
  }
}

/** Render a chart spec into a {@link Chart}; its title is lifted out into the caption. */
export async function chart(id: string, spec: CaptionedSpec): Promise<Chart> {
  const { title, ...rest } = spec;
  const svg = await renderSvg(id, { description: title.text, ...rest } as ChartSpec);
  return { id, title: title.text, subtitle: title.subtitle ?? '', svg };
}
