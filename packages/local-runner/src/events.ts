import type { LocalCloud } from '@mlops/local-backend';
import { LOCAL_BUCKETS } from './environment';

/**
 * The EventBridge `Object Created` event S3 sends for an object put in the local data bucket — what the ingest and
 * monitoring rules deliver on AWS. `put` is the PutObject answer (version id and ETag), when the caller has it.
 * @example await invoker.invoke('startPipeline', objectCreatedEvent(cloud, key, put))
 */
export function objectCreatedEvent(cloud: LocalCloud, key: string, put: { VersionId?: string; ETag?: string } = {}) {
  return {
    version: '0',
    id: `local-${Date.now()}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: cloud.accountId,
    time: new Date().toISOString(),
    region: cloud.region,
    resources: [`arn:aws:s3:::${LOCAL_BUCKETS.data}`],
    detail: {
      version: '0',
      bucket: { name: LOCAL_BUCKETS.data },
      object: { key, size: 0, etag: put.ETag?.replace(/"/g, ''), 'version-id': put.VersionId, sequencer: '0' },
      'request-id': 'local',
      requester: cloud.accountId,
      reason: 'PutObject',
    },
  };
}
