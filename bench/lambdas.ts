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
  /** The runtime's `@aws-sdk/client-*` modules that loading the bundle loads (the rest load on first use, if ever). */
  sdkModules: string[];
  /** Loading the bundle in a fresh `node` (what runs after a bare `node -e 0`), with the SDK modules it loads. */
  loadMs: Spread;
  /** The bundle's own code alone: loading it once the SDK modules it loads are already loaded. */
  codeMs: Spread;
  /** CPU time (user + system) of the same two loads: steadier than wall time on a busy machine. */
  loadCpuMs: Spread;
  codeCpuMs: Spread;
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
 * `require(bundle)` timed inside a fresh `node` (`preload` required first, untimed): the milliseconds, and the
 * `@aws-sdk/client-*` modules the timed `require` loaded. Timing inside the process leaves node's own start-up
 * (the bare `node -e 0`) and its noise out.
 */
function requireMs(cwd: string, bundle: string, preload: string[]): { ms: number; cpuMs: number; sdk: string[] } {
  const script = [
    ...preload.map((m) => `require(${JSON.stringify(m)});`),
    'const before = new Set(Object.keys(require.cache)); const cpu = process.cpuUsage(); const t = process.hrtime.bigint();',
    `require(${JSON.stringify(bundle)});`,
    'const ms = Number(process.hrtime.bigint() - t) / 1e6; const used = process.cpuUsage(cpu); const cpuMs = (used.user + used.system) / 1e3;',
    'const sdk = Object.keys(require.cache).filter((k) => !before.has(k)).map((k) => /@aws-sdk[/](client-[a-z0-9-]+)[/]/.exec(k)?.[1]);',
    'process.stdout.write(JSON.stringify({ ms, cpuMs, sdk: [...new Set(sdk.filter(Boolean))].sort() }));',
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' })) as { ms: number; cpuMs: number; sdk: string[] };
}

/**
 * Every Lambda bundled exactly as `sls package` bundles it (packages/serverless-config/esbuild.yml): its minified
 * size; the time to load it in a fresh `node` (the cold-start cost above a bare `node -e 0`), with the runtime's SDK
 * client modules that loading it loads; and the time of its own code alone, those SDK modules already loaded.
 */
export async function benchLambdas(repo: string, runs: number): Promise<{ bare: Spread; lambdas: LambdaFigures[] }> {
  const options = parse(readFileSync(join(repo, 'packages/serverless-config/esbuild.yml'), 'utf8')) as Record<string, unknown>;
  const lambdas: LambdaFigures[] = [];
  const bareTimes = nodeMs(repo, '0', runs);
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
      const loads = Array.from({ length: runs }, () => requireMs(outdir, outfile, []));
      const sdkModules = loads[0]?.sdk.map((m) => `@aws-sdk/${m}`) ?? [];
      const code = Array.from({ length: runs }, () => requireMs(outdir, outfile, sdkModules));
      lambdas.push({
        fn,
        service,
        bytes: readFileSync(outfile).length,
        sdkModules,
        loadMs: spread(loads.map((l) => l.ms)),
        codeMs: spread(code.map((l) => l.ms)),
        loadCpuMs: spread(loads.map((l) => l.cpuMs)),
        codeCpuMs: spread(code.map((l) => l.cpuMs)),
      });
    }
  }
  return { bare: spread(bareTimes), lambdas };
}
