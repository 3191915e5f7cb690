/* global require, module, __dirname -- loaded by osls' ${file()} with require(): CommonJS on purpose */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
/**
 * Scheduled retraining, generated at package time from pipelines/*.yml (the configs `pnpm publish:pipelines`
 * deploys): one EventBridge Scheduler schedule per pipeline with `schedule.retrain`, invoking startPipeline with
 * `{ source: 'mlops', trigger: 'schedule', pipeline }` — the same idempotent entry point as uploads, which retrains
 * on the pipeline's newest upload. The schedules share one role that may invoke only startPipeline.
 *
 * In serverless.yml: `resources: [..., ${file(./schedules.cjs)}]`.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..', '..');
// Same rule as ScheduleSchema in packages/core/src/config/schema.ts.
const EXPRESSION = /^(cron|rate)\(.+\)$/;
const NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** `{ pipeline, retrain, timezone }` of every pipeline config that asks for a schedule, by name. */
function retrainSchedules(root = ROOT) {
  const dir = path.join(root, 'pipelines');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  const found = [];
  for (const file of files) {
    const config = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')) || {};
    const schedule = config.schedule || {};
    if (schedule.retrain === undefined) continue;
    if (typeof config.name !== 'string' || !NAME.test(config.name)) {
      throw new Error(`pipelines/${file}: name ${JSON.stringify(config.name)} is not a pipeline name`);
    }
    if (typeof schedule.retrain !== 'string' || !EXPRESSION.test(schedule.retrain)) {
      throw new Error(
        `pipelines/${file}: schedule.retrain ${JSON.stringify(schedule.retrain)} is not an EventBridge Scheduler ` +
          'expression such as cron(0 3 ? * MON *) or rate(7 days)',
      );
    }
    found.push({ pipeline: config.name, retrain: schedule.retrain, timezone: schedule.timezone || 'UTC' });
  }
  return found;
}

const pascal = (name) =>
  name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

/** CloudFormation resources: the schedules and their role (nothing when no pipeline has a schedule). */
function scheduleResources({ project, stage, root = ROOT }) {
  const schedules = retrainSchedules(root);
  if (schedules.length === 0) return {};
  const resources = {
    RetrainSchedulerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': `${project}-${stage}-retrain-schedules-\${AWS::Region}` },
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'start-pipeline',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'InvokeTheEntryPoint',
                  Effect: 'Allow',
                  Action: 'lambda:InvokeFunction',
                  Resource: { 'Fn::GetAtt': ['StartPipelineLambdaFunction', 'Arn'] },
                },
                {
                  Sid: 'UndeliveredToDeadLetterQueue',
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Resource: { 'Fn::GetAtt': ['IncomingDeadLetterQueue', 'Arn'] },
                },
              ],
            },
          },
        ],
      },
    },
  };
  for (const { pipeline, retrain, timezone } of schedules) {
    resources[`${pascal(pipeline)}RetrainSchedule`] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${project}-${stage}-${pipeline}-retrain`,
        Description: `Retrain ${pipeline} on its newest upload (pipelines/*.yml schedule.retrain)`,
        ScheduleExpression: retrain,
        ScheduleExpressionTimezone: timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['StartPipelineLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['RetrainSchedulerRole', 'Arn'] },
          // The scheduled time makes a retried delivery start nothing twice (startPipeline names executions by it).
          Input: JSON.stringify({
            source: 'mlops',
            trigger: 'schedule',
            pipeline,
            time: '<aws.scheduler.scheduled-time>',
            detail: { schedule: retrain, timezone },
          }),
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['IncomingDeadLetterQueue', 'Arn'] } },
        },
      },
    };
  }
  return resources;
}

module.exports = Object.assign(
  async ({ resolveVariable }) => {
    const project = await resolveVariable('param:project');
    const stage = await resolveVariable('sls:stage');
    return { Resources: scheduleResources({ project, stage }) };
  },
  { retrainSchedules, scheduleResources },
);
