export * from './objects';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';

/** Every AWS client a handler may use. Handlers receive this; they never build clients themselves. */
export interface Clients {
  readonly s3: S3Client;
  readonly sagemaker: SageMakerClient;
  /** InvokeEndpoint on real-time endpoints (locally: the endpoint's `serve` process). */
  readonly sagemakerRuntime: SageMakerRuntimeClient;
  readonly glue: GlueClient;
  readonly sfn: SFNClient;
  readonly sns: SNSClient;
}

let cached: Promise<Clients> | undefined;

/**
 * The one place where AWS or local clients are chosen.
 * `MLOPS_BACKEND=local` (with `MLOPS_LOCAL_ROOT`) returns the disk-backed local backend behind the same `send()`;
 * anything else returns real AWS SDK v3 clients. Built once per container.
 * @example const { s3 } = await getClients(); await s3.send(new HeadObjectCommand({ Bucket, Key }))
 */
export function getClients(env: NodeJS.ProcessEnv = process.env): Promise<Clients> {
  cached ??= env.MLOPS_BACKEND === 'local' ? localClients(env) : Promise.resolve(awsClients());
  return cached;
}

/** Forget the cached clients (tests and the local runner switch roots between runs). */
export function resetClients(): void {
  cached = undefined;
}

function awsClients(): Clients {
  const config = { maxAttempts: 4 };
  return {
    s3: new S3Client(config),
    sagemaker: new SageMakerClient(config),
    sagemakerRuntime: new SageMakerRuntimeClient(config),
    glue: new GlueClient(config),
    sfn: new SFNClient(config),
    sns: new SNSClient(config),
  };
}

async function localClients(env: NodeJS.ProcessEnv): Promise<Clients> {
  // Loaded only in local mode: Lambda bundles mark it external and never ship it.
  const { localCloud } = await import('@mlops/local-backend');
  const cloud = await localCloud({ root: env.MLOPS_LOCAL_ROOT });
  return cloud.clients() as unknown as Clients;
}
