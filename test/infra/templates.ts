/**
 * Packaged CloudFormation templates per stage, as test/infra reads them: packaged once per stage and test run
 * (scripts/package.ts reuses `.serverless/packaged/<stage>` while it is newer than every template input, and
 * serializes packaging across vitest workers), with CloudFormation conditions evaluated for that stage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeServices, packageStage, packagedDir } from '../../scripts/package';
import { ROOT } from '../../scripts/seed-compose-state';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];
/** Packaging a stage runs five `sls package` in parallel: allow a slow machine. */
export const PACKAGE_TIMEOUT_MS = 300_000;

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: unknown;
}
export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}
export interface StageTemplates {
  stage: Stage;
  /** By compose service name; Fn::If already resolved for the stage's conditions. */
  templates: Record<string, Template>;
  /** The compose outputs the stage was packaged with (seeded placeholders offline). */
  outputs: Record<string, Record<string, string>>;
  /** serverless-compose.yml `services.<name>.params`. */
  composeParams: Record<string, Record<string, string>>;
}

const cache = new Map<Stage, Promise<StageTemplates>>();

/** Package `stage` if its templates are missing or stale, then load them (once per worker). */
export function loadStage(stage: Stage): Promise<StageTemplates> {
  let loaded = cache.get(stage);
  if (!loaded) {
    loaded = packageStage({ stage, quiet: true, onlyIfStale: true }).then(() => readStage(stage));
    cache.set(stage, loaded);
  }
  return loaded;
}

function readStage(stage: Stage): StageTemplates {
  const dir = packagedDir(stage);
  const templates: Record<string, Template> = {};
  for (const name of Object.keys(composeServices())) {
    templates[name] = withConditions(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Template);
  }
  const outputs = JSON.parse(readFileSync(join(dir, 'compose-outputs.json'), 'utf8')) as StageTemplates['outputs'];
  const compose = parse(readFileSync(join(ROOT, 'serverless-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { params?: Record<string, string> }>;
  };
  const composeParams = Object.fromEntries(Object.entries(compose.services).map(([n, s]) => [n, s.params ?? {}]));
  return { stage, templates, outputs, composeParams };
}

type Json = unknown;

/** Evaluate a condition expression whose operands are literals (params are resolved at package time). */
export function evaluateCondition(expr: Json, conditions: Record<string, Json>): boolean {
  const node = expr as Record<string, Json[]>;
  if (typeof expr === 'object' && expr !== null) {
    if ('Condition' in node) return evaluateCondition(conditions[node.Condition as unknown as string], conditions);
    if ('Fn::Equals' in node) {
      const [a, b] = node['Fn::Equals'] as [Json, Json];
      return String(a) === String(b);
    }
    if ('Fn::Not' in node) return !evaluateCondition((node['Fn::Not'] as Json[])[0], conditions);
    if ('Fn::And' in node) return (node['Fn::And'] as Json[]).every((c) => evaluateCondition(c, conditions));
    if ('Fn::Or' in node) return (node['Fn::Or'] as Json[]).some((c) => evaluateCondition(c, conditions));
  }
  throw new Error(`cannot evaluate condition ${JSON.stringify(expr)}`);
}

const NO_VALUE = Symbol('AWS::NoValue');

function resolveIfs(value: Json, truth: Record<string, boolean>): Json {
  if (Array.isArray(value)) return value.map((v) => resolveIfs(v, truth)).filter((v) => v !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Record<string, Json>;
  if ('Fn::If' in node) {
    const [name, yes, no] = node['Fn::If'] as [string, Json, Json];
    if (!(name in truth)) throw new Error(`Fn::If on unknown condition ${name}`);
    return resolveIfs(truth[name] ? yes : no, truth);
  }
  if (node.Ref === 'AWS::NoValue') return NO_VALUE;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    const resolved = resolveIfs(v, truth);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

/** The template as deployed for its stage: Fn::If resolved, resources and outputs whose condition is false dropped. */
export function withConditions(template: Template): Template {
  const conditions = template.Conditions ?? {};
  const truth = Object.fromEntries(Object.entries(conditions).map(([n, c]) => [n, evaluateCondition(c, conditions)]));
  const keep = <T extends { Condition?: string }>(entries: Record<string, T> = {}) =>
    Object.fromEntries(Object.entries(entries).filter(([, v]) => v.Condition === undefined || truth[v.Condition]));
  return {
    ...template,
    Resources: resolveIfs(keep(template.Resources), truth) as Template['Resources'],
    Outputs: resolveIfs(keep(template.Outputs), truth) as Template['Outputs'],
  };
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  Condition?: Record<string, Record<string, Json>>;
  Principal?: Json;
}
export interface PolicyStatement {
  service: string;
  /** Logical id of the resource holding the policy. */
  holder: string;
  /** identity: an IAM role's / managed policy's statements; resource: bucket, topic, queue, key policies. */
  kind: 'identity' | 'resource';
  statement: Statement;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const RESOURCE_POLICIES: Record<string, string> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
};

/** Every policy statement of every template of a stage. */
export function policyStatements(stage: StageTemplates): PolicyStatement[] {
  const found: PolicyStatement[] = [];
  for (const [service, template] of Object.entries(stage.templates)) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties ?? {};
      const docs: [PolicyStatement['kind'], Json][] = [];
      if (resource.Type === 'AWS::IAM::Role') {
        for (const p of asList(props.Policies as { PolicyDocument: Json }[])) docs.push(['identity', p.PolicyDocument]);
      }
      if (resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy')
        docs.push(['identity', props.PolicyDocument]);
      const key = RESOURCE_POLICIES[resource.Type];
      if (key) docs.push(['resource', props[key]]);
      for (const [kind, doc] of docs) {
        for (const statement of asList((doc as { Statement: Statement | Statement[] }).Statement)) {
          found.push({ service, holder: id, kind, statement });
        }
      }
    }
  }
  return found;
}

export const actionsOf = (s: Statement): string[] => asList(s.Action);
export const resourcesOf = (s: Statement): Json[] => asList(s.Resource as Json | Json[]);

/** The functions of a stage: service, logical id, FunctionName, role reference. */
export function lambdaFunctions(stage: StageTemplates) {
  return Object.entries(stage.templates).flatMap(([service, template]) =>
    resourcesOfType(template, 'AWS::Lambda::Function').map(([id, r]) => ({
      service,
      id,
      name: r.Properties?.FunctionName as string,
      role: r.Properties?.Role as Json,
    })),
  );
}
