#!/usr/bin/env node
// `pnpm mlops` / `pnpm start`: the CLI and every Lambda handler bundled by esbuild into one cached build (shared
// chunks, so the runner and the handlers it invokes share their modules, as they do under tsx), rebuilt when a source
// file changes. Starting from the bundle skips transpiling and resolving ~1,000 workspace modules on every run.
// The handlers are the same source files `sls package` bundles for AWS. MLOPS_NO_BUNDLE=1 runs the sources under tsx.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = dirname(dirname(cli));
const cacheRoot = join(cli, 'node_modules', '.cache', 'mlops');
/** Native, optional or self-locating modules (esbuild finds its binary next to its own file) stay outside the bundle. */
const EXTERNAL = ['@duckdb/*', 'canvas', 'playwright-core', 'fsevents', 'esbuild'];
/**
 * Externals most runs never call, loaded on first use instead of at start-up: esbuild (local container images are
 * bundled only on a cache miss) and DuckDB's native library (`mlops query`). Each entry is the module's API the
 * workspace uses; importing anything else from them fails the build ("No matching export"), never silently.
 */
const LAZY = {
  esbuild: "export const build = async (...args) => (await import('esbuild')).build(...args);",
  '@duckdb/node-api':
    "export const DuckDBInstance = { create: async (...args) => (await import('@duckdb/node-api')).DuckDBInstance.create(...args) };",
};

const lazyExternals = {
  name: 'lazy-externals',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY).map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => (args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: LAZY[args.path], loader: 'js' }));
  },
};
const SOURCE = /\.(ts|mts|js|mjs|json)$/;

/** Every file that decides the bundle: workspace packages' and services' src and package.json, and the lockfile. */
function sources() {
  const files = [join(repo, 'pnpm-lock.yaml'), fileURLToPath(import.meta.url)];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(repo, group))) {
      const src = join(repo, group, name, 'src');
      if (existsSync(src)) walk(src);
      // `exports` and dependencies decide what an import resolves to.
      if (existsSync(join(repo, group, name, 'package.json'))) files.push(join(repo, group, name, 'package.json'));
    }
  }
  return files;
}

function fingerprint(files) {
  const hash = createHash('sha256').update(process.version);
  for (const file of files) {
    const { mtimeMs, size } = statSync(file);
    hash.update(`${relative(repo, file)}\0${mtimeMs}\0${size}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Handler entry points, named `handlers/<fnKey>` (what MLOPS_HANDLERS_DIR points the local runner to). */
function handlerEntries() {
  const entries = {};
  for (const service of readdirSync(join(repo, 'services'))) {
    const functions = join(repo, 'services', service, 'src', 'functions');
    if (!existsSync(functions)) continue;
    for (const fnKey of readdirSync(functions)) {
      const file = join(functions, fnKey, 'handler.ts');
      if (existsSync(file)) entries[`handlers/${fnKey}`] = file;
    }
  }
  return entries;
}

async function build(outdir) {
  const { build: esbuild } = await import('esbuild');
  const staging = `${outdir}.${process.pid}.tmp`;
  await esbuild({
    entryPoints: { main: join(cli, 'src', 'main.ts'), ...handlerEntries() },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    // As `sls package` bundles the functions (packages/serverless-config/esbuild.yml): smaller code parses faster,
    // and keepNames keeps the error class names the state machine matches on.
    minify: true,
    keepNames: true,
    external: EXTERNAL,
    plugins: [lazyExternals],
    // CommonJS dependencies call require() for Node's built-ins.
    banner: { js: "import { createRequire as __mlopsRequire } from 'node:module'; const require = __mlopsRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // Another process may have built the same fingerprint meanwhile: either copy is complete and equal.
  try {
    renameSync(staging, outdir);
  } catch (error) {
    if (!existsSync(join(outdir, 'main.js'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  for (const old of readdirSync(cacheRoot)) {
    if (join(cacheRoot, old) !== outdir && !old.includes('.tmp')) rmSync(join(cacheRoot, old), { recursive: true, force: true });
  }
}

async function main() {
  if (process.env.MLOPS_NO_BUNDLE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(cli, 'src', 'main.ts')).href);
    return;
  }
  const outdir = join(cacheRoot, fingerprint(sources()));
  if (!existsSync(join(outdir, 'main.js'))) {
    mkdirSync(cacheRoot, { recursive: true });
    process.stderr.write('mlops: bundling the CLI and the handlers (once per source change)…\n');
    await build(outdir);
  }
  process.env.MLOPS_HANDLERS_DIR = join(outdir, 'handlers');
  await import(pathToFileURL(join(outdir, 'main.js')).href);
}

await main();
