/**
 * Deploy a stage in one command: `pnpm deploy --stage <stage> [--region <region>]`.
 *
 * 1. computes each image's tag (content hash of docker/<image>/ and its workspace packages: services/ingest/images.cjs,
 *    the same function serverless.yml renders the image URIs with),
 * 2. checks a Docker engine answers (`docker info`) and the AWS identity (`aws sts get-caller-identity`),
 * 3. builds every image locally — any failure so far stops here, before anything is deployed,
 * 4. deploys the ingest stack (it owns the ECR repositories), logs in to ECR and pushes the images whose tag the
 *    repository does not hold yet (tags are immutable),
 * 5. deploys every service through compose (`osls-compose deploy`), then publishes the pipeline configs.
 *
 * Commands run through an injectable runner, so tests can assert what would run (and that nothing deploys without
 * Docker). IAM the deploying identity needs: docs/deploy.md.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectName, removeSeededState, ROOT, stageArgument } from './seed-compose-state';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin (e.g. the ECR password for `docker login --password-stdin`). */
  input?: string;
  /** Stream the command's output to this terminal (builds, deploys) instead of capturing it. */
  stream?: boolean;
}

/** Runs one external command; never throws for a non-zero exit (the caller decides). */
export type Runner = (command: string, args: string[], options?: RunOptions) => Promise<CommandResult>;

export interface DeployOptions {
  stage: string;
  region?: string;
  root?: string;
  run?: Runner;
  log?: (line: string) => void;
}

export interface DeployResult {
  stage: string;
  region: string;
  account: string;
  /** Image name → pushed URI. */
  images: Record<string, string>;
  /** Images that were pushed now (the others were already in their repository). */
  pushed: string[];
}

/** A deploy that stopped; `deployed` tells whether any stack had been touched when it did. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly deployed: boolean,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

interface Images {
  imageTags(root?: string): Record<string, string>;
  repositoryName(project: string, stage: string, image: string): string;
}

/** The default runner: spawns the command from the repository root, with node_modules/.bin on PATH. */
export function spawnRunner(root = ROOT): Runner {
  return (command, args, options = {}) =>
    new Promise((resolvePromise) => {
      const child = spawn(command, args, {
        cwd: root,
        env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', options.stream ? 'inherit' : 'pipe', options.stream ? 'inherit' : 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (error) => resolvePromise({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
      child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
}

const firstLine = (r: CommandResult) => (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';

interface Plan {
  stage: string;
  region: string;
  project: string;
  run: Runner;
  log: (line: string) => void;
  images: Images;
  tags: Record<string, string>;
}

/** Docker engine and AWS identity: the account of the registry, or a DeployError before anything happens. */
async function preflight(plan: Plan): Promise<string> {
  const docker = await plan.run('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (docker.code !== 0) {
    throw new DeployError(
      `no Docker engine is reachable (\`docker info\`: ${firstLine(docker) || `exit ${docker.code}`}). ` +
        'The training image must be built and pushed with the stage; start Docker (or run on a machine or CI runner ' +
        'with one) and deploy again. Nothing was deployed.',
      false,
    );
  }
  const identity = await plan.run('aws', ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text']);
  const account = identity.stdout.trim();
  if (identity.code !== 0 || !/^\d{12}$/.test(account)) {
    throw new DeployError(`no usable AWS identity (\`aws sts get-caller-identity\`: ${firstLine(identity)}). Nothing was deployed.`, false);
  }
  return account;
}

/** Log in to ECR and push every image its repository does not hold yet; returns the images pushed. */
async function pushImages(plan: Plan, registry: string, uris: Record<string, string>): Promise<string[]> {
  const { run, region } = plan;
  const password = await run('aws', ['ecr', 'get-login-password', '--region', region]);
  if (password.code !== 0) throw new DeployError(`aws ecr get-login-password failed: ${firstLine(password)}`, true);
  const login = await run('docker', ['login', '--username', 'AWS', '--password-stdin', registry], { input: password.stdout.trim() });
  if (login.code !== 0) throw new DeployError(`docker login to ${registry} failed: ${firstLine(login)}`, true);
  const pushed: string[] = [];
  for (const [image, uri] of Object.entries(uris)) {
    const repository = plan.images.repositoryName(plan.project, plan.stage, image);
    const tag = plan.tags[image] as string;
    const present = await run('aws', ['ecr', 'describe-images', '--region', region, '--repository-name', repository, '--image-ids', `imageTag=${tag}`]);
    if (present.code === 0) {
      plan.log(`${image}: ${tag} already in ${repository}`);
      continue;
    }
    plan.log(`pushing ${uri}`);
    const push = await run('docker', ['push', uri], { stream: true });
    if (push.code !== 0) throw new DeployError(`docker push ${uri} failed (exit ${push.code})`, true);
    pushed.push(image);
  }
  return pushed;
}

/** Run a deploying command; a failure says that stacks may have changed. */
async function mustSucceed(plan: Plan, what: string, command: string, args: string[]): Promise<void> {
  const result = await plan.run(command, args, { stream: true });
  if (result.code !== 0) throw new DeployError(`${what} failed (exit ${result.code})`, true);
}

/**
 * Build and push the stage's images, then deploy every service of the stage.
 * @example await deployStage({ stage: 'staging', region: 'eu-west-1' })
 */
export async function deployStage(options: DeployOptions): Promise<DeployResult> {
  const root = options.root ?? ROOT;
  const { stage } = options;
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) throw new DeployError(`invalid stage "${stage}"`, false);
  const images = createRequire(import.meta.url)(join(root, 'services/ingest/images.cjs')) as Images;
  const plan: Plan = {
    stage,
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-west-1',
    project: projectName(stage, root),
    run: options.run ?? spawnRunner(root),
    log: options.log ?? ((line: string) => console.log(line)),
    images,
    tags: images.imageTags(root),
  };
  const account = await preflight(plan);
  const registry = `${account}.dkr.ecr.${plan.region}.amazonaws.com`;
  const uris = Object.fromEntries(
    Object.entries(plan.tags).map(([image, tag]) => [image, `${registry}/${images.repositoryName(plan.project, stage, image)}:${tag}`]),
  );
  for (const [image, uri] of Object.entries(uris)) {
    plan.log(`building ${image} → ${uri}`);
    const built = await plan.run('docker', ['build', '--platform', 'linux/amd64', '-f', `docker/${image}/Dockerfile`, '-t', uri, '.'], { stream: true });
    if (built.code !== 0) throw new DeployError(`docker build of ${image} failed (exit ${built.code}). Nothing was deployed.`, false);
  }

  // Never deploy from placeholder outputs left by an interrupted `pnpm package`.
  removeSeededState(stage, root);
  const composeArgs = (command: string) => ['exec', 'osls-compose', command, '--stage', stage, '--region', plan.region];
  plan.log(`deploying ingest (${plan.project}-${stage}-ingest: buckets, image repositories)`);
  await mustSucceed(plan, 'deploying ingest', 'pnpm', composeArgs('ingest:deploy'));
  const pushed = await pushImages(plan, registry, uris);
  plan.log(`deploying every service of ${stage}`);
  await mustSucceed(plan, `osls-compose deploy --stage ${stage}`, 'pnpm', composeArgs('deploy'));
  await mustSucceed(plan, 'publishing the pipeline configs', 'pnpm', ['-s', 'publish:pipelines', '--stage', stage]);
  return { stage, region: plan.region, account, images: uris, pushed };
}

function regionArgument(argv: string[]): string | undefined {
  const index = argv.indexOf('--region');
  return index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--region='))?.slice('--region='.length);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  try {
    const stage = stageArgument(argv);
    const result = await deployStage({ stage, region: regionArgument(argv) });
    console.log(`deployed ${result.stage} to ${result.account}/${result.region}; images: ${Object.values(result.images).join(', ')}`);
  } catch (error) {
    const deployed = error instanceof DeployError && error.deployed;
    console.error(`\ndeploy FAILED: ${(error as Error).message}${deployed ? '\n(some stacks were updated; fix the cause and deploy again)' : ''}`);
    process.exit(1);
  }
}
