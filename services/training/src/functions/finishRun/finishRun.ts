import { ListTrainingJobsForHyperParameterTuningJobCommand, type HyperParameterTrainingJobSummary } from '@aws-sdk/client-sagemaker';
import { PublishCommand } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { ErrorInfoSchema, layout, RunInputSchema } from '@mlops/core';
import { getJsonIfExists, putJson } from '@mlops/clients';
import { MetricUnit, type Deps } from '@mlops/lambda-kit';
import { executionHistory, stageTimings } from './history';

export const FinishRunEvent = z.object({
  outcome: z.enum(['published', 'rejected', 'invalid-data', 'failed']),
  executionArn: z.string(),
  state: z.looseObject({ ...RunInputSchema.shape, error: z.optional(ErrorInfoSchema) }),
});
export type FinishRunEvent = z.infer<typeof FinishRunEvent>;

type Loose = Record<string, unknown> | undefined;

async function trials(deps: Deps, tuning: Loose) {
  const name = (tuning?.names as string[] | undefined)?.[0];
  if (!name) return [];
  const found: HyperParameterTrainingJobSummary[] = [];
  let token: string | undefined;
  do {
    const page = await deps.clients.sagemaker.send(
      new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name, MaxResults: 100, NextToken: token }),
    );
    found.push(...(page.TrainingJobSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return found
    .sort((a, b) => (a.CreationTime?.getTime() ?? 0) - (b.CreationTime?.getTime() ?? 0))
    .map((t) => ({
      name: t.TrainingJobName,
      status: t.TrainingJobStatus,
      objective: t.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? null,
      hyperparameters: t.TunedHyperParameters ?? {},
      durationMs: t.TrainingStartTime && t.TrainingEndTime ? t.TrainingEndTime.getTime() - t.TrainingStartTime.getTime() : null,
      failureReason: t.FailureReason ?? null,
    }));
}

function message(record: Record<string, unknown>, outcome: string): string {
  const lines = [`Pipeline ${record.pipeline} run ${record.runId}: ${outcome}.`];
  const evaluation = record.evaluation as { decision?: string; reasons?: string[] } | undefined;
  if (evaluation?.reasons) lines.push('Gate:', ...evaluation.reasons.map((r) => `  ${r}`));
  const error = record.error as { state?: string; error?: string; cause?: string } | undefined;
  if (error) lines.push(`Failed in ${error.state ?? 'an unknown state'}: ${error.error}: ${error.cause ?? ''}`.slice(0, 2000));
  const validation = record.validation as { summary?: string } | undefined;
  if (outcome === 'invalid-data' && validation?.summary) lines.push(validation.summary);
  lines.push(`Run record: ${record.recordUri}`);
  return lines.join('\n');
}

async function notify(deps: Deps, record: Record<string, unknown>, outcome: string, recordError: Error | undefined): Promise<void> {
  const topic = deps.env.get('NOTIFY_TOPIC_ARN');
  if (!topic) return;
  const pipeline = record.pipeline as string;
  const text = message(record, outcome);
  await deps.clients.sns.send(
    new PublishCommand({
      TopicArn: topic,
      Subject: `[${deps.env.project}/${deps.env.stage}] ${pipeline} ${outcome}`.slice(0, 100),
      Message: recordError ? `${text}\nThe run record could not be written: ${recordError.name}: ${recordError.message}` : text,
      MessageAttributes: {
        pipeline: { DataType: 'String', StringValue: pipeline },
        outcome: { DataType: 'String', StringValue: outcome },
      },
    }),
  );
}

/**
 * Neither failure loses the other: a rejected record write is still notified (then fails the task), and a failed
 * notification is written into the record without turning the run's outcome into a failure.
 */
async function storeAndNotify(deps: Deps, bucket: string, key: string, record: Record<string, unknown>, outcome: string): Promise<void> {
  const stored = await putJson(deps.clients.s3, bucket, key, record).then(() => undefined, (error: Error) => error);
  const notified = await notify(deps, record, outcome, stored).then(() => undefined, (error: Error) => error);
  if (stored) throw stored;
  if (notified) {
    const error = `${notified.name}: ${notified.message}`;
    deps.logger.error('run notification failed', { runId: record.runId as string, error });
    await putJson(deps.clients.s3, bucket, key, { ...record, notification: { status: 'failed', error } });
  }
}

/**
 * Close a run whatever its outcome: assemble the run record (lineage, per-state timings from the execution history,
 * tuning trials, evaluation, registration, predictions, failure state and cause), store it, and notify.
 */
export async function finishRun(event: FinishRunEvent, deps: Deps) {
  const { clients, env, now, logger } = deps;
  const { state, outcome } = event;
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const recordKey = layout.runRecord(state.pipeline, state.runId);
  const previous = (await getJsonIfExists<Record<string, unknown>>(clients.s3, artifacts, recordKey)) ?? {};
  const history = stageTimings(await executionHistory(deps, event.executionArn));
  const finishedAt = now();
  const startedAt = (previous.startedAt as string | undefined) ?? state.trigger.at;
  const record: Record<string, unknown> = {
    ...previous,
    runId: state.runId,
    pipeline: state.pipeline,
    status: outcome,
    startedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - new Date(startedAt).getTime(),
    executionArn: event.executionArn,
    trigger: state.trigger,
    dataset: { ...(previous.dataset as object | undefined), ...state.dataset },
    recordUri: `s3://${artifacts}/${recordKey}`,
    stages: history.stages,
    stateTransitions: history.transitions,
    validation: state.validation ?? null,
    preparation: state.preparation ?? null,
    tuning: state.tuning ? { ...(state.tuning as object), trials: await trials(deps, state.tuning as Loose) } : null,
    scoring: state.scoring ?? null,
    evaluation: state.evaluation ?? null,
    registration: state.registration ? { ...(state.registration as object), ...(state.published ? { approvalStatus: 'Approved' } : {}) } : null,
    predictions: state.published ?? null,
    // BuildDashboard's result: where the predictions dashboard is, or why it is missing (the run stays published).
    dashboard: state.dashboard ?? null,
    error: state.error ? { state: history.failedState, error: state.error.Error, cause: state.error.Cause ?? null } : null,
  };
  await storeAndNotify(deps, artifacts, recordKey, record, outcome);
  // CloudWatch (dashboard `<project>-<stage>-pipeline`): runs by outcome, run and per-state durations.
  const runMetric = deps.metrics.singleMetric();
  runMetric.addDimensions({ pipeline: state.pipeline, outcome });
  runMetric.addMetric('PipelineRuns', MetricUnit.Count, 1);
  runMetric.addMetric('RunDuration', MetricUnit.Seconds, (finishedAt.getTime() - new Date(startedAt).getTime()) / 1000);
  for (const timing of history.stages) {
    const stageMetric = deps.metrics.singleMetric();
    stageMetric.addDimensions({ pipeline: state.pipeline, stage: timing.name });
    stageMetric.addMetric('StageDuration', MetricUnit.Seconds, timing.durationMs / 1000);
  }
  logger.info('run finished', { runId: state.runId, outcome });
  return { status: outcome, recordKey };
}
