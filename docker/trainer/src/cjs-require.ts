import { createRequire } from 'node:module';

/*
 * esbuild's ESM output replaces require() inside bundled CommonJS dependencies (yaml, reached through
 * @mlops/core) with a shim that calls the global `require` when one exists and throws otherwise. Defining it
 * here, in the first module main.ts imports, lets the plain `esbuild --bundle --format=esm` command produce a
 * working file without a createRequire banner. Harmless when running unbundled (tsx, vitest).
 */
const scope = globalThis as { require?: NodeJS.Require };
scope.require ??= createRequire(import.meta.url);
