/* global module -- loaded by osls' ${file()} with require(): CommonJS on purpose */
'use strict';
/**
 * The stage's CloudWatch dashboard body (services/training/serverless.yml, PipelineDashboard): pipeline outcomes,
 * durations, data checks, model quality over time, realised quality from monitoring, job failures, SageMaker jobs.
 *
 * The handlers' metrics (Powertools, namespace `<project>-<stage>`, default dimension `service`) carry a `pipeline`
 * dimension, so the widgets use SEARCH expressions: every pipeline appears without redeploying the dashboard.
 * Metric names and dimensions are listed in docs/operations.md; keep both in step with the metric lines.
 */

const PERIOD = 3600;

/** `SEARCH('{"ns",dims} MetricName="name"', stat, period)` over the stage's namespace. */
function search(namespace, dims, name, stat, id, label) {
  const schema = [`"${namespace}"`, ...dims].join(',');
  return [{ expression: `SEARCH('{${schema}} MetricName="${name}"', '${stat}', ${PERIOD})`, id, label: label || '' }];
}

function widget(x, y, title, metrics, extra = {}) {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: '${AWS::Region}', view: 'timeSeries', stacked: false, period: PERIOD, metrics, ...extra },
  };
}

const states = (name, stat, id, label) => [
  'AWS/States',
  name,
  'StateMachineArn',
  '${PipelineStateMachine}',
  { stat, id, label, period: PERIOD },
];

/** The dashboard body as a Fn::Sub string (`${PipelineStateMachine}` is the state machine's ARN). */
function dashboardBody({ namespace, alarms }) {
  const ns = namespace;
  const widgets = [
    widget(0, 0, 'Pipeline runs by outcome', [
      ...search(ns, ['outcome', 'pipeline', 'service'], 'PipelineRuns', 'Sum', 'runs'),
      states('ExecutionsSucceeded', 'Sum', 'succeeded', 'executions succeeded'),
      states('ExecutionsFailed', 'Sum', 'failed', 'executions failed'),
      states('ExecutionsTimedOut', 'Sum', 'timedOut', 'executions timed out'),
    ]),
    widget(12, 0, 'Run and stage durations (seconds)', [
      ...search(ns, ['pipeline', 'service', 'stage'], 'StageDuration', 'Maximum', 'stages'),
      ['AWS/States', 'ExecutionTime', 'StateMachineArn', '${PipelineStateMachine}', { stat: 'Maximum', id: 'executionMs', visible: false }],
      [{ expression: 'executionMs / 1000', id: 'execution', label: 'execution time (max)' }],
    ]),
    widget(0, 6, 'Model quality: candidate ROC AUC and gate decisions', [
      ...search(ns, ['pipeline', 'service'], 'CandidateRocAuc', 'Maximum', 'auc', 'candidate ROC AUC'),
      ...search(ns, ['decision', 'pipeline', 'service'], 'GateDecisions', 'Sum', 'gate'),
    ]),
    widget(12, 6, 'Realised quality on ground truth (monitoring)', [
      ...search(ns, ['pipeline', 'service'], 'RealisedRocAuc', 'Minimum', 'realised', 'realised ROC AUC'),
      ...search(ns, ['pipeline', 'service'], 'MetricDrop', 'Maximum', 'drop', 'drop vs evaluated'),
      ...search(ns, ['pipeline', 'service'], 'CalibrationError', 'Maximum', 'ece', 'calibration error'),
    ]),
    widget(0, 12, 'Data: rows validated, rules failed, rows scored', [
      ...search(ns, ['pipeline', 'service'], 'RowsValidated', 'Sum', 'validated'),
      ...search(ns, ['pipeline', 'service'], 'RulesFailed', 'Sum', 'rulesFailed'),
      ...search(ns, ['pipeline', 'service'], 'RowsScored', 'Sum', 'scored'),
    ]),
    widget(12, 12, 'Job failures: functions and executions', [
      ...search(ns, ['function', 'service'], 'Failed', 'Sum', 'functions'),
      states('ExecutionsAborted', 'Sum', 'aborted', 'executions aborted'),
      ['AWS/States', 'ExecutionsFailed', 'StateMachineArn', '${PipelineStateMachine}', { stat: 'Sum', id: 'execFailed', label: 'executions failed' }],
    ]),
    widget(0, 18, 'SageMaker jobs (CPU utilisation per host)', [
      ...search('/aws/sagemaker/TrainingJobs', ['Host'], 'CPUUtilization', 'Average', 'training'),
      ...search('/aws/sagemaker/ProcessingJobs', ['Host'], 'CPUUtilization', 'Average', 'processing'),
      ...search('/aws/sagemaker/TransformJobs', ['Host'], 'CPUUtilization', 'Average', 'transform'),
    ]),
    {
      type: 'alarm',
      x: 12,
      y: 18,
      width: 12,
      height: 6,
      properties: { title: 'Alarms', alarms },
    },
  ];
  return { 'Fn::Sub': JSON.stringify({ widgets }) };
}

module.exports = async ({ resolveVariable }) => {
  const project = await resolveVariable('param:project');
  const stage = await resolveVariable('sls:stage');
  const alarm = (name) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${project}-${stage}-${name}`;
  return {
    body: dashboardBody({
      namespace: `${project}-${stage}`,
      alarms: [alarm('pipeline-failed'), alarm('pipeline-too-long'), alarm('startPipeline-errors'), alarm('monitorModel-errors')],
    }),
  };
};
module.exports.dashboardBody = dashboardBody;
