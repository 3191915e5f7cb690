import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DescribeModelPackageCommand, ListModelPackagesCommand } from '@aws-sdk/client-sagemaker';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// A deliberately worse candidate after a good published run: the gate rejects it on non-inferiority against the
// champion, and the champion and everything published stay byte for byte what they were.

type Json = Record<string, any>;
const LATEST = 'predictions/pipeline=attrition/latest.json';

/** The newest Approved package (the champion), as the registry describes it. */
async function champion(workdir: string): Promise<Json> {
  const { cloud } = await openLocalCloud(workdir);
  const list = (await cloud.sagemaker.send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: 'mlops-attrition',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    }),
  )) as Json;
  const arn = list.ModelPackageSummaryList[0].ModelPackageArn as string;
  const { $metadata: _, ...described } = (await cloud.sagemaker.send(
    new DescribeModelPackageCommand({ ModelPackageName: arn }),
  )) as Json;
  return described;
}

/** The bytes of the `latest` pointer and of every prediction file it points to. */
async function published(workdir: string): Promise<{ pointer: Buffer; files: Buffer[] }> {
  const { cloud } = await openLocalCloud(workdir);
  const read = async (key: string) => readFile(await cloud.s3.localPathOf(LOCAL_BUCKETS.artifacts, key));
  const pointer = await read(LATEST);
  const files = await Promise.all((JSON.parse(pointer.toString()) as { files: string[] }).files.map(read));
  return { pointer, files };
}

describe('a deliberately worse candidate', () => {
  let workdir: string;
  let good: RunOutcome;
  let worse: RunOutcome;
  let before: { pointer: Buffer; files: Buffer[]; champion: Json };

  beforeAll(async () => {
    const dir = await tempDir('worse');
    workdir = join(dir, 'work');
    const train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    const score = await attritionCsv(dir, 'current.csv', 200, 8, true);
    good = await runPipeline({ pipeline: await attritionVariant(dir, 'attrition'), data: train, score, workdir });
    before = { ...(await published(workdir)), champion: await champion(workdir) };
    // Crippled: one or two depth-1 trees with a small learning rate. The floors are loosened so that only the
    // comparison with the champion stands between this model and production.
    const crippled = await attritionVariant(dir, 'crippled', (c) => {
      c.tuning.staticHyperparameters = {
        model: 'gbt',
        max_depth: 1,
        learning_rate: 0.1,
        min_samples_leaf: 20,
        subsample: 1,
      };
      c.tuning.ranges = { integer: [{ name: 'n_estimators', min: 1, max: 2, scaling: 'Linear' }] };
      c.tuning.maxJobs = 2;
      c.tuning.maxParallelJobs = 1;
      c.evaluation.policy.floors = { roc_auc: 0.55 };
    });
    worse = await runPipeline({ pipeline: crippled, data: train, score, workdir });
  });

  it('is rejected by non-inferiority against the champion, and by nothing else', () => {
    expect(good.status, JSON.stringify(good.record?.error)).toBe('published');
    expect(worse.status, JSON.stringify(worse.record?.error)).toBe('rejected');
    const evaluation = (worse.record as Json).evaluation;
    expect(evaluation.decision).toBe('reject');
    expect(evaluation.headline.candidate).toBeLessThan(evaluation.headline.champion - 0.02);
    expect(evaluation.reasons.filter((r: string) => !r.startsWith('PASS'))).toEqual([
      expect.stringMatching(/^FAIL champion:roc_auc: /),
    ]);
    expect((worse.record as Json).registration.approvalStatus).toBe('Rejected');
  });

  it('leaves the champion package exactly as it was', async () => {
    expect(await champion(workdir)).toEqual(before.champion);
    expect(before.champion.ModelPackageArn).toBe((good.record as Json).registration.modelPackageArn);
  });

  it('leaves the latest pointer and the published predictions byte-identical', async () => {
    const after = await published(workdir);
    expect(after.pointer.equals(before.pointer)).toBe(true);
    expect(after.files).toHaveLength(before.files.length);
    after.files.forEach((file, i) => expect(file.equals(before.files[i] as Buffer), `prediction file ${i}`).toBe(true));
  });

  it('says why in the rejection notification', () => {
    const rejected = worse.notifications.find((n) => n.attributes.outcome === 'rejected');
    expect(rejected?.message).toMatch(/FAIL champion:roc_auc/);
  });
});
