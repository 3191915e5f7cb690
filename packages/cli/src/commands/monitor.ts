import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { getJsonIfExists, putText } from '@mlops/clients';
import { layout, loadPipelineConfig, MlopsError } from '@mlops/core';
import { LOCAL_BUCKETS, objectCreatedEvent, openLocalRuntime } from '@mlops/local-runner';
import { captureFunctionLogs, table } from '../output';

export interface MonitorOptions {
  /** A pipeline name, or its config file (pipelines/<name>.yml). */
  pipeline: string;
  /** The ground truth: a CSV with the pipeline's row key and target columns. */
  labels: string;
  workdir: string;
  trace?: string;
  /** Wait for a retraining it starts (default true). */
  wait?: boolean;
}

/** One model version's line of monitorModel's report (services/monitoring). */
export interface VersionLine {
  modelVersion: number;
  labelled: number;
  metric: string;
  evaluated: number | null;
  realised: number | null;
  drop: number | null;
  calibrationError: number | null;
  decayed: boolean;
}

/** The report monitorModel stores (services/monitoring), as the CLI reads it. */
export interface MonitorReport {
  pipeline: string;
  window: { start: string; end: string; days: number };
  labelKeys: string[];
  labelledKeys: number;
  versions: VersionLine[];
  decision: { retrain: boolean; reasons: string[] };
  retrain: { started: boolean; runId?: string; executionArn?: string; duplicate?: boolean; reason?: string } | null;
  reportKey: string;
}

/** What monitorModel answered, plus the retraining's outcome when it waited for it. */
export interface MonitorOutcome {
  monitored: boolean;
  reason?: string;
  labelsKey: string;
  report?: MonitorReport;
  retrain: { runId: string; executionArn: string; duplicate: boolean; status: string | null } | null;
  trace: { service: string; command: string; input: unknown }[];
}

/** Raised when the workdir has no deployed pipeline to monitor. */
export class NothingToMonitorError extends MlopsError {
  override readonly name = 'NothingToMonitorError';
}

async function pipelineName(pipeline: string): Promise<string> {
  if (/\.ya?ml$/.test(pipeline) && existsSync(pipeline)) return (await loadPipelineConfig(pipeline)).name;
  return pipeline;
}

/**
 * Check ground truth against the published model of a local workdir, as on AWS: upload the labels under
 * `<pipeline>/labels/`, let the real monitorModel handler join them to the published predictions, and — when it
 * starts a retraining (trigger `model-decay`) — wait for that run through the real state machine.
 * @example await monitorLocally({ pipeline: 'attrition', labels: 'outcomes.csv', workdir: '.work' })
 */
export async function monitorLocally(options: MonitorOptions): Promise<MonitorOutcome> {
  const name = await pipelineName(options.pipeline);
  const { cloud, invoker } = await openLocalRuntime({ workdir: options.workdir, trace: options.trace });
  const traceStart = cloud.trace.length;
  const s3 = cloud.s3 as never;
  if ((await getJsonIfExists(s3, LOCAL_BUCKETS.artifacts, layout.pipelineConfig(name))) === undefined) {
    throw new NothingToMonitorError(`no pipeline ${name} in ${resolve(options.workdir)}: run \`mlops run --pipeline … --workdir ${options.workdir}\` first`);
  }
  const key = `${name}/labels/${basename(options.labels)}`;
  await putText(s3, LOCAL_BUCKETS.data, key, await readFile(options.labels, 'utf8'), 'text/csv');
  const event = objectCreatedEvent(cloud, key);
  const result = (await invoker.invoke('monitorModel', event)) as Partial<MonitorReport> & { monitored: boolean; reason?: string };
  let retrain: MonitorOutcome['retrain'] = null;
  if (result.retrain?.started) {
    const { runId, executionArn, duplicate } = result.retrain as { runId: string; executionArn: string; duplicate: boolean };
    let status: string | null = null;
    if (options.wait !== false) {
      await cloud.sfn.waitFor(executionArn);
      const record = await getJsonIfExists<{ status?: string }>(s3, LOCAL_BUCKETS.artifacts, layout.runRecord(name, runId));
      status = record?.status ?? 'failed';
    }
    retrain = { runId, executionArn, duplicate, status };
  }
  const { monitored, reason, ...report } = result;
  return {
    monitored: Boolean(monitored),
    reason,
    labelsKey: key,
    report: monitored ? (report as MonitorReport) : undefined,
    retrain,
    trace: cloud.trace.slice(traceStart),
  };
}

const fixed = (value: unknown) => (typeof value === 'number' ? value.toFixed(4) : '—');

function printOutcome(outcome: MonitorOutcome): void {
  if (!outcome.monitored) {
    process.stdout.write(`not monitored: ${outcome.reason}\n`);
    return;
  }
  const report = outcome.report as MonitorReport;
  process.stdout.write(`${report.pipeline}: window ${report.window.start.slice(0, 10)} → ${report.window.end.slice(0, 10)}, ${report.labelledKeys} labelled keys\n`);
  const rows = report.versions.map((v) => [
    v.modelVersion,
    v.labelled,
    `${v.metric} ${fixed(v.evaluated)}`,
    fixed(v.realised),
    fixed(v.drop),
    fixed(v.calibrationError),
    v.decayed ? 'DECAYED' : 'ok',
  ]);
  process.stdout.write(`${table(['model', 'labelled', 'evaluated', 'realised', 'drop', 'calibration error', 'status'], rows)}\n`);
  for (const reason of report.decision.reasons) process.stdout.write(`retrain: ${reason}\n`);
  if (outcome.retrain) {
    const { runId, duplicate, status } = outcome.retrain;
    process.stdout.write(`retraining run ${runId}${duplicate ? ' (already started for these labels)' : ''}: ${status ?? 'started'}\n`);
  } else {
    process.stdout.write('no retraining needed\n');
  }
  process.stdout.write(`report: ${report.reportKey}\n`);
}

/** `mlops monitor --pipeline <p> --labels <file>`. */
export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description('check ground-truth labels against the published model of a workdir; retrain (trigger model-decay) when it decayed')
    .requiredOption('--pipeline <name|file>', 'pipeline name or its config file')
    .requiredOption('--labels <file.csv>', "CSV with the pipeline's row key and target columns")
    .option('--workdir <dir>', 'workdir of earlier runs', '.work')
    .option('--no-wait', 'do not wait for a retraining it starts')
    .option('--json', 'print the outcome as JSON')
    .action(async (flags: { pipeline: string; labels: string; workdir: string; wait: boolean; json?: boolean }) => {
      const logs = captureFunctionLogs(join(resolve(flags.workdir), 'logs', 'functions.log'), false);
      try {
        const { trace: _trace, ...outcome } = await monitorLocally({ ...flags, pipeline: flags.pipeline, labels: flags.labels });
        if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
        else printOutcome({ ...outcome, trace: [] });
        if (outcome.retrain?.status === 'failed') process.exitCode = 1;
      } finally {
        logs.end();
      }
    });
}
