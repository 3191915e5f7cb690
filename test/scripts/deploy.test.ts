import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployStage, DeployError, type CommandResult, type Runner } from '../../scripts/deploy';
import { ROOT } from '../../scripts/seed-compose-state';

const images = createRequire(import.meta.url)(join(ROOT, 'services/ingest/images.cjs')) as {
  imageTag(image: string): string;
};

/** A runner that records every command and answers from `answers` (first matching prefix), else exit 0. */
function fakeRunner(answers: [string, Partial<CommandResult>][] = []) {
  const calls: { line: string; input?: string }[] = [];
  const run: Runner = async (command, args, options) => {
    const line = [command, ...args].join(' ');
    calls.push({ line, input: options?.input });
    const answer = answers.find(([prefix]) => line.startsWith(prefix))?.[1] ?? {};
    return { code: 0, stdout: '', stderr: '', ...answer };
  };
  return { run, calls, lines: () => calls.map((c) => c.line) };
}

const DEPLOYING = /osls-compose|docker push|docker login|publish:pipelines|ecr /;

describe('pnpm run deploy (scripts/deploy.ts)', () => {
  it('without a Docker engine says so and stops before deploying or pushing anything', async () => {
    // Prepare
    const fake = fakeRunner([['docker info', { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' }]]);

    // Act
    const result = deployStage({ stage: 'dev', run: fake.run, log: () => {} });

    // Assess
    await expect(result).rejects.toThrow(/no Docker engine is reachable .*Cannot connect to the Docker daemon.*Nothing was deployed/);
    await expect(result).rejects.toMatchObject({ deployed: false });
    expect(fake.lines()).toEqual(['docker info --format {{.ServerVersion}}']);
  });

  it('stops before deploying when an image does not build', async () => {
    // Prepare
    const fake = fakeRunner([
      ['aws sts get-caller-identity', { stdout: '123456789012\n' }],
      ['docker build', { code: 1 }],
    ]);

    // Act
    const result = deployStage({ stage: 'dev', region: 'eu-west-1', run: fake.run, log: () => {} });

    // Assess
    await expect(result).rejects.toBeInstanceOf(DeployError);
    expect(fake.lines().filter((l) => DEPLOYING.test(l))).toEqual([]);
  });

  it('builds, deploys the repositories, pushes the content-tagged image, then deploys every service', async () => {
    // Prepare
    const fake = fakeRunner([
      ['aws sts get-caller-identity', { stdout: '123456789012\n' }],
      ['aws ecr get-login-password', { stdout: 'secret-token\n' }],
      ['aws ecr describe-images', { code: 254, stderr: 'ImageNotFoundException' }],
    ]);
    const tag = images.imageTag('trainer');
    const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-staging-trainer:${tag}`;

    // Act
    const result = await deployStage({ stage: 'staging', region: 'eu-west-1', run: fake.run, log: () => {} });

    // Assess
    expect(fake.lines()).toEqual([
      'docker info --format {{.ServerVersion}}',
      'aws sts get-caller-identity --query Account --output text',
      `docker build --platform linux/amd64 -f docker/trainer/Dockerfile -t ${uri} .`,
      'pnpm exec osls-compose ingest:deploy --stage staging --region eu-west-1',
      'aws ecr get-login-password --region eu-west-1',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      `aws ecr describe-images --region eu-west-1 --repository-name mlops-staging-trainer --image-ids imageTag=${tag}`,
      `docker push ${uri}`,
      'pnpm exec osls-compose deploy --stage staging --region eu-west-1',
      'pnpm -s publish:pipelines --stage staging',
    ]);
    // The password goes through stdin, never on a command line.
    expect(fake.calls.find((c) => c.line.startsWith('docker login'))?.input).toBe('secret-token');
    expect(fake.lines().join('\n')).not.toContain('secret-token');
    expect(result).toMatchObject({ account: '123456789012', images: { trainer: uri }, pushed: ['trainer'] });
  });

  it('does not push a tag the repository already holds (tags are immutable)', async () => {
    // Prepare
    const fake = fakeRunner([['aws sts get-caller-identity', { stdout: '123456789012' }]]);

    // Act
    const result = await deployStage({ stage: 'dev', region: 'eu-west-1', run: fake.run, log: () => {} });

    // Assess
    expect(result.pushed).toEqual([]);
    expect(fake.lines().some((l) => l.startsWith('docker push'))).toBe(false);
    expect(fake.lines().at(-2)).toBe('pnpm exec osls-compose deploy --stage dev --region eu-west-1');
  });

  const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
  it.skipIf(engine)('run for real on a machine without a Docker engine: exits 1 with the message, deploys nothing', () => {
    // Act: PATH without the AWS CLI or compose would not matter: the script must stop at `docker info`.
    const run = spawnSync('pnpm', ['-s', 'run', 'deploy', '--stage', 'dev'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true' },
      timeout: 60_000,
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/deploy FAILED: no Docker engine is reachable/);
    expect(run.stderr).toMatch(/Nothing was deployed\./);
    expect(run.stdout).not.toMatch(/deploying|pushing/);
  }, 90_000);

  it('computes a tag that depends only on the image sources, deterministically', () => {
    expect(images.imageTag('trainer')).toMatch(/^[0-9a-f]{16}$/);
    expect(images.imageTag('trainer')).toBe(images.imageTag('trainer'));
  });
});
