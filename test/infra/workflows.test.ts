import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/seed-compose-state';
import { STAGES } from './templates';

// The GitHub Actions workflows users run: valid for GitHub's own workflow schema (@actions/workflow-parser, the
// parser behind GitHub's language services), only known actions pinned to a release, OIDC without stored keys.

type Json = Record<string, any>;

// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node 20 refuses; this
// loader hook supplies the attribute for JSON files (Node resolves the package itself: vitest leaves it external).
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function load(url, context, next) { return next(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context); }",
  )}`,
);
const { NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');

const DIR = join(ROOT, '.github', 'workflows');
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows: Record<string, { text: string; doc: Json }> = Object.fromEntries(
  FILES.map((f) => {
    const text = readFileSync(join(DIR, f), 'utf8');
    return [f, { text, doc: parse(text) as Json }];
  }),
);

/** Actions a workflow may use, each pinned to a full release tag (vX.Y.Z) or a commit SHA. */
const KNOWN_ACTIONS = ['actions/checkout', 'actions/setup-node', 'aws-actions/configure-aws-credentials'];
const PINNED = /^(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

const jobsOf = (f: string) => Object.entries(workflows[f]?.doc.jobs as Record<string, Json>);
const stepsOf = (f: string) => jobsOf(f).flatMap(([job, j]) => ((j.steps ?? []) as Json[]).map((step) => ({ job, step })));

describe('GitHub Actions workflows', () => {
  it('has the CI and deploy workflows', () => {
    expect(FILES.sort()).toEqual(['ci.yml', 'deploy.yml']);
  });

  it.each(FILES)('%s is a valid workflow for GitHub (schema, expressions, job and step shapes)', (file) => {
    const result = parseWorkflow({ name: file, content: workflows[file]!.text }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it('the validator rejects a broken workflow (the check above can fail)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4.2.2\n        run: echo both\n    unknown-key: 1\n';
    const result = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  it.each(FILES)('%s: every job runs steps or calls a workflow of this repository, every step either uses or runs', (file) => {
    for (const [name, job] of jobsOf(file)) {
      if (job.uses !== undefined) {
        expect(String(job.uses), name).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.ya?ml$/);
        expect(existsSync(join(ROOT, job.uses)), `${name}: ${job.uses}`).toBe(true);
        continue;
      }
      expect(job['runs-on'], name).toBeDefined();
      expect(job['timeout-minutes'], `${name} has a timeout`).toBeGreaterThan(0);
      expect((job.steps as Json[]).length, name).toBeGreaterThan(0);
    }
    for (const { job, step } of stepsOf(file)) {
      expect([step.uses, step.run].filter((v) => v !== undefined), `${job}: ${JSON.stringify(step)}`).toHaveLength(1);
    }
  });

  it.each(FILES)('%s uses only known actions, each pinned to a release or commit', (file) => {
    for (const { job, step } of stepsOf(file).filter(({ step }) => step.uses !== undefined)) {
      const [action, ref] = String(step.uses).split('@') as [string, string | undefined];
      expect(KNOWN_ACTIONS, `${job}: ${step.uses}`).toContain(action);
      expect(ref ?? '', `${job}: ${step.uses}`).toMatch(PINNED);
    }
  });

  it.each(FILES)('%s holds no long-lived AWS keys nor secrets', (file) => {
    const { text } = workflows[file]!;
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY\s*:\s*\$\{\{/);
    expect(text).not.toMatch(/secrets\./);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}/);
  });

  it('runs lint, typecheck, tests and packages every stage on pull requests', () => {
    const ci = workflows['ci.yml']!.doc;
    expect(ci.on).toHaveProperty('pull_request');
    const runs = stepsOf('ci.yml')
      .filter(({ job }) => job === 'check')
      .map(({ step }) => String(step.run ?? ''))
      .join('\n');
    for (const command of ['pnpm lint', 'pnpm typecheck', 'pnpm test', 'pnpm package --stage']) expect(runs).toContain(command);
    expect(runs).toMatch(new RegExp(`for stage in ${STAGES.join(' ')}; do`));
    expect(ci.jobs.check.if).toBeUndefined();
  });

  it('deploys staging from main and prod from v* tags, after the checks, through the deploy workflow', () => {
    const ci = workflows['ci.yml']!.doc;
    expect(ci.on.push).toEqual({ branches: ['main'], tags: ['v*'] });
    const deploys = Object.fromEntries(jobsOf('ci.yml').filter(([, j]) => j.uses).map(([, j]) => [j.with.stage, j]));
    expect(Object.keys(deploys).sort()).toEqual(['prod', 'staging']);
    expect(deploys.staging.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploys.prod.if).toBe("github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')");
    for (const job of Object.values(deploys) as Json[]) {
      expect(job.needs).toBe('check');
      expect(job.uses).toBe('./.github/workflows/deploy.yml');
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it('deploys with an OIDC role from the stage environment, under its approval rules, with `pnpm run deploy`', () => {
    const deploy = workflows['deploy.yml']!.doc;
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const [[, job]] = jobsOf('deploy.yml') as [[string, Json]];
    expect(job.environment).toBe('${{ inputs.stage }}');
    expect(job.concurrency).toEqual({ group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false });
    const credentials = (job.steps as Json[]).find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'aws-region': '${{ vars.AWS_REGION }}' });
    const steps = job.steps as Json[];
    const run = steps.findIndex((s) => String(s.run ?? '').startsWith('pnpm run deploy --stage "$STAGE"'));
    expect(run).toBeGreaterThan(steps.indexOf(credentials as Json));
    // The stage reaches the shell through the environment, never interpolated into the script.
    expect(steps.filter((s) => String(s.run ?? '').includes('${{'))).toEqual([]);
  });
});
