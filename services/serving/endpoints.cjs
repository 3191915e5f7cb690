/* global require, module, __dirname, __filename -- loaded by osls' ${file()} with require(): CommonJS on purpose */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
/**
 * What the serving stack derives from the pipelines at package time (`${file(./endpoints.cjs):<name>}`):
 * every pipelines/*.yml whose publish.mode is `endpoint` or `both` gets the two CloudWatch alarms its endpoint
 * updates roll back on (Invocation5XXErrors, ModelLatency), and the predict function may invoke exactly those
 * endpoints. Configs are parsed by the same zod schema the handlers use (loaded through tsx), so defaults agree.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { require: tsxRequire } = require('tsx/cjs/api');

const ROOT = path.join(__dirname, '..', '..');
const { parsePipelineConfig } = tsxRequire(path.join(ROOT, 'packages/core/src/config/parse.ts'), __filename);
const { endpointName, endpointAlarmNames } = tsxRequire(path.join(ROOT, 'packages/core/src/naming.ts'), __filename);

/** The one production variant of every pipeline endpoint (packages/lambda-kit/src/endpoint.ts ENDPOINT_VARIANT). */
const VARIANT = 'AllTraffic';

/** Pipelines (parsed configs) that publish to a real-time endpoint. */
function endpointPipelines() {
  const dir = path.join(ROOT, 'pipelines');
  return fs
    .readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => parsePipelineConfig(YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')), `pipelines/${file}`))
    .filter((config) => config.publish.mode !== 'batch');
}

async function context(resolveVariable) {
  return {
    project: String(await resolveVariable('param:project')),
    stage: String(await resolveVariable('sls:stage')),
    topic: await resolveVariable('param:notifyTopicArn'),
    actionsEnabled: String(await resolveVariable('param:alarmsEnabled')) === 'true',
  };
}

const pascal = (name) => name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c) => c.toUpperCase());

function alarm(ctx, name, config, kind) {
  const alarms = config.publish.endpoint.alarms;
  const errors = kind === 'errors';
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: endpointAlarmNames(name)[kind],
      AlarmDescription: errors
        ? `${config.name}: endpoint ${name} answered ${alarms.max5xxPerMinute}+ 5xx in a minute; rolls a blue/green update back`
        : `${config.name}: endpoint ${name} average model latency over ${alarms.maxModelLatencyMs} ms; rolls a blue/green update back`,
      Namespace: 'AWS/SageMaker',
      MetricName: errors ? 'Invocation5XXErrors' : 'ModelLatency',
      Dimensions: [
        { Name: 'EndpointName', Value: name },
        { Name: 'VariantName', Value: VARIANT },
      ],
      Statistic: errors ? 'Sum' : 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      // ModelLatency is reported in microseconds.
      Threshold: errors ? alarms.max5xxPerMinute : alarms.maxModelLatencyMs * 1000,
      ComparisonOperator: errors ? 'GreaterThanOrEqualToThreshold' : 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: ctx.actionsEnabled,
      AlarmActions: [ctx.topic],
    },
  };
}

/** `resources` fragment: the rollback alarms of every endpoint pipeline. */
async function alarmResources({ resolveVariable }) {
  const ctx = await context(resolveVariable);
  const Resources = {};
  for (const config of endpointPipelines()) {
    const name = endpointName(ctx.project, ctx.stage, config.name);
    Resources[`${pascal(config.name)}EndpointErrorsAlarm`] = alarm(ctx, name, config, 'errors');
    Resources[`${pascal(config.name)}EndpointLatencyAlarm`] = alarm(ctx, name, config, 'latency');
  }
  return { Resources };
}

const sub = (text) => ({ 'Fn::Sub': text });

/** predict's role: read the endpoint pointers and the run configs they name, invoke the pipelines' endpoints only. */
async function predictStatements({ resolveVariable }) {
  const ctx = await context(resolveVariable);
  const bucket = String(await resolveVariable('param:artifactsBucketName'));
  const endpoints = endpointPipelines().map((config) =>
    sub(`arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:endpoint/${endpointName(ctx.project, ctx.stage, config.name).toLowerCase()}`),
  );
  const statements = [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: sub(`arn:\${AWS::Partition}:s3:::${bucket}`) },
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [sub(`arn:\${AWS::Partition}:s3:::${bucket}/endpoints/*`), sub(`arn:\${AWS::Partition}:s3:::${bucket}/runs/*/config/*`)],
    },
  ];
  if (endpoints.length > 0) statements.push({ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: endpoints });
  return statements;
}

/** deployEndpoint's alarm permission: SageMaker reads the rollback alarms of the endpoints it updates. */
async function alarmArns({ resolveVariable }) {
  const ctx = await context(resolveVariable);
  const arns = endpointPipelines().flatMap((config) => {
    const names = endpointAlarmNames(endpointName(ctx.project, ctx.stage, config.name));
    return [names.errors, names.latency].map((n) => sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${n}`));
  });
  return arns.length > 0 ? arns : [sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${ctx.project}-${ctx.stage}-*-5xx`)];
}

module.exports = { alarmResources, predictStatements, alarmArns };
