import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  extendModel,
  loadServiceModel,
  modelServiceName,
  ServiceModelNotFoundError,
  validateRequest,
  type ServiceModel,
} from '../src/index';

function modelJson(apiVersion: string): string {
  return JSON.stringify({
    metadata: { apiVersion, protocol: 'json' },
    operations: { Run: { name: 'Run', input: { shape: 'RunRequest' } } },
    shapes: {
      RunRequest: { type: 'structure', required: ['Id'], members: { Id: { shape: 'Id' } } },
      Id: { type: 'string', max: 3 },
    },
  });
}

async function fakeData(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'botocore-'));
  for (const [version, gz] of [
    ['2015-01-01', false],
    ['2023-06-30', true],
    ['2019-12-31', false],
  ] as const) {
    await mkdir(join(dir, 'demo', version), { recursive: true });
    const file = join(dir, 'demo', version, gz ? 'service-2.json.gz' : 'service-2.json');
    await writeFile(file, gz ? gzipSync(modelJson(version)) : modelJson(version));
  }
  await mkdir(join(dir, 'demo', '2030-01-01'), { recursive: true }); // a folder without a model is not a version
  await mkdir(join(dir, 'stepfunctions', '2016-11-23'), { recursive: true });
  await writeFile(join(dir, 'stepfunctions', '2016-11-23', 'service-2.json'), modelJson('2016-11-23'));
  return dir;
}

describe('loadServiceModel', () => {
  it('reads the newest version folder holding a model (plain or gzipped)', async () => {
    const model = loadServiceModel('demo', { dataDir: await fakeData() });
    expect(model.version).toBe('2023-06-30');
    expect(model.metadata.apiVersion).toBe('2023-06-30');
    expect(model.file.endsWith('service-2.json.gz')).toBe(true);
    expect(validateRequest(model, 'Run', { Id: 'toolong' })).toEqual(['Id: length 7 is above max 3']);
  });

  it('maps the local and SDK service name sfn to the stepfunctions model', async () => {
    expect(modelServiceName('sfn')).toBe('stepfunctions');
    expect(modelServiceName('SageMaker')).toBe('sagemaker');
    expect(loadServiceModel('sfn', { dataDir: await fakeData() }).service).toBe('stepfunctions');
  });

  it('fails with a message naming the Debian package when the models or the service are missing', async () => {
    expect(() => loadServiceModel('s3', { dataDir: '/no/such/botocore/data' })).toThrow(ServiceModelNotFoundError);
    expect(() => loadServiceModel('s3', { dataDir: '/no/such/botocore/data' })).toThrow(
      /apt-get install python3-botocore/,
    );
    const dataDir = await fakeData();
    expect(() => loadServiceModel('nosuch', { dataDir })).toThrow(
      /no botocore model for service "nosuch".*python3-botocore/,
    );
  });
});

describe('extendModel', () => {
  const base: ServiceModel = {
    service: 'demo',
    version: '1',
    file: '(memory)',
    metadata: {},
    operations: { Run: { name: 'Run', input: { shape: 'RunRequest' } } },
    shapes: { RunRequest: { type: 'structure', members: { Id: { shape: 'Id' } } }, Id: { type: 'string', max: 3 } },
  };

  it('adds members newer than the model, checked by their own shape, without touching the original', () => {
    const extended = extendModel(base, { RunRequest: { Seed: { type: 'integer', min: 0 } } });
    expect(validateRequest(extended, 'Run', { Seed: 3 })).toEqual([]);
    expect(validateRequest(extended, 'Run', { Seed: -1 })).toEqual(['Seed: -1 is below min 0']);
    expect(validateRequest(base, 'Run', { Seed: 3 })).toEqual(['Seed: unknown member (not in RunRequest)']);
  });

  it("keeps the model's own definition of a member it already has, and rejects an unknown structure", () => {
    const extended = extendModel(base, { RunRequest: { Id: { type: 'string' } } });
    expect(validateRequest(extended, 'Run', { Id: 'long' })).toEqual(['Id: length 4 is above max 3']);
    expect(() => extendModel(base, { Nope: { X: { type: 'string' } } })).toThrow(/Nope is not a structure/);
  });
});
