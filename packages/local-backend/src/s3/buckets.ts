/** Bucket operations of LocalS3. */
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateBucketCommandInput,
  CreateBucketOutput,
  DeleteBucketCommandInput,
  GetBucketVersioningCommandInput,
  GetBucketVersioningOutput,
  HeadBucketCommandInput,
  HeadBucketOutput,
  ListBucketsOutput,
  PutBucketVersioningCommandInput,
} from '@aws-sdk/client-s3';
import { LocalServiceError } from '../service';
import { S3Errors } from './errors';
import { assertBucketName } from './keys';
import type { S3Context } from './objects';

type Output<T> = Omit<T, '$metadata'>;

export async function createBucket(
  ctx: S3Context,
  input: CreateBucketCommandInput,
): Promise<Output<CreateBucketOutput>> {
  const bucket = input.Bucket;
  assertBucketName(bucket);
  await ctx.faults.beforeWrite?.(bucket, '');
  await ctx.store.createBucket(bucket);
  return { Location: `/${bucket}` };
}

/** HEAD carries no error body: a missing bucket is `NotFound` (404), as the SDK reports it. */
export async function headBucket(ctx: S3Context, input: HeadBucketCommandInput): Promise<Output<HeadBucketOutput>> {
  const bucket = input.Bucket ?? '';
  try {
    await ctx.store.bucket(bucket);
  } catch (error) {
    if (error instanceof LocalServiceError && error.name === 'NoSuchBucket') throw S3Errors.notFound(bucket);
    throw error;
  }
  return {};
}

export async function putBucketVersioning(ctx: S3Context, input: PutBucketVersioningCommandInput): Promise<object> {
  const bucket = input.Bucket ?? '';
  const status = input.VersioningConfiguration?.Status;
  await ctx.store.bucket(bucket);
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw S3Errors.malformed('VersioningConfiguration.Status must be Enabled or Suspended');
  }
  await ctx.faults.beforeWrite?.(bucket, '');
  await ctx.store.setVersioning(bucket, status);
  return {};
}

export async function getBucketVersioning(
  ctx: S3Context,
  input: GetBucketVersioningCommandInput,
): Promise<Output<GetBucketVersioningOutput>> {
  const config = await ctx.store.bucket(input.Bucket ?? '');
  return { Status: config.versioning };
}

export async function listBuckets(ctx: S3Context): Promise<Output<ListBucketsOutput>> {
  const names = await readdir(ctx.store.root).catch(() => [] as string[]);
  const buckets = [];
  for (const name of names.filter((candidate) => !candidate.startsWith('.')).sort()) {
    const config = await ctx.store.bucket(name).catch(() => undefined);
    if (config) buckets.push({ Name: name, CreationDate: new Date(config.createdAt) });
  }
  return { Buckets: buckets, Owner: { ID: 'local', DisplayName: 'local' } };
}

/** Deletes an empty bucket (no keys, no versions); `BucketNotEmpty` (409) otherwise. */
export async function deleteBucket(ctx: S3Context, input: DeleteBucketCommandInput): Promise<object> {
  const bucket = input.Bucket ?? '';
  await ctx.store.bucket(bucket);
  if ((await ctx.store.keys(bucket, '')).length > 0) {
    throw new LocalServiceError('BucketNotEmpty', `The bucket you tried to delete is not empty: ${bucket}`, {
      status: 409,
    });
  }
  await ctx.faults.beforeWrite?.(bucket, '');
  const doomed = await ctx.store.tempPath('deleted-bucket');
  await rename(join(ctx.store.root, bucket), doomed);
  await rm(doomed, { recursive: true, force: true });
  return {};
}
