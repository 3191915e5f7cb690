/** The font stack of every page and chart (charts rendered by Vega or by the dashboard's SVG module alike). */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
