import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { endpointAlarmNames, endpointName, loadPipelineConfig, type PipelineConfig } from '@mlops/core';
import { ENDPOINT_VARIANT } from '../../packages/lambda-kit/src/endpoint';
import { projectName, ROOT } from '../../scripts/seed-compose-state';
import { actionsOf, loadStage, PACKAGE_TIMEOUT_MS, resourcesOf, resourcesOfType, STAGES, type Statement, type StageTemplates, type Template } from './templates';

// The serving stack of every stage: rollback alarms for each endpoint pipeline, the HTTP prediction API, and
// least-privilege roles (predict may invoke exactly the pipeline endpoints).

type Json = Record<string, any>;

async function pipelines(): Promise<PipelineConfig[]> {
  const dir = join(ROOT, 'pipelines');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  return Promise.all(files.map((f) => loadPipelineConfig(join(dir, f))));
}

function roleStatements(template: Template, fnKey: string): Statement[] {
  const role = template.Resources[`${fnKey.charAt(0).toUpperCase()}${fnKey.slice(1)}IamRoleLambdaExecution`];
  expect(role?.Type, `${fnKey}'s role`).toBe('AWS::IAM::Role');
  return (role?.Properties?.Policies as Json[]).flatMap((p) => p.PolicyDocument.Statement as Statement[]);
}

const subText = (resource: unknown) => (typeof resource === 'object' && resource !== null && 'Fn::Sub' in resource ? String((resource as Json)['Fn::Sub']) : String(resource));

describe.each(STAGES)('serving stack of stage %s', (stageName) => {
  const project = projectName(stageName);
  let stage: StageTemplates;
  let serving: Template;
  let endpointPipelines: PipelineConfig[];
  let batchPipelines: PipelineConfig[];
  beforeAll(async () => {
    stage = await loadStage(stageName);
    serving = stage.templates.serving as Template;
    const all = await pipelines();
    endpointPipelines = all.filter((p) => p.publish.mode !== 'batch');
    batchPipelines = all.filter((p) => p.publish.mode === 'batch');
  }, PACKAGE_TIMEOUT_MS);

  it('has the sample pipelines it must cover: churn on an endpoint, attrition batch only', () => {
    expect(endpointPipelines.map((p) => p.name)).toContain('churn');
    expect(batchPipelines.map((p) => p.name)).toContain('attrition');
  });

  it('creates a 5xx and a model-latency alarm per endpoint pipeline, on its endpoint and variant, notifying the topic', () => {
    const alarms = resourcesOfType(serving, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Json);
    const topic = stage.outputs.ingest?.NotifyTopicArn;
    for (const config of endpointPipelines) {
      const name = endpointName(project, stageName, config.name);
      const names = endpointAlarmNames(name);
      const errors = alarms.find((a) => a.AlarmName === names.errors);
      const latency = alarms.find((a) => a.AlarmName === names.latency);
      const dimensions = [
        { Name: 'EndpointName', Value: name },
        { Name: 'VariantName', Value: ENDPOINT_VARIANT },
      ];
      expect(errors).toMatchObject({
        Namespace: 'AWS/SageMaker',
        MetricName: 'Invocation5XXErrors',
        Dimensions: dimensions,
        Statistic: 'Sum',
        Period: 60,
        Threshold: config.publish.endpoint.alarms.max5xxPerMinute,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
      expect(latency).toMatchObject({
        Namespace: 'AWS/SageMaker',
        MetricName: 'ModelLatency',
        Dimensions: dimensions,
        Statistic: 'Average',
        // ModelLatency is in microseconds.
        Threshold: config.publish.endpoint.alarms.maxModelLatencyMs * 1000,
        AlarmActions: [topic],
      });
    }
    const batchNames = batchPipelines.map((p) => endpointName(project, stageName, p.name));
    expect(alarms.filter((a) => batchNames.some((n) => String(a.AlarmName).startsWith(`${n}-`)))).toEqual([]);
    expect(alarms).toHaveLength(2 * endpointPipelines.length);
  });

  it('exposes POST /pipelines/{pipeline}/predict on an HTTP API, IAM-authorized, backed by the predict function', () => {
    const [[apiId, api] = []] = resourcesOfType(serving, 'AWS::ApiGatewayV2::Api');
    expect(api?.Properties).toMatchObject({ ProtocolType: 'HTTP' });
    const routes = resourcesOfType(serving, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties as Json);
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ ApiId: { Ref: apiId }, RouteKey: 'POST /pipelines/{pipeline}/predict', AuthorizationType: 'AWS_IAM' });
    const integration = resourcesOfType(serving, 'AWS::ApiGatewayV2::Integration').map(([, r]) => r.Properties as Json)[0];
    expect(JSON.stringify(integration?.IntegrationUri)).toContain('PredictLambdaFunction');
    expect(serving.Resources.PredictLambdaFunction?.Properties?.FunctionName).toBe(`${project}-${stageName}-predict`);
  });

  it('lets predict invoke exactly the endpoints of the endpoint pipelines, and read only pointers and run configs', () => {
    const statements = roleStatements(serving, 'predict');
    const invoke = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sagemaker:')));
    expect(invoke.flatMap(actionsOf)).toEqual(['sagemaker:InvokeEndpoint']);
    const arns = invoke.flatMap(resourcesOf).map(subText).sort();
    const expected = endpointPipelines
      .map((p) => `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:endpoint/${endpointName(project, stageName, p.name).toLowerCase()}`)
      .sort();
    expect(arns).toEqual(expected);
    const reads = statements.filter((s) => actionsOf(s).includes('s3:GetObject')).flatMap(resourcesOf).map(subText);
    expect(reads.map((r) => r.replace(/^.*:::[^/]+/, ''))).toEqual(['/endpoints/*', '/runs/*/config/*']);
    expect(statements.flatMap(actionsOf).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
      'sagemaker:InvokeEndpoint',
    ]);
  });

  it('lets deployEndpoint manage only this stage\'s endpoints and read only their rollback alarms', () => {
    const statements = roleStatements(serving, 'deployEndpoint');
    const update = statements.find((s) => actionsOf(s).includes('sagemaker:UpdateEndpoint'));
    expect(resourcesOf(update as Statement).map(subText)).toContain(`arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:endpoint/${project}-${stageName}-*`);
    const describeAlarms = statements.find((s) => actionsOf(s).includes('cloudwatch:DescribeAlarms'));
    const alarmArns = resourcesOf(describeAlarms as Statement).map(subText).sort();
    const expected = endpointPipelines
      .flatMap((p) => Object.values(endpointAlarmNames(endpointName(project, stageName, p.name))))
      .map((n) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${n}`)
      .sort();
    expect(alarmArns).toEqual(expected);
  });

  it('hands the state machine its endpoint functions through compose', () => {
    expect(Object.keys(serving.Outputs ?? {})).toEqual(expect.arrayContaining(['DeployEndpointFunctionArn', 'CheckEndpointFunctionArn']));
    expect(stage.composeParams.training).toMatchObject({
      deployEndpointFunctionArn: '${serving.DeployEndpointFunctionArn}',
      checkEndpointFunctionArn: '${serving.CheckEndpointFunctionArn}',
    });
  });
});
