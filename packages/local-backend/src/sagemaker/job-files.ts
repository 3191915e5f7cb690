import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create as tarCreate, extract as tarExtract } from 'tar';
import type { Channel, ResourceConfig } from '@aws-sdk/client-sagemaker';
import type { SageMakerContext } from './context';
import { parseS3Uri } from './context';

/** Raised for problems SageMaker reports as `ClientError: ...` (bad input data, missing image). */
export class JobClientError extends Error {
  override readonly name = 'JobClientError';
}

/** Copy one S3 prefix into a folder; fails like SageMaker when nothing is there. */
export async function downloadInput(ctx: SageMakerContext, uri: string, dir: string): Promise<string[]> {
  const { bucket, key } = parseS3Uri(uri);
  await mkdir(dir, { recursive: true });
  let files: string[];
  try {
    files = await ctx.s3.downloadPrefix(bucket, key, dir);
  } catch (error) {
    throw new JobClientError(`Data download failed:Could not download ${uri}: ${(error as Error).message}`);
  }
  if (files.length === 0) {
    throw new JobClientError(`Data download failed:No S3 objects found under S3 URL "${uri}" given in input data source.`);
  }
  return files;
}

/** Lay out `input/config/*.json` and `input/data/<channel>/` of a training job. */
export async function prepareTrainingTree(
  ctx: SageMakerContext,
  mlRoot: string,
  job: { HyperParameters?: Record<string, string>; InputDataConfig?: Channel[]; ResourceConfig?: ResourceConfig; TrainingInputMode?: string },
): Promise<void> {
  const config = join(mlRoot, 'input', 'config');
  await Promise.all(['model', 'output/data', 'input/config', 'input/data'].map((d) => mkdir(join(mlRoot, d), { recursive: true })));
  const channels = job.InputDataConfig ?? [];
  const dataConfig = Object.fromEntries(
    channels.map((c) => [
      c.ChannelName,
      {
        ...(c.ContentType === undefined ? {} : { ContentType: c.ContentType }),
        TrainingInputMode: c.InputMode ?? job.TrainingInputMode ?? 'File',
        S3DistributionType: c.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
        RecordWrapperType: c.RecordWrapperType ?? 'None',
      },
    ]),
  );
  const instanceType = job.ResourceConfig?.InstanceType ?? 'ml.m5.large';
  const resource = {
    current_host: 'algo-1',
    current_instance_type: instanceType,
    current_group_name: 'homogeneousCluster',
    hosts: ['algo-1'],
    instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: instanceType, hosts: ['algo-1'] }],
    network_interface_name: 'eth0',
  };
  await settleInOrder([
    writeFile(join(config, 'hyperparameters.json'), JSON.stringify(job.HyperParameters ?? {})),
    writeFile(join(config, 'inputdataconfig.json'), JSON.stringify(dataConfig)),
    writeFile(join(config, 'resourceconfig.json'), JSON.stringify(resource)),
    ...channels.map((c) => downloadInput(ctx, c.DataSource?.S3DataSource?.S3Uri ?? '', join(mlRoot, 'input', 'data', c.ChannelName ?? ''))),
  ]);
}

/** Await every promise; on failure throw the first one's error in list order (deterministic, unlike Promise.all). */
export async function settleInOrder(promises: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** Tar + gzip the contents of a folder (entries at the archive root, like SageMaker's model.tar.gz). */
export async function tarDir(dir: string, file: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => []);
  if (entries.length === 0) return false;
  await tarCreate({ gzip: true, file, cwd: dir, portable: true }, entries);
  return true;
}

/** Unpack a model.tar.gz into a folder. */
export async function untar(file: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await tarExtract({ file, cwd: dir });
}

/** The text of `output/failure`, if the container wrote one. */
export async function readFailureFile(mlRoot: string): Promise<string | undefined> {
  const text = await readFile(join(mlRoot, 'output', 'failure'), 'utf8').catch(() => undefined);
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed.slice(0, 1000);
}

/** FailureReason of a container that exited badly, worded like SageMaker's. */
export function algorithmError(failure: string | undefined, exit: { code: number | null; signal: string | null }, tail: string): string {
  if (failure !== undefined) return `AlgorithmError: ${failure}`;
  const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const lastLine = tail.trim().split('\n').pop();
  return `AlgorithmError: See job logs for more information (${how}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''})`;
}
