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
  /** The `@aws-sdk/*` modules the bundle requires (the runtime's, not in the bundle). */
  sdkModules: string[];
  /** Process load above a bare `node -e 0`: the bundle and the SDK modules it requires at load. */
  loadMs: Spread;
  /** The bundle's own code alone: `require` of the bundle once its SDK modules are already loaded. */
  codeMs: Spread;
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

/** `require` the SDK modules, then time `require(bundle)` alone from inside the process (median of `runs`). */
function codeMs(cwd: string, bundle: string, sdk: string[], runs: number): number[] {
  const script = `${sdk.map((m) => `require(${JSON.stringify(m)});`).join('')}const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Number(execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' })));
  return times;
}

/**
 * Every Lambda bundled exactly as `sls package` bundles it (packages/serverless-config/esbuild.yml): its minified
 * size, the time to load its module above a bare `node -e 0` including the runtime's SDK modules it requires at
 * load, and the time of its own code alone (SDK modules already loaded).
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
      const result = await build({
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
        metafile: true,
      });
      const sdkModules = [
        ...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))),
      ].sort();
      const load = nodeMs(outdir, `require(${JSON.stringify(outfile)})`, runs).map((t) => t - bare);
      const code = codeMs(outdir, outfile, sdkModules, runs);
      lambdas.push({ fn, service, bytes: readFileSync(outfile).length, sdkModules, loadMs: spread(load), codeMs: spread(code) });
    }
  }
  return { bare: spread(bareTimes), lambdas };
}
