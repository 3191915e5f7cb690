import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectName, ROOT } from '../../scripts/seed-compose-state';
import {
  lambdaFunctions,
  loadStage,
  PACKAGE_TIMEOUT_MS,
  policyStatements,
  resourcesOfType,
  STAGES,
  type StageTemplates,
} from './templates';

type Params = Record<string, Record<string, unknown>>;
const params = parse(readFileSync(join(ROOT, 'packages/serverless-config/params.yml'), 'utf8')) as Params;
const param = (stage: string, name: string) => params[stage]?.[name] ?? params.default?.[name];

describe('params.yml', () => {
  it('never enables alarm actions on a stage whose topic uses the AWS-managed SNS key', () => {
    for (const stage of STAGES) {
      if (param(stage, 'alarmsEnabled') === true) expect(param(stage, 'kmsKey'), stage).toBe(true);
    }
  });

  it('keeps a reason for every per-stage difference: only known settings', () => {
    const known = Object.keys(params.default ?? {});
    for (const stage of STAGES) {
      expect(
        Object.keys(params[stage] ?? {}).filter((k) => !known.includes(k)),
        stage,
      ).toEqual([]);
    }
  });
});

describe.each(STAGES)('resources of stage %s', (stageName) => {
  let stage: StageTemplates;
  beforeAll(async () => {
    stage = await loadStage(stageName);
  }, PACKAGE_TIMEOUT_MS);

  const projectBuckets = () =>
    resourcesOfType(stage.templates.ingest!, 'AWS::S3::Bucket').filter(([id]) => id !== 'ServerlessDeploymentBucket');
  /** Every bucket of every stack, the framework's deployment buckets included. */
  const allBuckets = () =>
    Object.entries(stage.templates).flatMap(([service, t]) =>
      resourcesOfType(t, 'AWS::S3::Bucket').map(([id, b]) => ({ service, id, bucket: b })),
    );
  const useKms = () => param(stageName, 'kmsKey') === true;

  it('encrypts the data and artifacts buckets: SSE-KMS with the project key when kmsKey is on, else SSE-S3', () => {
    expect(
      projectBuckets()
        .map(([id]) => id)
        .sort(),
    ).toEqual(['ArtifactsBucket', 'DataBucket']);
    for (const [id, bucket] of projectBuckets()) {
      const rules = (
        bucket.Properties?.BucketEncryption as { ServerSideEncryptionConfiguration: Record<string, unknown>[] }
      ).ServerSideEncryptionConfiguration;
      const byDefault = rules[0]?.ServerSideEncryptionByDefault as Record<string, unknown>;
      if (useKms()) {
        expect(byDefault, id).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } });
      } else {
        expect(byDefault, id).toEqual({ SSEAlgorithm: 'AES256' });
      }
    }
    expect('KmsKey' in stage.templates.ingest!.Resources).toBe(useKms());
  });

  it('encrypts every bucket of every stack', () => {
    for (const { service, id, bucket } of allBuckets()) {
      const rules = (
        bucket.Properties?.BucketEncryption as
          | { ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[] }
          | undefined
      )?.ServerSideEncryptionConfiguration;
      expect(['AES256', 'aws:kms'], `${service}.${id}`).toContain(
        rules?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm,
      );
    }
  });

  it('blocks every kind of public access on every bucket', () => {
    for (const { service, id, bucket } of allBuckets()) {
      expect(bucket.Properties?.PublicAccessBlockConfiguration, `${service}.${id}`).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies every request that is not over TLS, to every bucket and its objects', () => {
    for (const { service, id } of allBuckets()) {
      const template = stage.templates[service]!;
      const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy').filter(
        ([, p]) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: id }),
      );
      const denies = policyStatements(stage).filter(
        ({ service: s, holder, statement }) =>
          s === service &&
          policies.some(([policyId]) => policyId === holder) &&
          statement.Effect === 'Deny' &&
          statement.Principal === '*' &&
          String(statement.Condition?.Bool?.['aws:SecureTransport']) === 'false',
      );
      expect(denies, `${service}.${id}`).toHaveLength(1);
      const resources = JSON.stringify(denies[0]!.statement.Resource);
      expect(resources, `${service}.${id} objects`).toMatch(/\/\*"/);
      expect((denies[0]!.statement.Resource as unknown[]).length, `${service}.${id} bucket and objects`).toBe(2);
    }
  });

  it('versions the data bucket and sends its events to EventBridge', () => {
    const data = stage.templates.ingest!.Resources.DataBucket!.Properties!;
    expect(data.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(data.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });

  it('starts the pipeline on Object Created under */incoming/* of the data bucket, with retries and a dead-letter queue', () => {
    const rules = resourcesOfType(stage.templates.ingest!, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1].Properties as { EventPattern: unknown; Targets: Record<string, unknown>[] };
    expect(rule.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: 'DataBucket' }] }, object: { key: [{ wildcard: '*/incoming/*' }] } },
    });
    expect(rule.Targets[0]?.Arn).toEqual({ 'Fn::GetAtt': ['StartPipelineLambdaFunction', 'Arn'] });
    expect(rule.Targets[0]?.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['IncomingDeadLetterQueue', 'Arn'] } });
    expect(rule.Targets[0]?.RetryPolicy).toBeDefined();
  });

  it('encrypts the notifications topic with the project key or the AWS-managed SNS key', () => {
    const topic = stage.templates.ingest!.Resources.NotifyTopic!.Properties!;
    expect(topic.TopicName).toBe(`${projectName(stageName)}-${stageName}-notifications`);
    expect(topic.KmsMasterKeyId).toEqual(useKms() ? { Ref: 'KmsKey' } : 'alias/aws/sns');
  });

  it('sets a retention on every log group, the stage one', () => {
    const groups = Object.values(stage.templates).flatMap((t) => resourcesOfType(t, 'AWS::Logs::LogGroup'));
    expect(groups.length).toBe(lambdaFunctions(stage).length + 1);
    for (const [id, group] of groups) {
      expect(group.Properties?.RetentionInDays, id).toBe(param(stageName, 'logRetentionDays'));
    }
  });

  it('deploys the functions of the contracts table, each in its service', () => {
    const deployed = Object.fromEntries(
      Object.entries(stage.templates).map(([service, t]) => [
        service,
        resourcesOfType(t, 'AWS::Lambda::Function')
          .map(([, fn]) => String(fn.Properties?.FunctionName).split('-').pop())
          .sort(),
      ]),
    );
    expect(deployed).toEqual({
      ingest: ['startPipeline'],
      validation: ['checkValidation', 'startPreparation', 'startValidation'],
      training: ['checkJob', 'finishRun', 'startRun', 'startTuning'],
      evaluation: ['decideApproval', 'evaluateCandidate', 'registerModel', 'requestApproval', 'startScoring'],
      publishing: ['buildDashboard', 'finalizePublish', 'startPublishing'],
      serving: ['checkEndpoint', 'deployEndpoint', 'predict'],
      monitoring: ['monitorModel'],
    });
  });

  it('names every function <project>-<stage>-<fnKey> within 64 characters', () => {
    for (const f of lambdaFunctions(stage)) {
      expect(f.name, f.id).toMatch(new RegExp(`^${projectName(stageName)}-${stageName}-[a-z][A-Za-z]+$`));
      expect(f.name.length, f.name).toBeLessThanOrEqual(64);
      expect(`${f.name[f.name.length - 1]}`).not.toBe('-');
    }
  });

  it('runs every function on nodejs22.x / arm64 with the contract environment', () => {
    for (const template of Object.values(stage.templates)) {
      for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        const props = fn.Properties as {
          Runtime: string;
          Architectures: string[];
          Environment: { Variables: Record<string, unknown> };
        };
        expect(props.Runtime, id).toBe('nodejs22.x');
        expect(props.Architectures, id).toEqual(['arm64']);
        const env = props.Environment.Variables;
        for (const name of [
          'STAGE',
          'PROJECT',
          'DATA_BUCKET',
          'ARTIFACTS_BUCKET',
          'SAGEMAKER_ROLE_ARN',
          'GLUE_ROLE_ARN',
          'CONTAINER_IMAGES',
          'NOTIFY_TOPIC_ARN',
          'LOG_LEVEL',
          'POWERTOOLS_SERVICE_NAME',
        ]) {
          expect(env[name], `${id} ${name}`).toBeDefined();
        }
        expect(env.STAGE).toBe(stageName);
        expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe(`${projectName(stageName)}-${stageName}`);
        expect(env.LOG_LEVEL).toBe(param(stageName, 'logLevel'));
      }
    }
    const startPipeline = stage.templates.ingest!.Resources.StartPipelineLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(startPipeline.Environment.Variables.STATE_MACHINE_ARN).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${projectName(stageName)}-${stageName}-pipeline`,
    });
  });

  it('wires the foundation outputs into the other services as their deployed values', () => {
    const ingestOutputs = stage.outputs.ingest!;
    for (const service of ['validation', 'training', 'evaluation', 'publishing']) {
      for (const [, fn] of resourcesOfType(stage.templates[service]!, 'AWS::Lambda::Function')) {
        const env = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
        expect(env.DATA_BUCKET).toBe(ingestOutputs.DataBucketName);
        expect(env.ARTIFACTS_BUCKET).toBe(ingestOutputs.ArtifactsBucketName);
        expect(env.SAGEMAKER_ROLE_ARN).toBe(ingestOutputs.SageMakerRoleArn);
        expect(env.NOTIFY_TOPIC_ARN).toBe(ingestOutputs.NotifyTopicArn);
        expect(env.CONTAINER_IMAGES).toBe(ingestOutputs.ContainerImages);
        expect(env.KMS_KEY_ARN).toBe(useKms() ? `alias/${projectName(stageName)}-${stageName}` : '');
      }
    }
    expect(JSON.parse(ingestOutputs.ContainerImages!)).toHaveProperty('trainer');
  });

  it('gives the functions of every service but ingest plain-string environments (`sls invoke local` reads only those)', () => {
    for (const service of ['validation', 'training', 'evaluation', 'publishing']) {
      for (const [id, fn] of resourcesOfType(stage.templates[service]!, 'AWS::Lambda::Function')) {
        const env = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
        const notStrings = Object.entries(env).filter(([, v]) => typeof v !== 'string');
        expect(notStrings, `${service}.${id}`).toEqual([]);
      }
    }
  });
});
