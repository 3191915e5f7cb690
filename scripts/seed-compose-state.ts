/**
 * Offline packaging needs compose outputs (`${ingest.DataBucketName}`…) before anything is deployed.
 * This writes `.serverless/state.<stage>.json` in @osls/compose's local state format with placeholder outputs
 * derived from serverless-compose.yml — realistic values (the names the stacks would create, account
 * 000000000000) so packaged templates read like real ones.
 *
 * A real deploy's state is never touched: every seeded component carries the output `SeededBy`, which a real
 * deploy replaces with the stack's outputs. `scripts/package.ts` removes a state it seeded once packaging is
 * done, so a later `sls deploy` never starts from placeholders (compose keeps existing outputs when a stack
 * reports "No changes").
 *
 * Usage: tsx scripts/seed-compose-state.ts --stage <stage>
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PLACEHOLDER_ACCOUNT = '000000000000';
const MARKER_KEY = 'SeededBy';
const MARKER_VALUE = 'scripts/seed-compose-state.ts';

type Outputs = Record<string, string>;
interface ComposeState {
  service?: unknown;
  components?: Record<string, { outputs?: Outputs; state?: unknown }>;
  [key: string]: unknown;
}

export interface SeedOptions {
  stage: string;
  root?: string;
  region?: string;
}

export type SeedAction = 'created' | 'refreshed' | 'kept-real-state';

/** `.serverless/state.<stage>.json` under the compose root (where @osls/compose's LocalStateStorage keeps it). */
export function statePath(stage: string, root = ROOT): string {
  return join(root, '.serverless', `state.${stage}.json`);
}

/** Outputs each service must provide, as `${service.Output}` references in serverless-compose.yml. */
export function composeOutputReferences(root = ROOT): Map<string, Set<string>> {
  const compose = parse(readFileSync(join(root, 'serverless-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { params?: Record<string, unknown> }>;
  };
  const refs = new Map<string, Set<string>>();
  for (const name of Object.keys(compose.services)) refs.set(name, new Set());
  for (const [name, service] of Object.entries(compose.services)) {
    for (const value of Object.values(service.params ?? {})) {
      for (const match of String(value).matchAll(/\$\{(\w[\w-]*)\.([\w.-]+)\}/g)) {
        const [, target, output] = match as unknown as [string, string, string];
        const outputs = refs.get(target);
        if (!outputs) throw new Error(`serverless-compose.yml: ${name} references unknown service "${target}"`);
        outputs.add(output);
      }
    }
  }
  return refs;
}

/** A stage's param from params.yml (the stage's value, else `default`). */
export function stageParam(stage: string, name: string, root = ROOT): unknown {
  const params = parse(readFileSync(join(root, 'packages/serverless-config/params.yml'), 'utf8')) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  return params[stage]?.[name] ?? params.default?.[name];
}

/** The stage's `project` param. */
export function projectName(stage: string, root = ROOT): string {
  return String(stageParam(stage, 'project', root) ?? 'mlops');
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const kebab = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * A placeholder with the shape the real output will have, named the way the stacks name things.
 * @example placeholderOutput('StartValidationFunctionArn', ctx) // arn:aws:lambda:eu-west-1:000000000000:function:mlops-dev-startValidation
 */
export function placeholderOutput(output: string, ctx: { project: string; stage: string; region: string }): string {
  const prefix = `${ctx.project}-${ctx.stage}`;
  const account = PLACEHOLDER_ACCOUNT;
  const named = (suffix: string) => lowerFirst(output.slice(0, -suffix.length));
  if (output.endsWith('FunctionArn'))
    return `arn:aws:lambda:${ctx.region}:${account}:function:${prefix}-${named('FunctionArn')}`;
  if (output.endsWith('BucketName')) return `${prefix}-${kebab(named('BucketName'))}-${account}-${ctx.region}`;
  if (output === 'NotifyTopicArn') return `arn:aws:sns:${ctx.region}:${account}:${prefix}-notifications`;
  if (output === 'SageMakerRoleArn') return `arn:aws:iam::${account}:role/${prefix}-sagemaker-${ctx.region}`;
  if (output === 'GlueRoleArn') return `arn:aws:iam::${account}:role/${prefix}-glue-dq-${ctx.region}`;
  if (output.endsWith('RoleArn'))
    return `arn:aws:iam::${account}:role/${prefix}-${kebab(named('RoleArn'))}-${ctx.region}`;
  if (output.endsWith('TopicArn')) return `arn:aws:sns:${ctx.region}:${account}:${prefix}-${kebab(named('TopicArn'))}`;
  if (output.endsWith('Arn')) return `arn:aws:placeholder:${ctx.region}:${account}:${prefix}-${kebab(named('Arn'))}`;
  return `${prefix}-${kebab(output)}`;
}

function readState(path: string): ComposeState | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ComposeState;
}

/** True when every component of the state still holds seeded placeholders (no real deploy wrote outputs). */
export function isSeededState(state: ComposeState): boolean {
  const components = Object.values(state.components ?? {});
  return components.every((c) => c.outputs === undefined || c.outputs[MARKER_KEY] === MARKER_VALUE);
}

/** Throw when a real deploy's state lacks an output serverless-compose.yml references. */
function assertRealStateComplete(
  state: ComposeState,
  refs: Map<string, Set<string>>,
  path: string,
  stage: string,
): void {
  const missing = [...refs].flatMap(([service, outputs]) =>
    [...outputs].filter((o) => state.components?.[service]?.outputs?.[o] === undefined).map((o) => `${service}.${o}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `${path} holds a real deploy's outputs but lacks ${missing.join(', ')}: ` +
        `deploy the stage or run \`sls refresh-outputs --stage ${stage}\`, then package again`,
    );
  }
}

/** Ingest's ContainerImages as it would render: the stage's repositories, tagged by content (services/ingest/images.cjs). */
function containerImagesPlaceholder(ctx: { project: string; stage: string; region: string }, root: string): string {
  const images = createRequire(import.meta.url)(join(root, 'services/ingest/images.cjs')) as {
    renderContainerImages: (o: { account: string; region: string; project: string; stage: string; root: string }) => string;
  };
  return images.renderContainerImages({ account: PLACEHOLDER_ACCOUNT, ...ctx, root });
}

/** Placeholder outputs of one service, marked as seeded. */
function seededOutputs(
  outputs: Set<string>,
  ctx: { project: string; stage: string; region: string },
  root: string,
): Outputs {
  const seeded: Outputs = { [MARKER_KEY]: MARKER_VALUE };
  for (const output of [...outputs].sort()) {
    seeded[output] =
      output === 'ContainerImages'
        ? containerImagesPlaceholder(ctx, root)
        : placeholderOutput(output, ctx);
  }
  return seeded;
}

/**
 * Write placeholder outputs for `stage` unless a real deploy's state exists.
 * A state this script wrote before is refreshed (serverless-compose.yml may have gained outputs).
 * A real state is kept; if it lacks an output the compose file references, this throws with the fix.
 */
export function seedComposeState(options: SeedOptions): { path: string; action: SeedAction } {
  const root = options.root ?? ROOT;
  if (!/^[a-zA-Z0-9-]+$/.test(options.stage)) throw new Error(`invalid stage "${options.stage}"`);
  const path = statePath(options.stage, root);
  const refs = composeOutputReferences(root);
  const existing = readState(path);

  if (existing && !isSeededState(existing)) {
    assertRealStateComplete(existing, refs, path, options.stage);
    return { path, action: 'kept-real-state' };
  }

  const ctx = {
    project: projectName(options.stage, root),
    stage: options.stage,
    region: options.region ?? 'eu-west-1',
  };
  const components: NonNullable<ComposeState['components']> = {};
  for (const [service, outputs] of refs) {
    // Keep what compose stored about the component (e.g. the detected framework version).
    components[service] = { ...existing?.components?.[service], outputs: seededOutputs(outputs, ctx, root) };
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ ...existing, components }, null, 2)}\n`);
  return { path, action: existing ? 'refreshed' : 'created' };
}

/** Remove the stage's state file when it still holds only seeded placeholders; returns whether it did. */
export function removeSeededState(stage: string, root = ROOT): boolean {
  const path = statePath(stage, root);
  const state = readState(path);
  if (!state || !isSeededState(state)) return false;
  rmSync(path);
  return true;
}

/** The outputs in the stage's state (seeded or real), by service. */
export function readComposeOutputs(stage: string, root = ROOT): Record<string, Outputs> {
  const state = readState(statePath(stage, root));
  return Object.fromEntries(Object.entries(state?.components ?? {}).map(([name, c]) => [name, c.outputs ?? {}]));
}

export function stageArgument(argv: string[]): string {
  const index = argv.findIndex((a) => a === '--stage' || a === '-s');
  const inline = argv.find((a) => a.startsWith('--stage='));
  const stage = inline ? inline.slice('--stage='.length) : index >= 0 ? argv[index + 1] : undefined;
  if (!stage) throw new Error('missing --stage <stage>');
  return stage;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const stage = stageArgument(process.argv.slice(2));
    const { path, action } = seedComposeState({ stage, region: process.env.AWS_REGION });
    console.log(
      `${action === 'kept-real-state' ? 'kept the real deploy state in' : `${action} placeholder outputs in`} ${path}`,
    );
    if (action !== 'kept-real-state') {
      console.log('note: remove it before a real `sls deploy` (scripts/package.ts does this itself)');
    }
  } catch (error) {
    console.error(`seed-compose-state: ${(error as Error).message}`);
    process.exit(1);
  }
}
