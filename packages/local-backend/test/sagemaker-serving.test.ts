import { createHash } from 'node:crypto';
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DeleteEndpointCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  DescribeTransformJobCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
  type CreateTransformJobRequest,
} from '@aws-sdk/client-sagemaker';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transformFile } from '../src/sagemaker/transform-file';
import { compileFilter, csvFields, readEndpointServer, type SageMakerFaults } from '../src/sagemaker';
import { filterCsvLine, filterJoinedCsvLine } from '../src/sagemaker/filters';
import { BUCKET, IMAGE, ROLE, isAlive, makeCloud, prepareRequest, trainingRequest, type Cloud } from './sagemaker-helpers';

let cloud: Cloud | undefined;

afterEach(async () => {
  if (cloud === undefined) return;
  const pids = cloud.pids();
  await cloud.dispose();
  cloud = undefined;
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} left running`).toBe(false);
});

const send = <C extends { input: unknown }>(command: C) => cloud!.sagemaker.send(command);

/** A cloud with prepared data, a trained model and a `model-1` (TOP_K=2) serving it. */
async function modelCloud(faults?: SageMakerFaults): Promise<Cloud> {
  cloud = await makeCloud(faults === undefined ? {} : { faults });
  const c = cloud;
  await send(new CreateProcessingJobCommand(await prepareRequest(c, 'prep', 300)));
  await c.sagemaker.settled();
  await send(new CreateTrainingJobCommand(trainingRequest('train')));
  await c.sagemaker.settled();
  await send(
    new CreateModelCommand({
      ModelName: 'model-1',
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: `s3://${BUCKET}/tuning/train/output/model.tar.gz`, Environment: { TOP_K: '2', MODEL_VERSION: '7' } },
    }),
  );
  return c;
}

function transformRequest(name: string, extra: Partial<CreateTransformJobRequest> = {}): CreateTransformJobRequest {
  return {
    TransformJobName: name,
    ModelName: 'model-1',
    BatchStrategy: 'MultiRecord',
    MaxPayloadInMB: 1,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/prepared/transform/eval/` } },
      ContentType: 'text/csv',
      SplitType: 'Line',
    },
    TransformOutput: { S3OutputPath: `s3://${BUCKET}/scored/${name}`, AssembleWith: 'Line', Accept: 'text/csv' },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    ...extra,
  };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('JSONPath filters', () => {
  it.each([
    ['$', ['a', 'b', 'c', 'd']],
    ['$[1]', ['b']],
    ['$[0,-1]', ['a', 'd']],
    ['$[1:3]', ['b', 'c']],
    ['$[1:]', ['b', 'c', 'd']],
    ['$[:-2]', ['a', 'b']],
    ['$[-2:]', ['c', 'd']],
  ])('%s', (expression, expected) => {
    expect(compileFilter(expression)(['a', 'b', 'c', 'd'])).toEqual(expected);
  });

  it('keeps quoted CSV fields whole', () => {
    expect(csvFields('1,"a,b",c')).toEqual(['1', '"a,b"', 'c']);
  });

  it('cuts lines in place exactly as filtering their split fields does', () => {
    const lines = ['a,b,c,d,e', 'k,1,"x,y",3', 'only', ',,', 'k,"say ""hi""",2,3', '1,2'];
    for (const expression of ['$', '$[1:]', '$[0,-4:]', '$[0,2,-2]', '$[:-2]', '$[3]', '$[-1,0]', '$[1:3,0]']) {
      const filter = compileFilter(expression);
      for (const line of lines) {
        expect(filterCsvLine(line, filter.select), `${expression} on ${line}`).toBe(filter(csvFields(line)).join(','));
        for (const answer of ['0.9,1,v,r', 'x', '', '"a,b",2'])
          expect(filterJoinedCsvLine(line, answer, filter.select), `${expression} on ${line} + ${answer}`).toBe(
            filter([...csvFields(line), ...csvFields(answer)]).join(','),
          );
      }
    }
  });

  it('refuses what it cannot evaluate', () => {
    expect(() => compileFilter('$.features')).toThrow(/Unsupported JSONPath/);
  });
});

describe('transformFile (mini-batches against a stub server)', () => {
  it('cuts MultiRecord batches at MaxPayload, keeps order and joins each answer to its input row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tf-'));
    const bodies: string[] = [];
    // Answers one line per record: the record's first field doubled, then "ok".
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        bodies.push(body);
        response.end(lines(body).map((l) => `${Number(l.split(',')[0]) * 2},ok`).join('\n'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const input = Array.from({ length: 25 }, (_, i) => `key${i},${i},"x,${i}"`).join('\r\n');
      await writeFile(join(dir, 'in.csv'), `${input}\n\n`);
      const { port } = server.address() as AddressInfo;
      const sent = await transformFile(join(dir, 'in.csv'), join(dir, 'in.csv.out'), {
        url: `http://127.0.0.1:${port}`,
        contentType: 'text/csv',
        gzip: false,
        splitLines: true,
        singleRecord: false,
        maxPayloadBytes: 40,
        csv: true,
        inputFilter: compileFilter('$[1:]'),
        outputFilter: compileFilter('$[0,2,-2]'),
        joinInput: true,
        reshapeOutput: true,
        assembleLines: true,
      });
      expect(sent.records).toBe(25);
      expect(bodies.length).toBeGreaterThan(5);
      expect(bodies.every((b) => Buffer.byteLength(b) <= 40)).toBe(true);
      // The output's MD5 and size, computed while writing it, are the file's.
      const written = await readFile(join(dir, 'in.csv.out'));
      expect(sent).toMatchObject({ md5: createHash('md5').update(written).digest('hex'), size: written.length });
      const out = lines(await readFile(join(dir, 'in.csv.out'), 'utf8'));
      expect(out).toEqual(Array.from({ length: 25 }, (_, i) => `key${i},"x,${i}",${i * 2}`));
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('transformFile with requests in flight', () => {
  it('keeps input order when later requests are answered first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tf-'));
    let requests = 0;
    // The first request of every pair is answered last, so answers arrive out of order.
    const server = createServer((request, response) => {
      let body = '';
      const delay = requests++ % 2 === 0 ? 60 : 0;
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => setTimeout(() => response.end(lines(body).map((l) => `p${l}`).join('\n')), delay));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await writeFile(join(dir, 'in.csv'), Array.from({ length: 40 }, (_, i) => `key${i},${i}\n`).join(''));
      const { port } = server.address() as AddressInfo;
      const plan = {
        url: `http://127.0.0.1:${port}`,
        contentType: 'text/csv',
        gzip: false,
        splitLines: true,
        singleRecord: false,
        maxPayloadBytes: 16,
        csv: true,
        inputFilter: compileFilter('$[1:]'),
        outputFilter: compileFilter('$[0,-1]'),
        joinInput: true,
        reshapeOutput: true,
        assembleLines: true,
        concurrency: 3,
      };
      const sent = await transformFile(join(dir, 'in.csv'), join(dir, 'in.csv.out'), plan);
      expect(sent.records).toBe(40);
      expect(requests).toBeGreaterThan(5);
      expect(lines(await readFile(join(dir, 'in.csv.out'), 'utf8'))).toEqual(Array.from({ length: 40 }, (_, i) => `key${i},p${i}`));
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('batch transform', () => {
  it('filters the input, joins it and writes one output row per input row', async () => {
    cloud = await modelCloud();
    await send(new CreateTransformJobCommand(transformRequest('score', { DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-8,-7]' } })));
    await cloud.sagemaker.settled();
    const job = await send(new DescribeTransformJobCommand({ TransformJobName: 'score' }));
    expect(job.FailureReason).toBeUndefined();
    expect(job.TransformJobStatus).toBe('Completed');
    expect(job.TransformEndTime).toBeInstanceOf(Date);
    for (const file of ['test.csv', 'validation.csv']) {
      const input = lines(await cloud.get(`prepared/transform/eval/${file}`));
      const output = lines(await cloud.get(`scored/score/${file}.out`)).map((l) => l.split(','));
      expect(output).toHaveLength(input.length);
      expect(output.map((row) => row[0])).toEqual(input.map((l) => l.split(',')[0]));
      for (const [, probability, label] of output) {
        expect(Number(probability)).toBeGreaterThanOrEqual(0);
        expect(Number(probability)).toBeLessThanOrEqual(1);
        expect(['0', '1']).toContain(label);
      }
    }
    // The server ran as one real process and is gone.
    expect(cloud.events.filter((e) => e.job.kind === 'transform').map((e) => e.type)).toEqual(['spawn', 'exit']);
  });

  it('sends single records, the output unfiltered and unjoined', async () => {
    cloud = await modelCloud();
    const request = transformRequest('single', { BatchStrategy: 'SingleRecord', DataProcessing: { InputFilter: '$[1:]' } });
    request.TransformInput!.DataSource!.S3DataSource!.S3Uri = `s3://${BUCKET}/prepared/transform/eval/test.csv`;
    await send(new CreateTransformJobCommand(request));
    await cloud.sagemaker.settled();
    const rows = lines(await cloud.get('scored/single/test.csv.out'));
    expect(rows).toHaveLength(lines(await cloud.get('prepared/transform/eval/test.csv')).length);
    expect(rows[0]!.split(',')).toHaveLength(8);
    expect(rows[0]!.split(',')[2]).toBe('7');
  });

  it('fails when the model server dies mid-job, and leaves no process behind', async () => {
    cloud = await modelCloud({ transformFailAfterRecords: 3 });
    await send(new CreateTransformJobCommand(transformRequest('dies', { BatchStrategy: 'SingleRecord', DataProcessing: { InputFilter: '$[1:]' } })));
    await cloud.sagemaker.settled();
    const job = await send(new DescribeTransformJobCommand({ TransformJobName: 'dies' }));
    expect(job.TransformJobStatus).toBe('Failed');
    expect(job.FailureReason).toMatch(/^AlgorithmError: the model server stopped answering/);
  });

  it('rejects filters on non-CSV input and unknown models', async () => {
    cloud = await modelCloud();
    const json = transformRequest('json', { DataProcessing: { InputFilter: '$[1:]' } });
    json.TransformInput!.ContentType = 'application/json';
    await expect(send(new CreateTransformJobCommand(json))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send(new CreateTransformJobCommand({ ...transformRequest('ghost'), ModelName: 'ghost' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Could not find model "arn:aws:sagemaker:eu-west-1:000000000000:model/ghost".',
    });
    await send(new DeleteModelCommand({ ModelName: 'model-1' }));
    await expect(send(new DeleteModelCommand({ ModelName: 'model-1' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('endpoints', () => {
  it('serves /invocations, updates blue/green and stops on delete', async () => {
    cloud = await modelCloud();
    await send(new CreateEndpointConfigCommand({ EndpointConfigName: 'config-1', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model-1', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium' }] }));
    await send(new CreateEndpointConfigCommand({ EndpointConfigName: 'config-2', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model-1', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium' }] }));
    const { EndpointArn } = await send(new CreateEndpointCommand({ EndpointName: 'attrition', EndpointConfigName: 'config-1' }));
    expect(EndpointArn).toBe('arn:aws:sagemaker:eu-west-1:000000000000:endpoint/attrition');
    expect((await send(new DescribeEndpointCommand({ EndpointName: 'attrition' }))).EndpointStatus).toBe('Creating');
    await cloud.sagemaker.settled();
    const live = await send(new DescribeEndpointCommand({ EndpointName: 'attrition' }));
    expect(live.EndpointStatus).toBe('InService');
    expect(live.ProductionVariants?.[0]?.DeployedImages?.[0]?.SpecifiedImage).toBe(IMAGE);

    const first = (await readEndpointServer(`${cloud.root}/sagemaker`, 'attrition'))!;
    const row = lines(await cloud.get('prepared/transform/eval/test.csv'))[0]!.split(',').slice(1).join(',');
    const answer = await fetch(`${first.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${row}\n` });
    expect(answer.status).toBe(200);
    expect(Number((await answer.text()).split(',')[0])).toBeGreaterThan(0);

    const deployment = { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: 0 } } };
    await send(new UpdateEndpointCommand({ EndpointName: 'attrition', EndpointConfigName: 'config-2', DeploymentConfig: deployment }));
    await cloud.sagemaker.settled();
    const updated = await send(new DescribeEndpointCommand({ EndpointName: 'attrition' }));
    expect(updated).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'config-2', LastDeploymentConfig: deployment });
    const second = (await readEndpointServer(`${cloud.root}/sagemaker`, 'attrition'))!;
    expect(second.pid).not.toBe(first.pid);
    expect(isAlive(first.pid)).toBe(false);

    await send(new DeleteEndpointCommand({ EndpointName: 'attrition' }));
    expect(isAlive(second.pid)).toBe(false);
    await expect(send(new DescribeEndpointCommand({ EndpointName: 'attrition' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('model registry and tags', () => {
  it('versions packages per group, lists, filters and updates approval', async () => {
    cloud = await makeCloud();
    const { ModelPackageGroupArn } = await send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'attrition', ModelPackageGroupDescription: 'HR attrition' }));
    expect(ModelPackageGroupArn).toBe('arn:aws:sagemaker:eu-west-1:000000000000:model-package-group/attrition');
    await expect(send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'attrition' }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: ModelPackageGroupArn }))).ModelPackageGroupStatus).toBe('Completed');

    const spec = { Containers: [{ Image: IMAGE, ModelDataUrl: `s3://${BUCKET}/m.tar.gz` }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] };
    const arns: string[] = [];
    for (const description of ['one', 'two', 'three']) {
      arns.push((await send(new CreateModelPackageCommand({ ModelPackageGroupName: 'attrition', ModelPackageDescription: description, InferenceSpecification: spec }))).ModelPackageArn!);
    }
    expect(arns).toEqual([1, 2, 3].map((v) => `arn:aws:sagemaker:eu-west-1:000000000000:model-package/attrition/${v}`));

    const latest = await send(new ListModelPackagesCommand({ ModelPackageGroupName: 'attrition', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 }));
    expect(latest.ModelPackageSummaryList!.map((p) => p.ModelPackageVersion)).toEqual([3]);
    expect(latest.NextToken).toBeDefined();
    const rest = await send(new ListModelPackagesCommand({ ModelPackageGroupName: 'attrition', SortBy: 'CreationTime', SortOrder: 'Descending', NextToken: latest.NextToken }));
    expect(rest.ModelPackageSummaryList!.map((p) => p.ModelPackageVersion)).toEqual([2, 1]);

    await send(new UpdateModelPackageCommand({ ModelPackageArn: arns[1], ModelApprovalStatus: 'Approved', ApprovalDescription: 'beats the champion' }));
    const approved = await send(new ListModelPackagesCommand({ ModelPackageGroupName: 'attrition', ModelApprovalStatus: 'Approved' }));
    expect(approved.ModelPackageSummaryList!.map((p) => p.ModelPackageVersion)).toEqual([2]);
    const described = await send(new DescribeModelPackageCommand({ ModelPackageName: arns[1] }));
    expect(described).toMatchObject({ ModelApprovalStatus: 'Approved', ApprovalDescription: 'beats the champion', ModelPackageVersion: 2, ModelPackageGroupName: 'attrition' });
    expect(described.LastModifiedTime).toBeInstanceOf(Date);
    expect((await send(new DescribeModelPackageCommand({ ModelPackageName: arns[0] }))).ModelApprovalStatus).toBe('PendingManualApproval');
    await expect(send(new CreateModelPackageCommand({ ModelPackageGroupName: 'ghost', InferenceSpecification: spec }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('records tags from AddTags and from Create* requests', async () => {
    cloud = await makeCloud();
    const { ModelPackageGroupArn } = await send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'tagged', Tags: [{ Key: 'stage', Value: 'dev' }] }));
    await send(new AddTagsCommand({ ResourceArn: ModelPackageGroupArn, Tags: [{ Key: 'owner', Value: 'ml' }, { Key: 'stage', Value: 'prod' }] }));
    const { Tags } = await send(new ListTagsCommand({ ResourceArn: ModelPackageGroupArn }));
    expect(Tags).toEqual([{ Key: 'owner', Value: 'ml' }, { Key: 'stage', Value: 'prod' }]);
  });
});
