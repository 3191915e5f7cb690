import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';

// CopyObject with ChecksumAlgorithm: S3 computes a checksum of the new object (one part: a full-object checksum).
// The pipeline's StartRun uses it as the content hash of the dataset version it freezes.

const Bucket = 'data-bucket';
const BODY = 'EmployeeNumber,Age,Attrition\n1,41,Yes\n2,49,No\n';
let root: string;
let s3: LocalS3;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-checksum-'));
  s3 = new LocalS3({ root: join(root, 's3') });
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'in/data.csv', Body: BODY }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('CopyObject checksums', () => {
  it.each([
    ['SHA256', 'sha256'],
    ['SHA1', 'sha1'],
  ] as const)('returns the %s of the copied bytes, base64, as a full-object checksum', async (algorithm, hash) => {
    // Act
    const out = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'out/data.csv',
        CopySource: `/${Bucket}/in/data.csv`,
        ChecksumAlgorithm: algorithm,
      }),
    );

    // Assess
    expect(out.CopyObjectResult).toMatchObject({
      [`Checksum${algorithm}`]: createHash(hash).update(BODY).digest('base64'),
      ChecksumType: 'FULL_OBJECT',
    });
  });

  it('returns no checksum unless asked', async () => {
    // Act
    const out = await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'out/data.csv', CopySource: `/${Bucket}/in/data.csv` }),
    );

    // Assess
    expect(out.CopyObjectResult?.ChecksumSHA256).toBeUndefined();
  });

  it('says which algorithms it does not compute, copying nothing', async () => {
    // Act
    const out = s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'out/data.csv',
        CopySource: `/${Bucket}/in/data.csv`,
        ChecksumAlgorithm: 'CRC32',
      }),
    );

    // Assess
    await expect(out).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'out/data.csv' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});
