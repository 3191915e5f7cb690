/**
 * Publish every pipeline config (pipelines/*.yml, DQDL rules resolved) where the deployed functions read it:
 * `pipelines/<name>/config.json` in the stage's artifacts bucket. Run after `sls deploy --stage <stage>`; a pipeline
 * whose config is not published is ignored by the ingest function (its uploads start nothing).
 *
 * The bucket name comes from the compose state a real deploy leaves (`.serverless/state.<stage>.json`, output
 * ArtifactsBucketName of ingest), or from `--bucket`. `--dry-run` prints what would be uploaded.
 *
 * Usage: tsx scripts/publish-pipelines.ts --stage <stage> [--bucket <name>] [--dry-run]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getClients } from '@mlops/clients';
import { layout, loadPipelineConfig, type ResolvedPipelineConfig } from '@mlops/core';
import { checkPipelineRules } from '@mlops/data-quality';
import { ROOT, statePath } from './seed-compose-state';

/** The artifacts bucket of a deployed stage, from compose's state; a seeded (placeholder) state is refused. */
export function artifactsBucketOf(stage: string, root = ROOT): string {
  const path = statePath(stage, root);
  if (!existsSync(path)) throw new Error(`no deploy state at ${path}: deploy the stage first, or pass --bucket`);
  const state = JSON.parse(readFileSync(path, 'utf8')) as { components?: Record<string, { outputs?: Record<string, string> }> };
  const outputs = state.components?.ingest?.outputs ?? {};
  if (outputs.SeededBy) throw new Error(`${path} holds placeholder outputs from offline packaging, not a deploy`);
  const bucket = outputs.ArtifactsBucketName;
  if (!bucket) throw new Error(`${path} has no ingest output ArtifactsBucketName`);
  return bucket;
}

/** Every pipeline config of the repository, validated — DQDL rules included — and with its rules resolved. */
export async function loadPipelines(root = ROOT): Promise<ResolvedPipelineConfig[]> {
  const dir = join(root, 'pipelines');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
  return Promise.all(
    files.map(async (f) => checkPipelineRules(await loadPipelineConfig(join(dir, f)), f)),
  );
}

/** Upload each config to `pipelines/<name>/config.json`; returns the keys written. */
export async function publishPipelines(s3: Pick<S3Client, 'send'>, bucket: string, configs: ResolvedPipelineConfig[]): Promise<string[]> {
  const keys: string[] = [];
  for (const config of configs) {
    const key = layout.pipelineConfig(config.name);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(config, null, 2), ContentType: 'application/json' }));
    keys.push(key);
  }
  return keys;
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stage = flag('stage');
  if (!stage) throw new Error('usage: publish-pipelines --stage <stage> [--bucket <name>] [--dry-run]');
  const bucket = flag('bucket') ?? artifactsBucketOf(stage);
  const configs = await loadPipelines();
  if (argv.includes('--dry-run')) {
    for (const c of configs) process.stdout.write(`would put s3://${bucket}/${layout.pipelineConfig(c.name)}\n`);
    return;
  }
  const { s3 } = await getClients();
  for (const key of await publishPipelines(s3, bucket, configs)) process.stdout.write(`put s3://${bucket}/${key}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`publish-pipelines: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
