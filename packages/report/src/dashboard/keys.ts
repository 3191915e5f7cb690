import { layout } from '@mlops/core';

/**
 * Keys of a run's dashboard in the artifacts bucket: next to its predictions, and the copy beside `latest.json`
 * (the newest published run's dashboard).
 * @example dashboardKeys('attrition', runId).run // predictions/pipeline=attrition/run=<runId>/dashboard.html
 */
export function dashboardKeys(pipeline: string, runId: string): { run: string; latest: string } {
  return {
    run: `${layout.predictions(pipeline, runId)}dashboard.html`,
    latest: `predictions/pipeline=${pipeline}/dashboard.html`,
  };
}
