import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../src/s3';
import { LocalSageMaker } from '../src/sagemaker';
import { trafficSteps } from '../src/sagemaker/blue-green';
import { LocalSageMakerRuntime } from '../src/sagemaker/runtime';
import { ACCOUNT, REGION, REPO } from './sagemaker-helpers';

describe('blue/green traffic steps', () => {
  it.each([
    ['all at once', { Type: 'ALL_AT_ONCE' }, 1, [100]],
    ['canary 10 %', { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } }, 1, [10, 100]],
    ['canary of 1 instance in 4', { Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 } }, 4, [25, 100]],
    ['linear 30 %', { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 30 } }, 1, [30, 60, 90, 100]],
    ['no deployment config', undefined, 1, [100]],
  ])('%s', (_name, routing, instances, expected) => {
    const config = routing === undefined ? undefined : { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { WaitIntervalInSeconds: 0, ...routing } } };
    expect(trafficSteps(config as never, instances)).toEqual(expected);
  });
});

describe('request validation of UpdateEndpoint and InvokeEndpoint', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  async function services() {
    root = await mkdtemp(join(tmpdir(), 'bg-test-'));
    const s3 = new LocalS3({ root: join(root, 's3') });
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    const sagemaker = new LocalSageMaker({ root: join(root, 'sagemaker'), s3, region: REGION, accountId: ACCOUNT, repoRoot: REPO });
    const runtime = new LocalSageMakerRuntime({ root: join(root, 'sagemaker'), region: REGION, accountId: ACCOUNT });
    return { sagemaker, runtime };
  }

  it('rejects a deployment config the API would reject, naming the member', async () => {
    const { sagemaker } = await services();
    const update = (routing: object) =>
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'e', EndpointConfigName: 'c', DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing as never } } }));
    await expect(update({ Type: 'CANARY', WaitIntervalInSeconds: 60 })).rejects.toThrow(/CanarySize is required/);
    await expect(update({ Type: 'LINEAR', WaitIntervalInSeconds: 60 })).rejects.toThrow(/LinearStepSize is required/);
    await expect(update({ Type: 'CANARY', WaitIntervalInSeconds: 7200, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } })).rejects.toThrow(
      /waitIntervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600/,
    );
    await expect(update({ Type: 'SOMETIMES', WaitIntervalInSeconds: 0 })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('InvokeEndpoint: ValidationError for an endpoint that does not exist or a bad name, like the service', async () => {
    const { runtime } = await services();
    await expect(runtime.send(new InvokeEndpointCommand({ EndpointName: 'missing', Body: new Uint8Array([1]) }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: `Endpoint missing of account ${ACCOUNT} not found.`,
    });
    await expect(runtime.send(new InvokeEndpointCommand({ EndpointName: 'bad_name', Body: new Uint8Array([1]) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
