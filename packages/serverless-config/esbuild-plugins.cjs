/* global module, require -- loaded by serverless-esbuild with require(): CommonJS on purpose */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose */
'use strict';
/**
 * esbuild plugins of every Lambda bundle (`custom.esbuild.plugins` in packages/serverless-config/esbuild.yml; the
 * bench and test/infra build with the same list).
 *
 * lazy-aws-sdk: a static `import { GetObjectCommand } from '@aws-sdk/client-s3'` in a CommonJS bundle becomes a
 * `require` at the top of the file, so loading a handler loaded every SDK client it names (60-150 ms on the
 * 2-core machine, more than the whole handler). Each such import is served instead by a small module of getters
 * that `require` the runtime's package on first use of one of its exports: a function loads the clients it
 * actually calls, when it calls them. Only `import { … } from '@aws-sdk/client-…'` statements are rewritten;
 * `require()` and `import()` calls, and other import forms, keep esbuild's plain external require.
 */
const { readFileSync } = require('node:fs');

const SDK_CLIENT = /^@aws-sdk\/client-[a-z0-9-]+$/;
const NAMESPACE = 'lazy-aws-sdk';

/** The names `source` imports from `pkg` in `import { a, b as c, type T } from 'pkg'` statements (types left out). */
function importedNames(source, pkg) {
  const quoted = pkg.replace(/[/.-]/g, '\\$&');
  const statement = new RegExp(`import\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g');
  const names = new Set();
  for (const match of source.matchAll(statement)) {
    if (match[1]) continue;
    for (const part of match[2].split(',')) {
      const spec = part.trim();
      if (spec === '' || spec.startsWith('type ')) continue;
      names.add(spec.split(/\s+as\s+/)[0].trim());
    }
  }
  return [...names];
}

/** A CommonJS module of getters over `pkg`, for the `names` the runtime package really exports (types have none). */
function lazyModule(pkg, names, resolveDir) {
  let runtimeExports;
  try {
    runtimeExports = new Set(Object.keys(require(require.resolve(pkg, { paths: [resolveDir] }))));
  } catch {
    // Not installed where the bundle is built: every name is assumed to be a value.
    runtimeExports = undefined;
  }
  const values = names.filter((n) => runtimeExports === undefined || runtimeExports.has(n));
  return [
    `let loaded; const load = () => (loaded ??= require(${JSON.stringify(pkg)}));`,
    ...values.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`),
  ].join('\n');
}

const lazyAwsSdk = {
  name: NAMESPACE,
  setup(build) {
    build.onResolve({ filter: SDK_CLIENT }, (args) => {
      if (args.namespace === NAMESPACE) return { path: args.path, external: true };
      if (args.kind !== 'import-statement' || args.namespace !== 'file') return undefined;
      const names = importedNames(readFileSync(args.importer, 'utf8'), args.path);
      if (names.length === 0) return undefined;
      // One module per importer: each exports exactly the names its importer asks for.
      return { path: `${args.path}?from=${args.importer}`, namespace: NAMESPACE, pluginData: { pkg: args.path, names, resolveDir: args.resolveDir } };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const { pkg, names, resolveDir } = args.pluginData;
      return { contents: lazyModule(pkg, names, resolveDir), loader: 'js', resolveDir };
    });
  },
};

module.exports = [lazyAwsSdk];
module.exports.importedNames = importedNames;
