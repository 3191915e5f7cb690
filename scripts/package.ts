/**
 * Package every service of a stage offline: `pnpm package --stage <stage>`.
 *
 * 1. seeds compose outputs when no deploy state exists (scripts/seed-compose-state.ts),
 * 2. runs `osls-compose package --stage <stage>` through `pnpm exec` (compose spawns `serverless` from PATH),
 *    with dummy credentials, under a timeout that kills the whole process group (a failed esbuild build can
 *    leave `sls package` hanging),
 * 3. checks every service left `.serverless/cloudformation-template-update-stack.json`, and copies the templates
 *    to `.serverless/packaged/<stage>/` (a service's `.serverless/` only ever holds the last stage packaged),
 * 4. removes the state it seeded, so a later real deploy never starts from placeholders.
 * One packaging at a time per checkout (a lock in `.serverless/`): packages share the services' folders.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { processAlive } from '@mlops/core';
import { ROOT, readComposeOutputs, removeSeededState, seedComposeState, stageArgument } from './seed-compose-state';

const TIMEOUT_MS = Number(process.env.MLOPS_PACKAGE_TIMEOUT_MS ?? 600_000);
const LOCK_WAIT_MS = TIMEOUT_MS + 60_000;
const TEMPLATE = 'cloudformation-template-update-stack.json';

export interface PackageOptions {
  stage: string;
  /** Print compose's output only when it fails. */
  quiet?: boolean;
  /** Reuse `.serverless/packaged/<stage>` when it is newer than every file that shapes the templates. */
  onlyIfStale?: boolean;
  root?: string;
}

export interface PackageResult {
  stage: string;
  seconds: number;
  /** `.serverless/packaged/<stage>`: `<service>.json` templates and `compose-outputs.json`. */
  dir: string;
  services: string[];
}

/** Services in serverless-compose.yml, with their folders. */
export function composeServices(root = ROOT): Record<string, string> {
  const compose = parse(readFileSync(join(root, 'serverless-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { path: string }>;
  };
  return Object.fromEntries(Object.entries(compose.services).map(([name, s]) => [name, join(root, s.path)]));
}

/** Where packageStage leaves a stage's templates. */
export function packagedDir(stage: string, root = ROOT): string {
  return join(root, '.serverless', 'packaged', stage);
}

/** Files whose change changes a packaged template (handler code only changes the zips). */
export function templateInputs(root = ROOT): string[] {
  const files = [join(root, 'serverless-compose.yml')];
  const inDir = (dir: string, pattern: RegExp) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => pattern.test(f))
          .map((f) => join(dir, f))
      : [];
  for (const dir of Object.values(composeServices(root))) files.push(join(dir, 'serverless.yml'), ...inDir(dir, /\.cjs$/));
  // Schedules are generated from the pipeline configs (services/ingest/schedules.cjs).
  files.push(...inDir(join(root, 'pipelines'), /\.ya?ml$/));
  files.push(...inDir(join(root, 'packages', 'serverless-config'), /\.(ya?ml|cjs|json)$/));
  files.push(...inDir(join(root, 'state-machines'), /\.ya?ml$/));
  return files;
}

/** Whether `.serverless/packaged/<stage>` exists and is newer than every template input. */
export function isPackagedFresh(stage: string, root = ROOT): boolean {
  const marker = join(packagedDir(stage, root), 'compose-outputs.json');
  if (!existsSync(marker)) return false;
  const packagedAt = statSync(marker).mtimeMs;
  // Image URIs carry a content hash of the image sources (services/ingest/images.cjs): a source change makes them stale.
  const images = createRequire(import.meta.url)(join(root, 'services/ingest/images.cjs')) as { imageTags(root: string): Record<string, string> };
  const outputs = readFileSync(marker, 'utf8');
  if (Object.values(images.imageTags(root)).some((tag) => !outputs.includes(`:${tag}`))) return false;
  return templateInputs(root).every((file) => !existsSync(file) || statSync(file).mtimeMs < packagedAt);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lock directory (mkdir is atomic); a lock whose owner died is taken over. */
async function withLock<T>(root: string, run: () => Promise<T>): Promise<T> {
  const lock = join(root, '.serverless', 'package.lock');
  mkdirSync(join(root, '.serverless'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isFinite(owner) && !processAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another packaging holds ${lock} (pid ${owner}); gave up waiting`);
      await sleep(250);
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function runCompose(stage: string, root: string, quiet: boolean): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Packaging never calls AWS: dummy credentials keep it offline and stop SDK credential probing.
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'y',
    AWS_REGION: process.env.AWS_REGION || 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return new Promise((resolvePromise, reject) => {
    const child = spawn('pnpm', ['exec', 'osls-compose', 'package', '--stage', stage], {
      cwd: root,
      env,
      detached: true,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      reject(
        new Error(
          `osls-compose package --stage ${stage} did not finish within ${TIMEOUT_MS / 1000} s (killed)\n${output}`,
        ),
      );
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`osls-compose package --stage ${stage} exited with ${code}\n${output}`));
    });
  });
}

/** Package every service of `stage`; throws with compose's output on any failure. */
export async function packageStage(options: PackageOptions): Promise<PackageResult> {
  const root = options.root ?? ROOT;
  const { stage } = options;
  return withLock(root, async () => {
    const started = Date.now();
    const services = composeServices(root);
    if (options.onlyIfStale && isPackagedFresh(stage, root)) {
      return { stage, seconds: 0, dir: packagedDir(stage, root), services: Object.keys(services) };
    }
    const seed = seedComposeState({ stage, root, region: process.env.AWS_REGION || 'eu-west-1' });
    try {
      for (const dir of Object.values(services)) rmSync(join(dir, '.serverless', TEMPLATE), { force: true });
      await runCompose(stage, root, options.quiet ?? false);
      const out = packagedDir(stage, root);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      for (const [name, dir] of Object.entries(services)) {
        const template = join(dir, '.serverless', TEMPLATE);
        if (!existsSync(template) || statSync(template).mtimeMs < started) {
          throw new Error(`${name}: osls-compose reported success but left no ${template}`);
        }
        copyFileSync(template, join(out, `${name}.json`));
      }
      writeFileSync(join(out, 'compose-outputs.json'), `${JSON.stringify(readComposeOutputs(stage, root), null, 2)}\n`);
      return { stage, seconds: (Date.now() - started) / 1000, dir: out, services: Object.keys(services) };
    } finally {
      if (seed.action !== 'kept-real-state') removeSeededState(stage, root);
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let stage = 'dev';
  try {
    stage = process.argv.slice(2).some((a) => a.startsWith('--stage') || a === '-s')
      ? stageArgument(process.argv.slice(2))
      : 'dev';
    const result = await packageStage({ stage });
    console.log(
      `packaged ${result.services.length} services for stage ${stage} in ${result.seconds.toFixed(1)} s → ${result.dir}`,
    );
  } catch (error) {
    console.error(`\npackage --stage ${stage} FAILED: ${(error as Error).message}`);
    process.exit(1);
  }
}
