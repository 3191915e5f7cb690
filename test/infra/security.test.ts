import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { iamActionKnown, UNSCOPED_ACTIONS } from '../../packages/serverless-config/src/iam-reference';
import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '../../packages/serverless-config/src/policy-check';
import { packagedDir } from '../../scripts/package';
import { ROOT } from '../../scripts/seed-compose-state';
import { loadStage, PACKAGE_TIMEOUT_MS, resourcesOfType, STAGES, withConditions, type StageTemplates, type Template } from './templates';

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

  it('gives every Lambda function the job VPC settings, empty as the stage sets no VPC', () => {
    const functions = Object.entries(stage.templates).flatMap(([service, t]) =>
      resourcesOfType(t, 'AWS::Lambda::Function').map(([id, r]) => [`${service}/${id}`, (r.Properties as Json).Environment?.Variables ?? {}] as const),
    );
    expect(functions.length).toBeGreaterThan(0);
    for (const [where, variables] of functions) expect(variables, where).toMatchObject({ JOB_SUBNET_IDS: '', JOB_SECURITY_GROUP_IDS: '' });
  });

  it('grants the SageMaker role EC2 network permissions only under HasJobVpc, false on this stage', () => {
    const raw = JSON.parse(readFileSync(join(packagedDir(stageName), 'ingest.json'), 'utf8')) as Template;
    const policies = raw.Resources.SageMakerExecutionRole?.Properties?.Policies as Json[];
    const conditioned = policies.filter((p) => 'Fn::If' in p).map((p) => p['Fn::If']);

    expect(raw.Conditions?.HasJobVpc).toEqual({ 'Fn::Equals': ['vpc-false', 'vpc-true'] });
    expect(conditioned.map(([name, yes, no]) => [name, yes.PolicyName, no])).toEqual([['HasJobVpc', 'sagemaker-job-vpc', { Ref: 'AWS::NoValue' }]]);
    expect(JSON.stringify(policies.filter((p) => !('Fn::If' in p)))).not.toContain('"ec2:');
    const deployed = stage.templates.ingest?.Resources.SageMakerExecutionRole?.Properties?.Policies as Json[];
    expect(deployed.map((p) => p.PolicyName)).toEqual(['sagemaker-jobs']);
  });

  it('sets a retention on every log group', () => {
    const groups = Object.entries(stage.templates).flatMap(([service, t]) => resourcesOfType(t, 'AWS::Logs::LogGroup').map(([id, r]) => [`${service}/${id}`, r] as const));
    expect(groups.length).toBeGreaterThan(0);
    for (const [where, group] of groups) expect(group.Properties?.RetentionInDays, where).toEqual(expect.any(Number));
  });
});

// No stage sets a VPC (subnet ids are account-specific): the ingest service is resolved by `osls print` with the
// params overridden, as `--param` on deploy would, and its template checked as CloudFormation would deploy it.
const exec = promisify(execFile);
const SUBNETS = ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'];
const GROUPS = ['sg-0123abcd'];
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/** ingest's configuration for prod with `params` overridden, variables resolved (no packaging, no AWS). */
async function printIngest(params: Record<string, string>): Promise<Json> {
  const args = ['print', '--stage', 'prod', '--format', 'json', ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`])];
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1' };
  delete env.AWS_PROFILE;
  const run = exec(join(ROOT, 'node_modules', '.bin', 'osls'), args, { cwd: join(ROOT, 'services', 'ingest'), env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const { stdout } = await run.catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`osls ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? String(error)}`, { cause: error });
  });
  return JSON.parse(stdout);
}

describe('a stage with a job VPC (params jobSubnetIds and jobSecurityGroupIds)', () => {
  let config: Json;
  let statements: Json[];
  beforeAll(async () => {
    config = await printIngest({ jobSubnetIds: SUBNETS.join(','), jobSecurityGroupIds: GROUPS.join(',') });
    const template = withConditions(config.resources as Template);
    const policies = template.Resources.SageMakerExecutionRole?.Properties?.Policies as Json[];
    statements = policies.find((p) => p.PolicyName === 'sagemaker-job-vpc')?.PolicyDocument.Statement ?? [];
  }, 150_000);

  it("hands the ids to every function's environment", () => {
    expect(config.provider.environment).toMatchObject({ JOB_SUBNET_IDS: SUBNETS.join(','), JOB_SECURITY_GROUP_IDS: GROUPS.join(',') });
  });

  it('grants the SageMaker role the network-interface actions SageMaker documents for VPC jobs, valid and known', async () => {
    const document = { Version: '2012-10-17', Statement: statements };
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([...ENI_ACTIONS].sort());
    expect(validateIdentityPolicy(render(document))).toEqual([]);
    for (const action of ENI_ACTIONS) expect(await iamActionKnown(action), action).toBe(true);
  });

  it('grants Resource "*" only to documented unscoped actions; interfaces are created only in the given subnets and groups', () => {
    const arn = (type: string, id: string) => `arn:aws:ec2:eu-west-1:123456789012:${type}/${id}`;
    const rendered = render(statements) as Json[];
    const unscoped = rendered.filter((s) => [s.Resource].flat().includes('*'));
    expect(unscoped.flatMap((s) => [s.Action].flat()).filter((a: string) => !(a in UNSCOPED_ACTIONS))).toEqual([]);
    const create = rendered.find((s) => s.Action === 'ec2:CreateNetworkInterface');
    expect(create.Resource).toEqual([arn('network-interface', '*'), ...SUBNETS.map((id) => arn('subnet', id)), ...GROUPS.map((id) => arn('security-group', id))]);
    const manage = rendered.find((s) => [s.Action].flat().includes('ec2:DeleteNetworkInterface'));
    expect(manage.Resource).toBe(arn('network-interface', '*'));
    expect(manage.Condition).toEqual({ ArnEquals: { 'ec2:Subnet': SUBNETS.map((id) => arn('subnet', id)) } });
  });

  it('refuses subnets without security groups, naming both params', async () => {
    await expect(printIngest({ jobSubnetIds: SUBNETS[0] as string })).rejects.toThrow(/params jobSubnetIds and jobSecurityGroupIds must be set together/);
  }, 150_000);
});
