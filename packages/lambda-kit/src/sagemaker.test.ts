import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mlops/core';
import { readEnv } from './env';
import { jobNetwork, modelRequest } from './sagemaker';
import { runState, TEST_ENV } from './testing';

const isolated = { container: { networkIsolation: true } } as Parameters<typeof jobNetwork>[0];
const open = { container: { networkIsolation: false } } as Parameters<typeof jobNetwork>[0];
const network = (env: Record<string, string>, config = isolated) => jobNetwork(config, readEnv({ ...TEST_ENV, ...env }));

describe('jobNetwork', () => {
  it('takes isolation from the pipeline config and no VPC when the stage sets none', () => {
    expect(network({})).toEqual({ isolation: true });
    expect(network({}, open)).toEqual({ isolation: false });
    expect(network({ JOB_SUBNET_IDS: '', JOB_SECURITY_GROUP_IDS: ' ' })).toEqual({ isolation: true });
  });

  it("lists the stage's subnets and security groups, trimmed and without repeats", () => {
    expect(network({ JOB_SUBNET_IDS: 'subnet-0a1b2c3d, subnet-4e5f6a7b,subnet-0a1b2c3d,', JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' })).toEqual({
      isolation: true,
      vpc: { Subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], SecurityGroupIds: ['sg-0123abcd'] },
    });
  });

  it.each([
    [{ JOB_SUBNET_IDS: 'subnet-0a1b2c3d' }, /must be set together/],
    [{ JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' }, /must be set together/],
    [{ JOB_SUBNET_IDS: 'vpc-0a1b2c3d', JOB_SECURITY_GROUP_IDS: 'sg-0123abcd' }, /JOB_SUBNET_IDS holds "vpc-0a1b2c3d": expected subnet-… ids/],
    [{ JOB_SUBNET_IDS: 'subnet-0a1b2c3d', JOB_SECURITY_GROUP_IDS: 'sg-01;rm' }, /JOB_SECURITY_GROUP_IDS holds "sg-01;rm"/],
    [{ JOB_SUBNET_IDS: 'subnet-0a1b2c3d', JOB_SECURITY_GROUP_IDS: 'sg-1,sg-2,sg-3,sg-4,sg-5,sg-6' }, /lists 6 ids; SageMaker accepts at most 5/],
  ])('rejects %j with a clear error', (env, message) => {
    expect(() => network(env)).toThrow(ConfigError);
    expect(() => network(env)).toThrow(message);
  });
});

describe('modelRequest', () => {
  const request = (net: ReturnType<typeof jobNetwork>) =>
    modelRequest({
      name: 'mlops-attrition-model-1a2b3c4d',
      image: 'trainer:latest',
      modelDataUrl: 's3://bucket/model.tar.gz',
      roleArn: TEST_ENV.SAGEMAKER_ROLE_ARN,
      environment: { MODEL_VERSION: '3', RUN_ID: 'r', OPERATING_THRESHOLD: '0.5', TOP_K: '0' },
      network: net,
      state: runState(),
    });

  it('carries the isolation and, only when set, the VPC', () => {
    expect(request({ isolation: false })).toMatchObject({ EnableNetworkIsolation: false });
    expect(request({ isolation: true })).not.toHaveProperty('VpcConfig');
    const vpc = { Subnets: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0123abcd'] };
    expect(request({ isolation: true, vpc })).toMatchObject({ EnableNetworkIsolation: true, VpcConfig: vpc });
  });
});
