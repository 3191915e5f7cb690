/**
 * The dashboard's two chart shapes as plain SVG strings: a histogram and horizontal bars. Vega (the run report's
 * renderer) cannot be bundled into a CommonJS Lambda (top-level await in vega-canvas) and weighs ~1 MB; these two
 * shapes need only nice ticks (d3-array) and a few elements, in the run report's colours and font.
 */
import { nice, ticks } from 'd3-array';
import type { Chart } from '../charts/vega';
import { esc } from '../html';
import { FONT } from '../style';

const AXIS = '#94a3b8';
const GRID = '#f1f5f9';
const TEXT = '#374151';
const LABEL_PX = 6.2; // estimated width of one 11px character (no font metrics without a browser)

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface Bar {
  label: string;
  value: number;
  /** Text drawn after the bar's end. */
  note?: string;
}

interface Frame {
  id: string;
  title: string;
  subtitle: string;
  width: number;
  height: number;
  body: string[];
}

/** Decimals that show a tick step exactly (0.25 → 2, 20 → 0). */
function decimals(values: number[]): number {
  const step = values.length > 1 ? Math.abs((values[1] as number) - (values[0] as number)) : 1;
  return Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(content)}</text>`;
}

function svg(frame: Frame): Chart {
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" ` +
    `role="img" aria-label="${esc(frame.title)}" font-family='${FONT}' font-size="11" fill="${TEXT}">` +
    `<rect width="100%" height="100%" fill="white"/>${frame.body.join('')}</svg>`;
  return { id: frame.id, title: frame.title, subtitle: frame.subtitle, svg: markup };
}

/** A horizontal axis at `y` from `x0` to `x0 + w` for `domain`, with grid lines up to `top`. */
function xAxis(domain: [number, number], x0: number, w: number, y: number, top: number, title: string): string[] {
  const values = ticks(domain[0], domain[1], Math.max(2, Math.floor(w / 70)));
  const digits = decimals(values);
  const at = (v: number) => x0 + ((v - domain[0]) / (domain[1] - domain[0] || 1)) * w;
  return [
    ...values.map((v) => `<line x1="${at(v)}" x2="${at(v)}" y1="${top}" y2="${y}" stroke="${GRID}"/>`),
    `<line x1="${x0}" x2="${x0 + w}" y1="${y}" y2="${y}" stroke="${AXIS}"/>`,
    ...values.map(
      (v) =>
        `<line x1="${at(v)}" x2="${at(v)}" y1="${y}" y2="${y + 4}" stroke="${AXIS}"/>` +
        text(at(v), y + 15, v.toFixed(digits), 'text-anchor="middle"'),
    ),
    text(x0 + w / 2, y + 32, title, 'text-anchor="middle" font-size="12" font-weight="600"'),
  ];
}

/**
 * A histogram of counts over contiguous bins.
 * @example histogram({ id: 'risk', title: 'Risk distribution', subtitle: '', bins, xTitle: 'probability', yTitle: 'rows', color: '#dc2626' })
 */
export function histogram(o: {
  id: string;
  title: string;
  subtitle: string;
  bins: HistogramBin[];
  xTitle: string;
  yTitle: string;
  color: string;
}): Chart {
  const [left, top, plotW, plotH] = [52, 8, 420, 200];
  const first = o.bins[0]?.from ?? 0;
  const last = o.bins[o.bins.length - 1]?.to ?? 1;
  const yMax = nice(0, Math.max(1, ...o.bins.map((b) => b.count)), 5)[1];
  const yValues = ticks(0, yMax, 5).filter(Number.isInteger);
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const x = (v: number) => left + ((v - first) / (last - first || 1)) * plotW;
  const body = [
    ...yValues.map(
      (v) =>
        `<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="${GRID}"/>` +
        text(left - 6, y(v) + 4, String(v), 'text-anchor="end"'),
    ),
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="${AXIS}"/>`,
    text(
      14,
      top + plotH / 2,
      o.yTitle,
      `text-anchor="middle" font-size="12" font-weight="600" transform="rotate(-90 14 ${top + plotH / 2})"`,
    ),
    ...xAxis([first, last], left, plotW, top + plotH, top, o.xTitle),
    ...o.bins.map((b) => {
      const w = Math.max(0, x(b.to) - x(b.from) - 1);
      return `<rect x="${x(b.from).toFixed(1)}" y="${y(b.count).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plotH - y(b.count)).toFixed(1)}" fill="${o.color}" fill-opacity="0.85"><title>${esc(`${b.from.toFixed(2)}–${b.to.toFixed(2)}: ${b.count}`)}</title></rect>`;
    }),
  ];
  return svg({
    id: o.id,
    title: o.title,
    subtitle: o.subtitle,
    width: left + plotW + 16,
    height: top + plotH + 42,
    body,
  });
}

/**
 * Horizontal bars, one per label, in the given order, with an optional note after each bar.
 * @example horizontalBars({ id: 'drivers', title: 'Top drivers', subtitle: '', bars, xTitle: 'mean |contribution|', color: '#2563eb' })
 */
export function horizontalBars(o: {
  id: string;
  title: string;
  subtitle: string;
  bars: Bar[];
  xTitle: string;
  color: string;
}): Chart {
  const rowH = 20;
  const left = 12 + Math.ceil(Math.max(4, ...o.bars.map((b) => b.label.length)) * LABEL_PX);
  const noteW = Math.ceil(Math.max(0, ...o.bars.map((b) => (b.note ?? '').length)) * LABEL_PX * 0.9);
  const [top, plotW] = [6, 360];
  const plotH = Math.max(1, o.bars.length) * rowH;
  const max = Math.max(...o.bars.map((b) => b.value), 0);
  const end = max > 0 ? nice(0, max, 5)[1] : 1;
  const x = (v: number) => left + (v / end) * plotW;
  const body = [
    ...xAxis([0, end], left, plotW, top + plotH, top, o.xTitle),
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="${AXIS}"/>`,
    ...o.bars.map((b, i) => {
      const cy = top + i * rowH + rowH / 2;
      const bar = `<rect x="${left}" y="${(cy - rowH * 0.4).toFixed(1)}" width="${Math.max(0, x(b.value) - left).toFixed(1)}" height="${(rowH * 0.8).toFixed(1)}" rx="2" fill="${o.color}" fill-opacity="0.9"><title>${esc(`${b.label}: ${b.value.toPrecision(4)}`)}</title></rect>`;
      const note = b.note ? text(x(b.value) + 4, cy + 3.5, b.note, 'font-size="10"') : '';
      return text(left - 6, cy + 4, b.label, 'text-anchor="end"') + bar + note;
    }),
  ];
  return svg({
    id: o.id,
    title: o.title,
    subtitle: o.subtitle,
    width: left + plotW + noteW + 20,
    height: top + plotH + 42,
    body,
  });
}
