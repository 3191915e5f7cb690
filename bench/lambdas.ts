import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { spread, type Spread } from './stats';

export interface LambdaFigures {
  fn: string;
  service: string;
  bytes: number;
  loadMs: Spread;
}

/** Milliseconds a fresh `node` takes to evaluate `script` (median of `runs`), from the process's own clock. */
function nodeMs(cwd: string, script: string, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', script], { cwd, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times;
}

/**
 * Every Lambda bundled exactly as `sls package` bundles it (packages/serverless-config/esbuild.yml): its minified
 * size, and the time to load its module above a bare `node -e 0` (cold-start cost of our code; the SDK is the runtime's).
 */
export async function benchLambdas(repo: string, runs: number): Promise<{ bare: Spread; lambdas: LambdaFigures[] }> {
  const options = parse(readFileSync(join(repo, 'packages/serverless-config/esbuild.yml'), 'utf8')) as Record<string, unknown>;
  const lambdas: LambdaFigures[] = [];
  const bareTimes = nodeMs(repo, '0', runs);
  const bare = spread(bareTimes).median;
  for (const service of readdirSync(join(repo, 'services'))) {
    const functions = join(repo, 'services', service, 'src', 'functions');
    if (!existsSync(functions)) continue;
    const outdir = join(repo, 'services', service, '.bench');
    mkdirSync(outdir, { recursive: true });
    for (const fn of readdirSync(functions)) {
      const outfile = join(outdir, `${fn}.cjs`);
      await build({
        entryPoints: [join(functions, fn, 'handler.ts')],
        outfile,
        bundle: true,
        minify: options.minify as boolean,
        keepNames: options.keepNames as boolean,
        target: options.target as string,
        platform: 'node',
        format: 'cjs',
        external: ['@aws-sdk/*', ...((options.external as string[]) ?? [])],
        logLevel: 'silent',
      });
      const load = nodeMs(outdir, `require(${JSON.stringify(outfile)})`, runs).map((t) => t - bare);
      lambdas.push({ fn, service, bytes: readFileSync(outfile).length, loadMs: spread(load) });
    }
  }
  return { bare: spread(bareTimes), lambdas };
}
