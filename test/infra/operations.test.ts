import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { StartPipelineEvent } from '../../services/ingest/src/functions/startPipeline/startPipeline';
import { projectName, ROOT } from '../../scripts/seed-compose-state';
import { actionsOf, loadStage, PACKAGE_TIMEOUT_MS, policyStatements, resourcesOf, resourcesOfType, STAGES, type Resource, type StageTemplates } from './templates';

// Operations in the packaged templates of every stage: the image repositories and the URIs the functions get,
// the retraining schedules, the dashboard and the alarms, and the monitoring trigger.

type Params = Record<string, Record<string, unknown>>;
const params = parse(readFileSync(join(ROOT, 'packages/serverless-config/params.yml'), 'utf8')) as Params;
const param = (stage: string, name: string) => params[stage]?.[name] ?? params.default?.[name];
const images = createRequire(import.meta.url)(join(ROOT, 'services/ingest/images.cjs')) as {
  imageNames(): string[];
  imageTag(image: string): string;
  repositoryLogicalId(image: string): string;
};
const schedules = createRequire(import.meta.url)(join(ROOT, 'services/ingest/schedules.cjs')) as {
  retrainSchedules(): { pipeline: string; retrain: string; timezone: string }[];
};

/** Every TypeScript source of the services (the metric lines live in the domain functions). */
function serviceSources(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
    }
  };
  walk(join(ROOT, 'services'));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

describe.each(STAGES)('operations of stage %s', (stageName) => {
  const prefix = `${projectName(stageName)}-${stageName}`;
  let stage: StageTemplates;
  beforeAll(async () => {
    stage = await loadStage(stageName);
  }, PACKAGE_TIMEOUT_MS);

  const resource = (service: string, id: string): Resource => {
    const found = stage.templates[service]?.Resources[id];
    if (!found) throw new Error(`${service} has no resource ${id}`);
    return found;
  };

  it('owns one ECR repository per docker/<image>: scanned on push, immutable tags, encrypted, lifecycle-capped', () => {
    const repositories = resourcesOfType(stage.templates.ingest!, 'AWS::ECR::Repository');
    expect(repositories.map(([id]) => id).sort()).toEqual(images.imageNames().map((i) => images.repositoryLogicalId(i)).sort());
    for (const [id, repo] of repositories) {
      const props = repo.Properties as Record<string, any>;
      expect(props.RepositoryName, id).toMatch(new RegExp(`^${prefix}-`));
      expect(props.ImageScanningConfiguration, id).toEqual({ ScanOnPush: true });
      expect(props.ImageTagMutability, id).toBe('IMMUTABLE');
      expect(props.EncryptionConfiguration, id).toEqual(
        param(stageName, 'kmsKey') === true ? { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } } : { EncryptionType: 'AES256' },
      );
      const policy = JSON.parse(props.LifecyclePolicy.LifecyclePolicyText);
      expect(policy.rules).toEqual([
        expect.objectContaining({
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: param(stageName, 'imageRetentionCount') },
          action: { type: 'expire' },
        }),
      ]);
    }
  });

  it('hands the functions image URIs in the stage repository, tagged with the content hash of docker/<image>/', () => {
    const output = stage.templates.ingest?.Outputs?.ContainerImages?.Value as { 'Fn::Sub': string };
    const rendered = JSON.parse(output['Fn::Sub']) as Record<string, string>;
    for (const image of images.imageNames()) {
      expect(rendered[image]).toBe(`\${${images.repositoryLogicalId(image)}.RepositoryUri}:${images.imageTag(image)}`);
    }
    // What compose passed to the other services at packaging has the same repository and tag.
    const passed = JSON.parse(stage.outputs.ingest?.ContainerImages ?? '{}') as Record<string, string>;
    for (const image of images.imageNames()) {
      expect(passed[image]).toMatch(new RegExp(`/${prefix}-${image}:${images.imageTag(image)}$`));
    }
  });

  it('schedules retraining for every pipeline config with schedule.retrain, through startPipeline', () => {
    const wanted = schedules.retrainSchedules();
    expect(wanted.length, 'pipelines/churn.yml has a schedule').toBeGreaterThan(0);
    const found = resourcesOfType(stage.templates.ingest!, 'AWS::Scheduler::Schedule');
    expect(found).toHaveLength(wanted.length);
    for (const { pipeline, retrain, timezone } of wanted) {
      const [, schedule] = found.find(([, r]) => (r.Properties as any).Name === `${prefix}-${pipeline}-retrain`) ?? [];
      const props = schedule?.Properties as Record<string, any>;
      expect(props, pipeline).toBeDefined();
      expect(props.ScheduleExpression).toBe(retrain);
      expect(props.ScheduleExpressionTimezone).toBe(timezone);
      expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': ['StartPipelineLambdaFunction', 'Arn'] });
      expect(props.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['RetrainSchedulerRole', 'Arn'] });
      // The input is what startPipeline accepts: a scheduled run of the pipeline's newest upload.
      const input = JSON.parse(props.Target.Input.replace('<aws.scheduler.scheduled-time>', '2026-03-02T03:00:00Z'));
      expect(StartPipelineEvent.parse(input)).toMatchObject({ source: 'mlops', trigger: 'schedule', pipeline });
    }
  });

  it('gives the schedules a role of their own that may only invoke startPipeline (and dead-letter)', () => {
    const role = resource('ingest', 'RetrainSchedulerRole');
    const trust = (role.Properties as any).AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
    const statements = policyStatements(stage).filter((s) => s.holder === 'RetrainSchedulerRole').map((s) => s.statement);
    expect(statements.flatMap((s) => actionsOf(s)).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(resourcesOf(invoke!)).toEqual([{ 'Fn::GetAtt': ['StartPipelineLambdaFunction', 'Arn'] }]);
  });

  it('alarms on failed executions and on a run longer than expected, publishing to the notification topic', () => {
    const topic = stage.outputs.ingest?.NotifyTopicArn;
    expect(topic).toMatch(/^arn:aws:sns:/);
    for (const id of ['PipelineFailedAlarm', 'PipelineTooLongAlarm']) {
      const props = resource('training', id).Properties as Record<string, any>;
      expect(props.AlarmActions, id).toEqual([topic]);
      expect(props.ActionsEnabled, id).toBe(param(stageName, 'alarmsEnabled'));
    }
    const tooLong = resource('training', 'PipelineTooLongAlarm').Properties as Record<string, any>;
    expect(tooLong.AlarmName).toBe(`${prefix}-pipeline-too-long`);
    expect(tooLong.Threshold).toBe(param(stageName, 'expectedRunMinutes'));
    const stat = tooLong.Metrics.find((m: any) => m.MetricStat).MetricStat;
    expect(stat.Metric).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionTime' });
    expect(stat.Metric.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: 'PipelineStateMachine' } }]);
    expect(tooLong.Metrics.find((m: any) => m.ReturnData).Expression).toBe('executionMs / 60000');
  });

  it('has one dashboard whose widgets chart every metric the handlers emit, under the stage namespace', () => {
    const dashboards = Object.values(stage.templates).flatMap((t) => resourcesOfType(t, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const [[, dashboard]] = dashboards as [[string, Resource]];
    expect((dashboard.Properties as any).DashboardName).toBe(`${prefix}-pipeline`);
    const sub = (dashboard.Properties as any).DashboardBody['Fn::Sub'] as string;
    const body = JSON.parse(sub.replaceAll('${AWS::Region}', 'eu-west-1').replaceAll('${PipelineStateMachine}', 'arn:sm'));
    const text = JSON.stringify(body);
    const sources = serviceSources();
    const emitted = ['PipelineRuns', 'StageDuration', 'RowsValidated', 'RulesFailed', 'CandidateRocAuc', 'GateDecisions', 'RowsScored', 'RealisedRocAuc', 'MetricDrop', 'CalibrationError'];
    for (const metric of emitted) {
      expect(text, `dashboard charts ${metric}`).toContain(`MetricName=\\"${metric}\\"`);
      expect(sources, `a handler emits ${metric}`).toContain(`'${metric}'`);
    }
    expect(text).toContain(`{\\"${prefix}\\",`);
    expect(body.widgets.map((w: any) => w.properties.title)).toEqual(
      expect.arrayContaining(['Pipeline runs by outcome', 'Run and stage durations (seconds)', 'Job failures: functions and executions']),
    );
    const alarms = body.widgets.find((w: any) => w.type === 'alarm').properties.alarms as string[];
    const alarmNames = Object.values(stage.templates).flatMap((t) =>
      resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => String((a.Properties as any).AlarmName)),
    );
    for (const arn of alarms) expect(alarmNames, arn).toContain(arn.split(':alarm:')[1]);
  });

  it('triggers monitorModel on labels uploaded under <pipeline>/labels/, with a dead-letter queue', () => {
    const rules = resourcesOfType(stage.templates.monitoring!, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const props = rules[0]![1].Properties as Record<string, any>;
    expect(props.EventPattern.detail.object.key).toEqual([{ wildcard: '*/labels/*' }]);
    expect(props.EventPattern.detail.bucket.name).toEqual([stage.outputs.ingest?.DataBucketName]);
    expect(props.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['LabelsDeadLetterQueue', 'Arn'] });
  });
});
