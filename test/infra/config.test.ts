import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ZodType } from 'zod';
import { composeServices } from '../../scripts/package';
import {
  composeOutputReferences,
  placeholderOutput,
  removeSeededState,
  ROOT,
  seedComposeState,
  statePath,
} from '../../scripts/seed-compose-state';
import { loadStage, PACKAGE_TIMEOUT_MS, type StageTemplates } from './templates';

describe('shared esbuild options', () => {
  const options = parse(readFileSync(join(ROOT, 'packages/serverless-config/esbuild.yml'), 'utf8')) as Record<
    string,
    unknown
  >;
  // Every error class a Lambda (or the training container) can throw, bundled and minified exactly as `sls package` does.
  const errorModules = [
    'packages/core/src/errors.ts',
    'packages/lambda-kit/src/endpoint.ts',
    'packages/data-quality/src/errors.ts',
    'packages/data-quality/src/csv/scanner.ts',
    'packages/hpo/src/errors.ts',
    'packages/report/src/dashboard/aggregate.ts',
    'services/publishing/src/lib/published.ts',
    // The training container's (docker/trainer): its failure file starts with the error's name.
    'docker/trainer/src/errors.ts',
  ];
  const bundledErrors = async (overrides: Record<string, unknown> = {}) => {
    const out = await build({
      stdin: {
        contents: errorModules.map((m) => `export * from ${JSON.stringify(join(ROOT, m))};`).join('\n'),
        loader: 'ts',
        resolveDir: ROOT,
      },
      bundle: true,
      write: false,
      minify: options.minify as boolean,
      keepNames: options.keepNames as boolean,
      target: options.target as string,
      platform: 'node',
      format: options.format as 'cjs',
      external: ['@aws-sdk/*', ...(options.external as string[])],
      logLevel: 'silent',
      ...overrides,
    });
    const module = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', 'require', out.outputFiles[0]!.text)(module, module.exports, require);
    return Object.entries(module.exports).filter(
      (entry): entry is [string, new (...args: never[]) => Error] =>
        typeof entry[1] === 'function' && (entry[1] as { prototype: unknown }).prototype instanceof Error,
    );
  };

  it('keeps every error class name through minification (the state machine matches them)', async () => {
    const errors = await bundledErrors();
    expect(errors.map(([name]) => name)).toEqual(expect.arrayContaining(['TransientError', 'ConfigError', 'ScoringDataError']));
    for (const [name, ErrorClass] of errors) {
      const args = name === 'DqdlSyntaxError' ? ['m', { line: 1, column: 1 }] : name === 'PredictRequestError' ? [['m']] : ['m'];
      expect(new ErrorClass(...(args as never[])).name, name).toBe(name);
    }
    // The names survive without keepNames (the bundles do not pay for it), yet minification does rename classes.
    expect(options.keepNames).toBe(false);
    const bare = await build({ stdin: { contents: 'class TransientError extends Error {}; module.exports = TransientError.name;' }, write: false, minify: true, format: 'cjs' });
    expect(bare.outputFiles[0]!.text).not.toContain('"TransientError"');
  });

  it('names every error the state machine matches after a class the Lambdas throw', async () => {
    const names = new Set((await bundledErrors()).map(([name]) => name));
    const asl = readFileSync(join(ROOT, 'state-machines/pipeline.asl.yml'), 'utf8');
    const matched = [...asl.matchAll(/ErrorEquals: \[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()));
    // States.*, Lambda.* come from the services; ApprovalRejectedError is sent by decideApproval via SendTaskFailure.
    const ours = matched.filter((n) => !/^(States|Lambda)\./.test(n) && n !== 'ApprovalRejectedError');
    expect(ours.length).toBeGreaterThan(0);
    for (const name of ours) expect(names, name).toContain(name);
  });

  it('bundles everything but the runtime SDK and the local backend', () => {
    expect(options).toMatchObject({
      bundle: true,
      minify: true,
      target: 'node22',
      format: 'cjs',
      skipRebuild: true,
      sourcemap: false,
    });
    expect(options.exclude).toEqual(['@aws-sdk/*', '@mlops/local-backend']);
    expect(options.external).toEqual(['@mlops/local-backend']);
  });
});

describe('seed-compose-state', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const setup = () => {
    root = mkdtempSync(join(tmpdir(), 'seed-'));
    write('packages/serverless-config/params.yml', 'default:\n  project: acme\nprod:\n  project: acme-prod\n');
    write(
      'serverless-compose.yml',
      'services:\n  base:\n    path: services/base\n  app:\n    path: services/app\n    params:\n' +
        '      bucket: ${base.DataBucketName}\n      fn: ${base.StartThingFunctionArn}\n',
    );
  };
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes realistic placeholders for every referenced output, marked as seeded', () => {
    setup();
    const { action, path } = seedComposeState({ stage: 'dev', root });
    const state = JSON.parse(readFileSync(path, 'utf8'));
    expect(action).toBe('created');
    expect(path).toBe(statePath('dev', root));
    expect(state.components.base.outputs).toEqual({
      SeededBy: 'scripts/seed-compose-state.ts',
      DataBucketName: 'acme-dev-data-000000000000-eu-west-1',
      StartThingFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:acme-dev-startThing',
    });
    expect(state.components.app.outputs).toEqual({ SeededBy: 'scripts/seed-compose-state.ts' });
  });

  it('refreshes its own placeholders but never touches a real deploy state', () => {
    setup();
    seedComposeState({ stage: 'prod', root });
    expect(seedComposeState({ stage: 'prod', root }).action).toBe('refreshed');
    const real = {
      components: {
        base: { outputs: { DataBucketName: 'real-bucket', StartThingFunctionArn: 'arn:real' } },
        app: { outputs: {} },
      },
    };
    writeFileSync(statePath('prod', root), JSON.stringify(real));

    expect(seedComposeState({ stage: 'prod', root }).action).toBe('kept-real-state');
    expect(removeSeededState('prod', root)).toBe(false);
    expect(JSON.parse(readFileSync(statePath('prod', root), 'utf8'))).toEqual(real);
  });

  it('refuses a real state that lacks an output compose needs', () => {
    setup();
    write(
      '.serverless/state.dev.json',
      JSON.stringify({ components: { base: { outputs: { DataBucketName: 'real' } } } }),
    );
    expect(() => seedComposeState({ stage: 'dev', root })).toThrow(/base\.StartThingFunctionArn.*refresh-outputs/);
  });

  it('removes a state it seeded', () => {
    setup();
    seedComposeState({ stage: 'dev', root });
    expect(removeSeededState('dev', root)).toBe(true);
    expect(existsSync(statePath('dev', root))).toBe(false);
  });

  it('names placeholders the way the stacks name the real resources', () => {
    const ctx = { project: 'mlops', stage: 'prod', region: 'us-east-1' };
    expect(placeholderOutput('NotifyTopicArn', ctx)).toBe(
      'arn:aws:sns:us-east-1:000000000000:mlops-prod-notifications',
    );
    expect(placeholderOutput('SageMakerRoleArn', ctx)).toBe(
      'arn:aws:iam::000000000000:role/mlops-prod-sagemaker-us-east-1',
    );
    expect(placeholderOutput('ArtifactsBucketName', ctx)).toBe('mlops-prod-artifacts-000000000000-us-east-1');
  });
});

describe('compose wiring (stage dev)', () => {
  let stage: StageTemplates;
  beforeAll(async () => {
    stage = await loadStage('dev');
  }, PACKAGE_TIMEOUT_MS);

  it('references only outputs the services declare', () => {
    for (const [service, outputs] of composeOutputReferences()) {
      const declared = Object.keys(stage.templates[service]?.Outputs ?? {});
      for (const output of outputs) expect(declared, `${service}.${output}`).toContain(output);
    }
  });

  it('seeds placeholders equal to what the stacks will output (same names, same shape)', () => {
    const ingest = stage.templates.ingest!.Resources;
    const buckets = ['DataBucket', 'ArtifactsBucket'].map(
      (id) => (ingest[id]!.Properties!.BucketName as { 'Fn::Sub': string })['Fn::Sub'],
    );
    const render = (text: string) =>
      text.replace('${AWS::AccountId}', '000000000000').replace('${AWS::Region}', 'eu-west-1');
    expect(buckets.map(render)).toEqual([
      stage.outputs.ingest!.DataBucketName,
      stage.outputs.ingest!.ArtifactsBucketName,
    ]);
    expect(`arn:aws:sns:eu-west-1:000000000000:${String(ingest.NotifyTopic!.Properties!.TopicName)}`).toBe(
      stage.outputs.ingest!.NotifyTopicArn,
    );
  });
});

/** `services/<svc>/events/<fnKey>.json` against the `<FnKey>Event` schema its domain module exports. */
describe('sample events', () => {
  const functionsOf = (dir: string) =>
    // CloudFormation tags (!Sub, !GetAtt) are irrelevant here: only the function keys are read.
    Object.keys(
      (
        parse(readFileSync(join(dir, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as {
          functions: Record<string, unknown>;
        }
      ).functions,
    );
  const cases = Object.entries(composeServices()).flatMap(([service, dir]) =>
    functionsOf(dir).map((fn) => ({ service, dir, fn })),
  );

  it('has one sample event per function and no other', () => {
    for (const [service, dir] of Object.entries(composeServices())) {
      const events = readdirSync(join(dir, 'events')).map((f) => f.replace(/\.json$/, ''));
      expect(events.sort(), service).toEqual(functionsOf(dir).sort());
    }
  });

  it.each(cases)('$service/events/$fn.json is a valid $fn event', async ({ dir, fn }) => {
    const module = (await import(join(dir, 'src/functions', fn, `${fn}.ts`))) as Record<string, unknown>;
    const schema = module[`${fn.charAt(0).toUpperCase()}${fn.slice(1)}Event`] as ZodType | undefined;
    expect(schema, `${fn}.ts exports ${fn}Event`).toBeDefined();
    const event: unknown = JSON.parse(readFileSync(join(dir, 'events', `${fn}.json`), 'utf8'));
    const result = schema!.safeParse(event);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });
});
