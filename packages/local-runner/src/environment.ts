import { LOCAL_ACCOUNT, LOCAL_REGION } from '@mlops/local-backend';

export const LOCAL_STAGE = 'local';
export const LOCAL_PROJECT = 'mlops';
export const LOCAL_BUCKETS = { data: 'mlops-local-data', artifacts: 'mlops-local-artifacts' } as const;
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${LOCAL_PROJECT}-${LOCAL_STAGE}-pipeline`;
export const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_PROJECT}-${LOCAL_STAGE}-notifications`;

/** Container image URI of `docker/<image>` in the local registry. */
export function localImageUri(image: string): string {
  return `${LOCAL_ACCOUNT}.dkr.ecr.${LOCAL_REGION}.amazonaws.com/${image}:local`;
}

/**
 * The environment the deployed functions get from serverless.yml, with local values; MLOPS_BACKEND=local makes
 * `@mlops/clients` hand them the local backend. Dummy credentials so nothing can reach AWS by accident.
 */
export function localEnvironment(root: string, images: string[]): Record<string, string> {
  return {
    MLOPS_BACKEND: 'local',
    MLOPS_LOCAL_ROOT: root,
    STAGE: LOCAL_STAGE,
    PROJECT: LOCAL_PROJECT,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    DATA_BUCKET: LOCAL_BUCKETS.data,
    ARTIFACTS_BUCKET: LOCAL_BUCKETS.artifacts,
    SAGEMAKER_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${LOCAL_PROJECT}-${LOCAL_STAGE}-sagemaker`,
    GLUE_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${LOCAL_PROJECT}-${LOCAL_STAGE}-glue`,
    NOTIFY_TOPIC_ARN: LOCAL_TOPIC_ARN,
    STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
    CRAWLER_NAME: `${LOCAL_PROJECT}-${LOCAL_STAGE}-predictions`,
    CONTAINER_IMAGES: JSON.stringify(Object.fromEntries(images.map((i) => [i, localImageUri(i)]))),
    POWERTOOLS_SERVICE_NAME: 'mlops-local',
    POWERTOOLS_METRICS_NAMESPACE: `${LOCAL_PROJECT}-${LOCAL_STAGE}`,
    POWERTOOLS_DEV: 'true',
  };
}
