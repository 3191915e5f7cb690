import * as z from 'zod/mini';
import { ConfigError } from '@mlops/core';

const EnvSchema = z.object({
  STAGE: z._default(z.string(), 'local'),
  PROJECT: z._default(z.string(), 'mlops'),
  AWS_REGION: z._default(z.string(), 'eu-west-1'),
  DATA_BUCKET: z.optional(z.string()),
  ARTIFACTS_BUCKET: z.optional(z.string()),
  SAGEMAKER_ROLE_ARN: z.optional(z.string()),
  GLUE_ROLE_ARN: z.optional(z.string()),
  NOTIFY_TOPIC_ARN: z.optional(z.string()),
  STATE_MACHINE_ARN: z.optional(z.string()),
  CRAWLER_NAME: z.optional(z.string()),
  GLUE_DATABASE: z.optional(z.string()),
  KMS_KEY_ARN: z.optional(z.string()),
  // Comma-separated; both set: SageMaker jobs and models run in these subnets (VpcConfig), both empty: no VPC.
  JOB_SUBNET_IDS: z.optional(z.string()),
  JOB_SECURITY_GROUP_IDS: z.optional(z.string()),
  CONTAINER_IMAGES: z._default(z.string(), '{}'),
});

type RawEnv = z.infer<typeof EnvSchema>;
type OptionalKey = Exclude<{ [K in keyof RawEnv]-?: undefined extends RawEnv[K] ? K : never }[keyof RawEnv], undefined>;

/** The deployment settings every handler reads, parsed once per container. */
export interface HandlerEnv {
  readonly stage: string;
  readonly project: string;
  readonly region: string;
  /** A setting this function cannot work without; a clear error names it when it is missing. */
  need(name: OptionalKey): string;
  /** An optional setting, undefined when unset or empty. */
  get(name: OptionalKey): string | undefined;
  /** The container image URI for a `docker/<image>` name. */
  imageUri(image: string): string;
}

/**
 * Parse the process environment into the settings handlers use.
 * @example const env = readEnv(process.env); env.need('ARTIFACTS_BUCKET')
 */
export function readEnv(source: NodeJS.ProcessEnv): HandlerEnv {
  const raw = EnvSchema.parse(source);
  let images: Record<string, string>;
  try {
    images = z.record(z.string(), z.string()).parse(JSON.parse(raw.CONTAINER_IMAGES));
  } catch (error) {
    throw new ConfigError(`CONTAINER_IMAGES must be a JSON object of image name → URI`, { cause: error });
  }
  return {
    stage: raw.STAGE,
    project: raw.PROJECT,
    region: raw.AWS_REGION,
    need(name) {
      const value = raw[name];
      if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
      return value;
    },
    get(name) {
      const value = raw[name];
      return value === undefined || value === '' ? undefined : value;
    },
    imageUri(image) {
      const uri = images[image];
      if (uri === undefined) {
        throw new ConfigError(`no container image "${image}" in CONTAINER_IMAGES (known: ${Object.keys(images).join(', ') || 'none'})`);
      }
      return uri;
    },
  };
}
