// The predictions dashboard: streaming aggregation (`./aggregate`, no chart dependency) and the page renderer.
export * from './aggregate';
export { dashboardCharts, renderDashboard } from './render';
export { dashboardKeys } from './keys';
export { localDashboard } from './local';
