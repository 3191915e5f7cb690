import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { ListTrainingJobsForHyperParameterTuningJobCommand } from '@aws-sdk/client-sagemaker';
import { GetExecutionHistoryCommand, type HistoryEvent, type HistoryEventType } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  ARTIFACTS,
  LONG_PIPELINE,
  runState,
  serveObjects,
  testDeps,
  TEST_ENV,
  writtenObjects,
} from '@mlops/lambda-kit/testing';
import { finishRun, type FinishRunEvent } from './finishRun';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:mlops-dev-pipeline:attrition-ea53e599f2baa4ba';
const T0 = Date.parse('2026-03-02T09:30:00.000Z');
const HPO = 'mlops-attrition-hpo-63dd53e6';

let id = 0;
function entered(name: string, second: number, type: HistoryEventType = 'TaskStateEntered'): HistoryEvent {
  return { id: ++id, type, timestamp: new Date(T0 + second * 1000), stateEnteredEventDetails: { name } };
}
function exited(name: string, second: number, type: HistoryEventType = 'TaskStateExited'): HistoryEvent {
  return { id: ++id, type, timestamp: new Date(T0 + second * 1000), stateExitedEventDetails: { name } };
}
function failed(second: number): HistoryEvent {
  return {
    id: ++id,
    type: 'LambdaFunctionFailed',
    timestamp: new Date(T0 + second * 1000),
    lambdaFunctionFailedEventDetails: { error: 'JobFailedError' },
  };
}

/** Two pages of history: StartRun, StartValidation, then two polls of the validation run. */
const PAGE_1 = [
  { id: ++id, type: 'ExecutionStarted' as const, timestamp: new Date(T0) },
  entered('StartRun', 0),
  exited('StartRun', 2),
  entered('StartValidation', 2),
  exited('StartValidation', 3),
  entered('WaitForValidation', 3, 'WaitStateEntered'),
  exited('WaitForValidation', 18, 'WaitStateExited'),
];
const PAGE_2 = [
  entered('CheckValidation', 18),
  exited('CheckValidation', 19),
  entered('WaitForValidation', 19, 'WaitStateEntered'),
  exited('WaitForValidation', 49, 'WaitStateExited'),
  entered('CheckValidation', 49),
  exited('CheckValidation', 51),
];

const trial = (name: string, minute: number, objective: number) => ({
  TrainingJobName: name,
  TrainingJobArn: `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${name}`,
  CreationTime: new Date(T0 + minute * 60_000),
  TrainingStartTime: new Date(T0 + minute * 60_000 + 30_000),
  TrainingEndTime: new Date(T0 + minute * 60_000 + 210_000),
  TrainingJobStatus: 'Completed' as const,
  TunedHyperParameters: { l2: String(objective / 10) },
  FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: objective },
});

function finished(
  outcome: FinishRunEvent['outcome'],
  extra: Record<string, unknown> = {},
  pipeline?: string,
): FinishRunEvent {
  return { outcome, executionArn: EXECUTION, state: { ...runState({ pipeline }), ...extra } };
}

function setUp(
  options: { env?: Record<string, string | undefined>; previous?: object; history?: HistoryEvent[][] } = {},
) {
  const t = testDeps({ env: options.env, now: new Date(T0 + 3_600_000) });
  const state = runState();
  serveObjects(t.mocks.s3, options.previous ? { [`s3://${ARTIFACTS}/${state.run.recordKey}`]: options.previous } : {});
  const [first = PAGE_1, second] = options.history ?? [PAGE_1, PAGE_2];
  t.mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: first, nextToken: second ? 'page-2' : undefined });
  if (second) t.mocks.sfn.on(GetExecutionHistoryCommand, { nextToken: 'page-2' }).resolves({ events: second });
  t.mocks.sagemaker.on(ListTrainingJobsForHyperParameterTuningJobCommand).resolves({
    TrainingJobSummaries: [trial(`${HPO}-002-bb`, 8, 0.81), trial(`${HPO}-001-aa`, 5, 0.78)],
    NextToken: 'trials-2',
  });
  t.mocks.sagemaker
    .on(ListTrainingJobsForHyperParameterTuningJobCommand, { NextToken: 'trials-2' })
    .resolves({ TrainingJobSummaries: [trial(`${HPO}-003-cc`, 11, 0.83)] });
  const record = () => JSON.parse(writtenObjects(t.mocks.s3).get(`s3://${ARTIFACTS}/${state.run.recordKey}`) ?? 'null');
  return { ...t, state, record };
}

const published = {
  tuning: { kind: 'tuning', names: [HPO], status: 'Completed', attempt: 9, waitSeconds: 0 },
  evaluation: { decision: 'accept', reasons: ['PASS floor roc_auc: 0.84 >= 0.72', 'PASS baseline: beats the prior'] },
  registration: {
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/4',
    version: 4,
    approvalStatus: 'PendingManualApproval',
  },
  published: { latestKey: 'predictions/pipeline=attrition/latest.json', rows: 1470 },
};

describe('finishRun', () => {
  it('reads the record, the whole history and every trial, then stores the record and notifies, in that order', async () => {
    // Prepare
    const { deps, sent } = setUp({
      previous: { startedAt: '2026-03-02T09:30:01.000Z', cost: { estimate: { totalUsd: 1.38 } } },
    });

    // Act
    await finishRun(finished('published', published), deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'GetExecutionHistoryCommand',
      'GetExecutionHistoryCommand',
      'ListTrainingJobsForHyperParameterTuningJobCommand',
      'ListTrainingJobsForHyperParameterTuningJobCommand',
      'PutObjectCommand',
      'PublishCommand',
    ]);
  });

  it('keeps what StartRun recorded and adds the outcome, timings, trials and the approved registration', async () => {
    // Prepare
    const { deps, record, state } = setUp({
      previous: { startedAt: '2026-03-02T09:30:01.000Z', cost: { estimate: { totalUsd: 1.38 } } },
    });

    // Act
    const result = await finishRun(finished('published', published), deps);

    // Assess
    expect(result).toEqual({ status: 'published', recordKey: state.run.recordKey });
    expect(record()).toMatchObject({
      runId: state.runId,
      status: 'published',
      cost: { estimate: { totalUsd: 1.38 } },
      startedAt: '2026-03-02T09:30:01.000Z',
      finishedAt: '2026-03-02T10:30:00.000Z',
      durationMs: 3_599_000,
      executionArn: EXECUTION,
      recordUri: `s3://${ARTIFACTS}/${state.run.recordKey}`,
      registration: { version: 4, approvalStatus: 'Approved' },
      predictions: { rows: 1470 },
      error: null,
    });
  });

  it("keeps the dataset's content hash StartRun recorded, and who decided on a manual approval", async () => {
    // Prepare
    const sha256 = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
    const approval = { status: 'approved', decidedBy: 'jane', decidedAt: '2026-03-02T10:00:00.000Z' };
    const { deps, record, state } = setUp({ previous: { dataset: { ...runState().dataset, sha256 }, approval } });

    // Act
    await finishRun(finished('published', published), deps);

    // Assess
    expect(record().dataset).toEqual({ ...state.dataset, sha256 });
    expect(record().approval).toEqual(approval);
  });

  it('times each state over all its entries, in the order first entered', async () => {
    // Prepare
    const { deps, record } = setUp();

    // Act
    await finishRun(finished('published', published), deps);

    // Assess
    expect(
      record().stages.map((s: { name: string; durationMs: number; entries: number }) => [
        s.name,
        s.durationMs,
        s.entries,
      ]),
    ).toEqual([
      ['StartRun', 2000, 1],
      ['StartValidation', 1000, 1],
      ['WaitForValidation', 45_000, 2],
      ['CheckValidation', 3000, 2],
    ]);
    expect(record().stateTransitions).toBe(6);
  });

  it('lists the tuning trials oldest first with their objective and duration', async () => {
    // Prepare
    const { deps, mocks, record } = setUp();

    // Act
    await finishRun(finished('published', published), deps);

    // Assess
    expect(mocks.sagemaker).toHaveReceivedCommandWith(ListTrainingJobsForHyperParameterTuningJobCommand, {
      HyperParameterTuningJobName: HPO,
    });
    expect(
      record().tuning.trials.map((t: { name: string; objective: number; durationMs: number }) => [
        t.name,
        t.objective,
        t.durationMs,
      ]),
    ).toEqual([
      [`${HPO}-001-aa`, 0.78, 180_000],
      [`${HPO}-002-bb`, 0.81, 180_000],
      [`${HPO}-003-cc`, 0.83, 180_000],
    ]);
  });

  it('notifies the topic with the outcome, the gate reasons and where the record is', async () => {
    // Prepare
    const { deps, mocks, state } = setUp();

    // Act
    await finishRun(finished('published', published), deps);

    // Assess
    const publish = mocks.sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish).toMatchObject({
      TopicArn: TEST_ENV.NOTIFY_TOPIC_ARN,
      Subject: '[mlops/dev] attrition published',
      MessageAttributes: {
        pipeline: { DataType: 'String', StringValue: 'attrition' },
        outcome: { DataType: 'String', StringValue: 'published' },
      },
    });
    expect(publish.Message).toContain(`Pipeline attrition run ${state.runId}: published.`);
    expect(publish.Message).toContain('  PASS floor roc_auc: 0.84 >= 0.72');
    expect(publish.Message).toContain(`Run record: s3://${ARTIFACTS}/${state.run.recordKey}`);
  });

  it('records the state where a failed run stopped, with the error and its cause', async () => {
    // Prepare
    const history = [
      ...PAGE_1,
      entered('StartTuning', 60),
      failed(61),
      exited('StartTuning', 61),
      entered('NotifyFailure', 61),
    ];
    const { deps, mocks, record } = setUp({ history: [history] });
    const error = {
      Error: 'JobFailedError',
      Cause: 'processing job mlops-attrition-prep-a870b7da failed: Failed: AlgorithmError',
    };

    // Act
    await finishRun(finished('failed', { error }), deps);

    // Assess
    expect(record().error).toEqual({ state: 'StartTuning', error: 'JobFailedError', cause: error.Cause });
    expect(record().stages.find((s: { name: string }) => s.name === 'StartTuning')).toMatchObject({ status: 'failed' });
    expect(record().tuning).toBeNull();
    expect(mocks.sagemaker).not.toHaveReceivedCommand(ListTrainingJobsForHyperParameterTuningJobCommand);
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(
      `Failed in StartTuning: JobFailedError: ${error.Cause}`,
    );
  });

  it('says why the data was invalid', async () => {
    // Prepare
    const { deps, mocks } = setUp({ history: [PAGE_1] });
    const validation = { status: 'FAILED', summary: '1 of 14 rules failed: IsUnique "EmployeeNumber" (duplicates)' };

    // Act
    await finishRun(finished('invalid-data', { validation }), deps);

    // Assess
    expect(mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain(validation.summary);
  });

  it('starts the clock at the trigger when StartRun wrote no record', async () => {
    // Prepare
    const { deps, record } = setUp({ history: [PAGE_1] });

    // Act
    await finishRun(finished('failed', { error: { Error: 'BudgetExceededError' } }), deps);

    // Assess
    expect(record()).toMatchObject({ startedAt: '2026-03-02T09:29:58Z', durationMs: 3_602_000, status: 'failed' });
  });

  it('stores the record but notifies no one when the stage has no topic', async () => {
    // Prepare
    const { deps, mocks, record } = setUp({ env: { NOTIFY_TOPIC_ARN: undefined } });

    // Act
    await finishRun(finished('rejected'), deps);

    // Assess
    expect(record().status).toBe('rejected');
    expect(mocks.sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('keeps the subject within the 100 characters SNS allows', async () => {
    // Prepare
    const { deps, mocks } = setUp({
      env: { PROJECT: 'machine-learning-platform', STAGE: 'feature-very-long-branch-name-for-testing' },
    });

    // Act
    await finishRun(finished('invalid-data', {}, LONG_PIPELINE), deps);

    // Assess
    const subject = mocks.sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).not.toMatch(/[\r\n]/);
  });
});
