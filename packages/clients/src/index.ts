export * from './objects';
import type * as Glue from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type * as SageMaker from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type * as SageMakerRuntime from '@aws-sdk/client-sagemaker-runtime';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type * as SFN from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type * as SNS from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';

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
  cached ??= env.MLOPS_BACKEND === 'local' ? localClients(env) : sdkModules().then(awsClients);
  return cached;
}

/** Forget the cached clients (tests and the local runner switch roots between runs). */
export function resetClients(): void {
  cached = undefined;
}

/** The SDK module behind each client, loaded by the first use of its loader. */
type SdkModules = {
  [K in keyof Clients]: () => {
    s3: typeof S3;
    sagemaker: typeof SageMaker;
    sagemakerRuntime: typeof SageMakerRuntime;
    glue: typeof Glue;
    sfn: typeof SFN;
    sns: typeof SNS;
  }[K];
};

/**
 * In a Lambda bundle (CommonJS, `.cjs`) a literal `require` stays where it is written, so an SDK module is loaded
 * the first time its client is used: a function loads only the SDK clients it calls, not all of them (cold start).
 * Elsewhere (ESM under tsx or vitest) the modules are imported once, so tests' SDK mocks see the same classes.
 */
async function sdkModules(): Promise<SdkModules> {
  if (typeof require === 'function' && typeof __filename === 'string' && __filename.endsWith('.cjs')) {
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy loading in the CommonJS bundle, see above */
    return {
      s3: () => require('@aws-sdk/client-s3') as typeof S3,
      sagemaker: () => require('@aws-sdk/client-sagemaker') as typeof SageMaker,
      sagemakerRuntime: () => require('@aws-sdk/client-sagemaker-runtime') as typeof SageMakerRuntime,
      glue: () => require('@aws-sdk/client-glue') as typeof Glue,
      sfn: () => require('@aws-sdk/client-sfn') as typeof SFN,
      sns: () => require('@aws-sdk/client-sns') as typeof SNS,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  const [s3, sagemaker, sagemakerRuntime, glue, sfn, sns] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-sagemaker'),
    import('@aws-sdk/client-sagemaker-runtime'),
    import('@aws-sdk/client-glue'),
    import('@aws-sdk/client-sfn'),
    import('@aws-sdk/client-sns'),
  ]);
  return { s3: () => s3, sagemaker: () => sagemaker, sagemakerRuntime: () => sagemakerRuntime, glue: () => glue, sfn: () => sfn, sns: () => sns };
}

/** Real AWS clients, each built (and its SDK module loaded) on first use. */
function awsClients(sdk: SdkModules): Clients {
  const config = { maxAttempts: 4 };
  let s3: S3Client | undefined;
  let sagemaker: SageMakerClient | undefined;
  let sagemakerRuntime: SageMakerRuntimeClient | undefined;
  let glue: GlueClient | undefined;
  let sfn: SFNClient | undefined;
  let sns: SNSClient | undefined;
  return {
    get s3() {
      return (s3 ??= new (sdk.s3().S3Client)(config));
    },
    get sagemaker() {
      return (sagemaker ??= new (sdk.sagemaker().SageMakerClient)(config));
    },
    get sagemakerRuntime() {
      return (sagemakerRuntime ??= new (sdk.sagemakerRuntime().SageMakerRuntimeClient)(config));
    },
    get glue() {
      return (glue ??= new (sdk.glue().GlueClient)(config));
    },
    get sfn() {
      return (sfn ??= new (sdk.sfn().SFNClient)(config));
    },
    get sns() {
      return (sns ??= new (sdk.sns().SNSClient)(config));
    },
  };
}

async function localClients(env: NodeJS.ProcessEnv): Promise<Clients> {
  // Loaded only in local mode: Lambda bundles mark it external and never ship it.
  const { localCloud } = await import('@mlops/local-backend');
  const cloud = await localCloud({ root: env.MLOPS_LOCAL_ROOT });
  return cloud.clients() as unknown as Clients;
}
