import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { artifactsBucketOf, loadPipelines, publishPipelines } from '../../scripts/publish-pipelines';
import { tempDir } from '../helpers/pipeline';

function writeState(root: string, stage: string, outputs: Record<string, string>): void {
  mkdirSync(join(root, '.serverless'), { recursive: true });
  writeFileSync(join(root, '.serverless', `state.${stage}.json`), JSON.stringify({ components: { ingest: { outputs } } }));
}

describe('publishing pipeline configs after a deploy', () => {
  it('puts every pipeline config, rules resolved, at pipelines/<name>/config.json', async () => {
    // Prepare
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const configs = await loadPipelines();

    // Act
    const keys = await publishPipelines(new S3Client({ region: 'eu-west-1' }), 'mlops-dev-artifacts', configs);

    // Assess
    expect(keys).toEqual(expect.arrayContaining(['pipelines/attrition/config.json', 'pipelines/churn/config.json']));
    const attrition = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'pipelines/attrition/config.json');
    const body = JSON.parse(String(attrition?.args[0].input.Body)) as { validation: { rules: string; rulesFile?: string } };
    expect(body.validation.rules).toMatch(/Rules = \[/);
    expect(body.validation.rulesFile).toBeUndefined();
  });

  it('reads the bucket from a real deploy state and refuses placeholders or a missing deploy', async () => {
    const root = await tempDir('state');
    expect(() => artifactsBucketOf('dev', root)).toThrow(/deploy the stage first/);
    writeState(root, 'dev', { ArtifactsBucketName: 'x', SeededBy: 'scripts/seed-compose-state.ts' });
    expect(() => artifactsBucketOf('dev', root)).toThrow(/placeholder/);
    writeState(root, 'dev', { ArtifactsBucketName: 'mlops-dev-artifacts-123456789012-eu-west-1' });
    expect(artifactsBucketOf('dev', root)).toBe('mlops-dev-artifacts-123456789012-eu-west-1');
  });
});
