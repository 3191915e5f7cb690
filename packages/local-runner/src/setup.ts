import { CreateBucketCommand, HeadBucketCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateCrawlerCommand, GetCrawlerCommand } from '@aws-sdk/client-glue';
import { layout, type ResolvedPipelineConfig } from '@mlops/core';
import type { LocalCloud } from '@mlops/local-backend';
import { LOCAL_BUCKETS, LOCAL_PROJECT, LOCAL_STAGE } from './environment';

/** Rethrows every error but the "it already exists" one (two local runs may deploy at once). */
const unlessAlready = (code: string) => (error: Error) => {
  if (error.name !== code) throw error;
};

async function ensureBucket(cloud: LocalCloud, bucket: string, versioned: boolean): Promise<void> {
  try {
    await cloud.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    // Another run deploying at the same moment may have created it in between: that is fine.
    await cloud.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(unlessAlready('BucketAlreadyOwnedByYou'));
    if (versioned) await cloud.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}

/**
 * What `sls deploy` creates, made locally: the two buckets (data versioned), the notification topic, the
 * predictions crawler, and the pipeline's config published where the functions read it.
 */
export async function deployLocally(cloud: LocalCloud, config: ResolvedPipelineConfig, env: Record<string, string>): Promise<void> {
  await ensureBucket(cloud, LOCAL_BUCKETS.data, true);
  await ensureBucket(cloud, LOCAL_BUCKETS.artifacts, false);
  await cloud.sns.send(new CreateTopicCommand({ Name: `${LOCAL_PROJECT}-${LOCAL_STAGE}-notifications` }));
  const crawler = env.CRAWLER_NAME as string;
  try {
    await cloud.glue.send(new GetCrawlerCommand({ Name: crawler }));
  } catch {
    await cloud.glue.send(
      new CreateCrawlerCommand({
        Name: crawler,
        Role: env.GLUE_ROLE_ARN,
        DatabaseName: `${LOCAL_PROJECT}_${LOCAL_STAGE}`,
        Targets: { S3Targets: [{ Path: `s3://${LOCAL_BUCKETS.artifacts}/predictions/` }] },
      }),
    ).catch(unlessAlready('AlreadyExistsException'));
  }
  await cloud.s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKETS.artifacts,
      Key: layout.pipelineConfig(config.name),
      Body: JSON.stringify(config, null, 2),
      ContentType: 'application/json',
    }),
  );
}
