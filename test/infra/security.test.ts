import { beforeAll, describe, expect, it } from 'vitest';
import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '../../packages/serverless-config/src/policy-check';
import { loadStage, PACKAGE_TIMEOUT_MS, resourcesOfType, STAGES, type StageTemplates } from './templates';

// Every policy document of every packaged template, checked by an IAM policy checker (@cloud-copilot/iam-policy:
// structure, element types, ARN and principal formats, condition operators), and log retention on every log group.
// Intrinsic functions are rendered to the strings CloudFormation would produce, with placeholder names.

type Json = any;

const PSEUDO: Record<string, string> = { 'AWS::AccountId': '123456789012', 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'stack' };

/** A Ref or GetAtt as the string CloudFormation would put there (ARN-shaped when the attribute is an ARN). */
function reference(id: string, attribute?: string): string {
  if (PSEUDO[id]) return PSEUDO[id];
  if (attribute === 'Arn' || /Arn$/.test(id)) return `arn:aws:iam::123456789012:role/${id.toLowerCase()}`;
  return id.toLowerCase();
}

function sub(text: string, vars: Record<string, Json> = {}): string {
  return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    if (name in vars) return String(render(vars[name]));
    const [id, attribute] = name.split('.');
    return reference(id as string, attribute);
  });
}

/** A template value with every intrinsic function rendered. */
function render(value: Json): Json {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  if ('Fn::Sub' in value) return Array.isArray(value['Fn::Sub']) ? sub(value['Fn::Sub'][0], value['Fn::Sub'][1]) : sub(value['Fn::Sub']);
  if ('Fn::Join' in value) return (render(value['Fn::Join'][1]) as string[]).join(value['Fn::Join'][0]);
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = Array.isArray(value['Fn::GetAtt']) ? value['Fn::GetAtt'] : String(value['Fn::GetAtt']).split('.');
    return reference(id, attribute);
  }
  if ('Ref' in value) return reference(value.Ref);
  if ('Fn::ImportValue' in value) return 'arn:aws:iam::123456789012:role/imported';
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
}

type Kind = 'identity' | 'resource' | 'trust';
const VALIDATE: Record<Kind, (policy: Json) => { message: string; path: string }[]> = {
  identity: validateIdentityPolicy,
  resource: validateResourcePolicy,
  trust: validateTrustPolicy,
};

/** Every policy document of a stage with the kind of policy it is. */
function policyDocuments(stage: StageTemplates): { where: string; kind: Kind; document: Json }[] {
  const found: { where: string; kind: Kind; document: Json }[] = [];
  for (const [service, template] of Object.entries(stage.templates)) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = (resource.Properties ?? {}) as Json;
      const where = `${service}/${id}`;
      if (resource.Type === 'AWS::IAM::Role') {
        found.push({ where: `${where} (trust)`, kind: 'trust', document: props.AssumeRolePolicyDocument });
        for (const p of props.Policies ?? []) found.push({ where: `${where} ${p.PolicyName}`, kind: 'identity', document: p.PolicyDocument });
      }
      if (resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy') found.push({ where, kind: 'identity', document: props.PolicyDocument });
      if (['AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy'].includes(resource.Type)) found.push({ where, kind: 'resource', document: props.PolicyDocument });
      if (resource.Type === 'AWS::KMS::Key') found.push({ where, kind: 'resource', document: props.KeyPolicy });
    }
  }
  return found;
}

describe('the IAM policy checker', () => {
  it('rejects what AWS would reject', () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };
    expect(validateIdentityPolicy({ Version: '2012-10-17', Statement: [statement] })).toEqual([]);
    expect(validateIdentityPolicy({ Version: '2012-10-17', Statement: [{ ...statement, Effect: 'Permit' }] })).not.toEqual([]);
    expect(validateIdentityPolicy({ Version: '2012-10-17', Statement: [{ ...statement, Action: 's3GetObject' }] })).not.toEqual([]);
    expect(validateTrustPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] })).not.toEqual([]);
  });
});

describe.each(STAGES)('security of stage %s', (stageName) => {
  let stage: StageTemplates;
  beforeAll(async () => {
    stage = await loadStage(stageName);
  }, PACKAGE_TIMEOUT_MS);

  it('has only policy documents the IAM policy checker accepts', () => {
    const documents = policyDocuments(stage);
    const problems = documents.flatMap(({ where, kind, document }) =>
      VALIDATE[kind](render(document)).map((e) => `${where}: ${e.path}: ${e.message}`),
    );
    expect(documents.filter((d) => d.kind === 'identity').length).toBeGreaterThan(5);
    expect(documents.filter((d) => d.kind === 'trust').length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('sets a retention on every log group', () => {
    const groups = Object.entries(stage.templates).flatMap(([service, t]) => resourcesOfType(t, 'AWS::Logs::LogGroup').map(([id, r]) => [`${service}/${id}`, r] as const));
    expect(groups.length).toBeGreaterThan(0);
    for (const [where, group] of groups) expect(group.Properties?.RetentionInDays, where).toEqual(expect.any(Number));
  });
});
