/** Keys in the artifacts bucket. One place, so handlers, the CLI and the docs agree (docs/dev/contracts.md). */
export const layout = {
  pipelineConfig: (p: string) => `pipelines/${p}/config.json`,
  runPrefix: (p: string, runId: string) => `runs/${p}/${runId}/`,
  runRecord: (p: string, runId: string) => `runs/${p}/${runId}/record.json`,
  runConfigPrefix: (p: string, runId: string) => `runs/${p}/${runId}/config/`,
  runConfig: (p: string, runId: string) => `runs/${p}/${runId}/config/pipeline.json`,
  runInput: (p: string, runId: string) => `runs/${p}/${runId}/input/`,
  validationReport: (p: string, runId: string) => `runs/${p}/${runId}/validation/report.json`,
  validationProfile: (p: string, runId: string) => `runs/${p}/${runId}/validation/profile.json`,
  prepared: (p: string, runId: string) => `runs/${p}/${runId}/prepared/`,
  tuningOutput: (p: string, runId: string) => `runs/${p}/${runId}/tuning/`,
  scoring: (p: string, runId: string, who: 'candidate' | 'champion') => `runs/${p}/${runId}/scoring/${who}/`,
  evidence: (p: string, runId: string) => `runs/${p}/${runId}/evaluation/evidence.json`,
  evidenceRows: (p: string, runId: string) => `runs/${p}/${runId}/evaluation/evidence.csv`,
  predictions: (p: string, runId: string) => `predictions/pipeline=${p}/run=${runId}/`,
  latestPredictions: (p: string) => `predictions/pipeline=${p}/latest.json`,
  acceptedProfile: (p: string) => `datasets/${p}/accepted/profile.json`,
  runsOf: (p: string) => `runs/${p}/`,
  /** Realised metrics on ground truth (services/monitoring): one report per window start and model version. */
  monitoringWindow: (p: string, windowStart: string) => `monitoring/${p}/window=${windowStart.slice(0, 10)}/`,
  monitoringLatest: (p: string) => `monitoring/${p}/latest.json`,
};

/** `s3://bucket/key` */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Split an `s3://bucket/key` URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1] as string, key: match[2] as string };
}
