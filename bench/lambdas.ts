import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { spread, type Spread } from './stats';

export interface LambdaFigures {
  fn: string;
  service: string;
  bytes: number;
  /** The runtime's `@aws-sdk/client-*` modules the function's code imports from (loaded on first use: esbuild-plugins.cjs). */
  sdkModules: string[];
  /** Of those, the ones loading the bundle loads (none while the lazy-aws-sdk plugin does its work). */
  sdkAtLoad: string[];
  /** Loading the bundle in a fresh `node` (what a cold start adds to a bare `node -e 0`). */
  loadMs: Spread;
  /** CPU time (user + system) of the same load: steadier than wall time on a busy machine. */
  loadCpuMs: Spread;
  /** Loading the SDK modules in `sdkModules` in a fresh `node`: the most the first invocation adds on top. */
  sdkFirstUseMs: Spread;
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
 * `require` of `modules` timed inside a fresh `node`: the milliseconds, and the `@aws-sdk/client-*` modules the timed
 * `require`s loaded. Timing inside the process leaves node's own start-up (the bare `node -e 0`) and its noise out.
 */
function requireMs(cwd: string, modules: string[]): { ms: number; cpuMs: number; sdk: string[] } {
  const script = [
    'const before = new Set(Object.keys(require.cache)); const cpu = process.cpuUsage(); const t = process.hrtime.bigint();',
    ...modules.map((m) => `require(${JSON.stringify(m)});`),
    'const ms = Number(process.hrtime.bigint() - t) / 1e6; const used = process.cpuUsage(cpu); const cpuMs = (used.user + used.system) / 1e3;',
    'const sdk = Object.keys(require.cache).filter((k) => !before.has(k)).map((k) => /@aws-sdk[/](client-[a-z0-9-]+)[/]/.exec(k)?.[1]);',
    'process.stdout.write(JSON.stringify({ ms, cpuMs, sdk: [...new Set(sdk.filter(Boolean))].sort() }));',
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' })) as { ms: number; cpuMs: number; sdk: string[] };
}

/**
 * Every Lambda bundled exactly as `sls package` bundles it (packages/serverless-config/esbuild.yml, its plugins
 * included): its minified size; the time to load it in a fresh `node` (the cold-start cost above a bare
 * `node -e 0`) and the SDK client modules that loads; and, apart, what loading the SDK clients it uses costs its
 * first invocation.
 */
export async function benchLambdas(repo: string, runs: number): Promise<{ bare: Spread; lambdas: LambdaFigures[] }> {
  const options = parse(readFileSync(join(repo, 'packages/serverless-config/esbuild.yml'), 'utf8')) as Record<string, unknown>;
  // `plugins` is a path relative to a service's folder, as serverless-esbuild reads it.
  const plugins = createRequire(import.meta.url)(join(repo, 'services', 'ingest', options.plugins as string)) as Plugin[];
  const lambdas: LambdaFigures[] = [];
  const bareTimes = nodeMs(repo, '0', runs);
  for (const service of readdirSync(join(repo, 'services'))) {
    const functions = join(repo, 'services', service, 'src', 'functions');
    if (!existsSync(functions)) continue;
    const outdir = join(repo, 'services', service, '.bench');
    mkdirSync(outdir, { recursive: true });
    for (const fn of readdirSync(functions)) {
      const outfile = join(outdir, `${fn}.cjs`);
      const result = await build({
        entryPoints: [join(functions, fn, 'handler.ts')],
        metafile: true,
        outfile,
        bundle: true,
        minify: options.minify as boolean,
        keepNames: options.keepNames as boolean,
        target: options.target as string,
        platform: 'node',
        format: 'cjs',
        external: ['@aws-sdk/*', ...((options.external as string[]) ?? [])],
        plugins,
        logLevel: 'silent',
      });
      const text = readFileSync(outfile, 'utf8');
      // The SDK packages the function's code imports from (the lazy modules): what its invocations can load.
      const sdkModules = [...new Set(Object.keys(result.metafile.inputs).flatMap((k) => /^lazy-aws-sdk:(@aws-sdk\/client-[a-z0-9-]+)\?/.exec(k)?.[1] ?? []))].sort();
      const loads = Array.from({ length: runs }, () => requireMs(outdir, [outfile]));
      const firstUse = Array.from({ length: runs }, () => requireMs(outdir, sdkModules));
      lambdas.push({
        fn,
        service,
        bytes: text.length,
        sdkModules,
        sdkAtLoad: loads[0]?.sdk.map((m) => `@aws-sdk/${m}`) ?? [],
        loadMs: spread(loads.map((l) => l.ms)),
        loadCpuMs: spread(loads.map((l) => l.cpuMs)),
        sdkFirstUseMs: spread(firstUse.map((l) => l.ms)),
      });
    }
  }
  return { bare: spread(bareTimes), lambdas };
}
