/**
 * The Lambda bundles load no AWS SDK client at cold start (packages/serverless-config/esbuild-plugins.cjs): checked on
 * a fixture bundle, where first use must load the real SDK class, and on every zip `sls package` built.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeServices } from '../../scripts/package';
import { ROOT } from '../../scripts/seed-compose-state';
import { loadStage, PACKAGE_TIMEOUT_MS } from './templates';

const options = parse(readFileSync(join(ROOT, 'packages/serverless-config/esbuild.yml'), 'utf8')) as Record<string, unknown>;
const pluginsFile = join(ROOT, 'services', 'ingest', options.plugins as string);
const plugins = createRequire(import.meta.url)(pluginsFile) as Plugin[] & { importedNames(source: string, pkg: string): string[] };
const work = mkdtempSync(join(tmpdir(), 'mlops-bundles-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run `script` in a fresh node whose cwd is `cwd`; its stdout parsed as JSON. */
function inFreshNode(cwd: string, script: string): Record<string, unknown> {
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' })) as Record<string, unknown>;
}
const SDK_LOADED = "Object.keys(require.cache).filter((k) => /@aws-sdk[\\\\/]client-/.test(k)).length";

describe('lazy AWS SDK clients in the Lambda bundles', () => {
  it('reads the value names of `import { … }` statements, leaving types, aliases and other packages apart', () => {
    const source = `
      import { GetObjectCommand, type GetObjectOutput, NoSuchKey as Missing,
        PutObjectCommand } from '@aws-sdk/client-s3';
      import type { S3Client } from '@aws-sdk/client-s3';
      import { SFNClient } from "@aws-sdk/client-sfn";`;
    expect(plugins.importedNames(source, '@aws-sdk/client-s3')).toEqual(['GetObjectCommand', 'NoSuchKey', 'PutObjectCommand']);
    expect(plugins.importedNames(source, '@aws-sdk/client-sfn')).toEqual(['SFNClient']);
    expect(plugins.importedNames(source, '@aws-sdk/client-glue')).toEqual([]);
  });

  it('loads a client package on first use of one of its exports, and gives the real classes', async () => {
    // Prepare: a handler-like module, bundled with the shared options and plugins, next to the repository's SDK.
    const dir = join(ROOT, 'node_modules', '.cache', 'mlops-bundles-test');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { GetObjectCommand, NoSuchKey, type GetObjectOutput } from '@aws-sdk/client-s3';
       export const command = (key: string) => new GetObjectCommand({ Bucket: 'b', Key: key });
       export const isMissing = (e: unknown) => e instanceof NoSuchKey;
       export type Out = GetObjectOutput;`,
    );
    const outfile = join(dir, 'entry.cjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: options.minify as boolean,
      target: options.target as string,
      platform: 'node',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      plugins,
      logLevel: 'silent',
    });

    // Act
    const result = inFreshNode(
      ROOT,
      `const bundle = require(${JSON.stringify(outfile)});
       const atLoad = ${SDK_LOADED};
       const command = bundle.command('k');
       const sdk = require('@aws-sdk/client-s3');
       process.stdout.write(JSON.stringify({
         atLoad, afterUse: ${SDK_LOADED},
         real: command instanceof sdk.GetObjectCommand, input: command.input,
         missing: bundle.isMissing(new sdk.NoSuchKey({ message: 'x', $metadata: {} })),
       }));`,
    );

    // Assess
    expect(result).toEqual({ atLoad: 0, afterUse: expect.any(Number), real: true, input: { Bucket: 'b', Key: 'k' }, missing: true });
    expect(result.afterUse).toBeGreaterThan(0);
  });

  it(
    'every function zip `sls package` builds loads with no AWS SDK installed at all, and refuses a bad event in English',
    async () => {
      await loadStage('dev');
      let checked = 0;
      for (const [service, dir] of Object.entries(composeServices())) {
        const zips = join(dir, '.serverless');
        for (const zip of existsSync(zips) ? readdirSync(zips).filter((f) => f.endsWith('.zip')) : []) {
          const files = unzipSync(readFileSync(join(zips, zip)));
          const handler = Object.keys(files).find((f) => f.endsWith('handler.cjs'));
          expect(handler, `${service}/${zip}`).toBeDefined();
          // Outside the repository: no node_modules anywhere above, so a top-level require of the SDK would throw.
          const out = join(work, service, zip.replace(/\.zip$/, ''), handler!);
          mkdirSync(dirname(out), { recursive: true });
          writeFileSync(out, files[handler!]!);
          // An invalid event is refused before any client is needed.
          const loaded = inFreshNode(
            work,
            `const m = require(${JSON.stringify(out)});
             const loaded = { handler: typeof m.handler, sdk: ${SDK_LOADED} };
             m.handler(42, { functionName: 'f', getRemainingTimeInMillis: () => 60000 }).then(
               () => process.stdout.write(JSON.stringify({ ...loaded, refused: null })),
               (e) => process.stdout.write(JSON.stringify({ ...loaded, refused: e.name + ': ' + e.message })),
             );`,
          );
          expect(loaded, `${service}/${zip}`).toEqual({ handler: 'function', sdk: 0, refused: expect.stringMatching(/^InvalidEventError: /) });
          // @mlops/core/messages is imported for its effect only: the bundle must still hold the English messages.
          expect(Buffer.from(files[handler!]!).toString('utf8'), `${service}/${zip}`).toContain('Invalid input: expected');
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(20);
    },
    PACKAGE_TIMEOUT_MS,
  );
});
