import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateModelPackageGroupInput,
  CreateModelPackageGroupOutput,
  CreateModelPackageInput,
  CreateModelPackageOutput,
  DescribeModelPackageGroupInput,
  DescribeModelPackageGroupOutput,
  DescribeModelPackageInput,
  DescribeModelPackageOutput,
  ListModelPackagesInput,
  ListModelPackagesOutput,
  UpdateModelPackageInput,
  UpdateModelPackageOutput,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerContext } from './context';
import { arnOf, nameFromArnOrName, paginate, sortBy } from './context';
import { readJson, writeJson } from './store';
import { validateRequest, validationError, type FieldRule } from './validate';

type GroupState = DescribeModelPackageGroupOutput & { ModelPackageGroupName: string; ModelPackageGroupArn: string };
type PackageState = DescribeModelPackageOutput & { ModelPackageGroupName: string; ModelPackageVersion: number; ModelPackageArn: string };

const entityName = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const arnOrName = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$/;
const approval = ['Approved', 'Rejected', 'PendingManualApproval'] as const;
const packageArn = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:model-package\/([^/]+)\/(\d+)$/;

const groupNotFound = (ctx: SageMakerContext, name: string) =>
  validationError(`ModelPackageGroup ${arnOf(ctx, 'model-package-group', name)} does not exist.`);

function versionsDir(ctx: SageMakerContext, group: string): string {
  return join(ctx.store.dir('model-package-groups', group), 'versions');
}

/** Group and version of a versioned package from its ARN (or `<group>/<version>`). */
function locate(ctx: SageMakerContext, nameOrArn: string): { group: string; version: number; path: string } {
  const match = packageArn.exec(nameOrArn) ?? /^([a-zA-Z0-9-]+)\/(\d+)$/.exec(nameOrArn);
  if (match === null) throw validationError(`ModelPackage ${nameOrArn} does not exist.`);
  const group = match[1] as string;
  const version = Number(match[2]);
  return { group, version, path: join(versionsDir(ctx, group), String(version), 'state.json') };
}

async function readPackage(ctx: SageMakerContext, nameOrArn: string): Promise<{ state: PackageState; path: string }> {
  const { path } = locate(ctx, nameOrArn);
  const state = await readJson<PackageState>(path);
  if (state === undefined) throw validationError(`ModelPackage ${nameOrArn} does not exist.`);
  return { state, path };
}

/** CreateModelPackageGroup. */
export async function createModelPackageGroup(ctx: SageMakerContext, input: CreateModelPackageGroupInput): Promise<CreateModelPackageGroupOutput> {
  validateRequest(input, [
    { path: 'ModelPackageGroupName', required: true, pattern: entityName, maxLength: 63 },
    { path: 'ModelPackageGroupDescription', maxLength: 1024 },
  ]);
  const name = input.ModelPackageGroupName as string;
  const arn = arnOf(ctx, 'model-package-group', name);
  const state: GroupState = {
    ModelPackageGroupName: name,
    ModelPackageGroupArn: arn,
    ...(input.ModelPackageGroupDescription === undefined ? {} : { ModelPackageGroupDescription: input.ModelPackageGroupDescription }),
    CreationTime: new Date(),
    CreatedBy: {},
    ModelPackageGroupStatus: 'Completed',
  };
  if (!(await ctx.store.create('model-package-groups', name, state))) throw validationError(`Model Package Group already exists: ${arn}`);
  return { ModelPackageGroupArn: arn };
}

/** DescribeModelPackageGroup. */
export async function describeModelPackageGroup(ctx: SageMakerContext, input: DescribeModelPackageGroupInput): Promise<DescribeModelPackageGroupOutput> {
  validateRequest(input, [{ path: 'ModelPackageGroupName', required: true, pattern: arnOrName, maxLength: 170 }]);
  const name = nameFromArnOrName(input.ModelPackageGroupName as string);
  return ctx.store.get<GroupState>('model-package-groups', name, () => groupNotFound(ctx, name));
}

/** Reserve the next version of a group (exclusive mkdir, so concurrent processes never share one). */
async function nextVersion(ctx: SageMakerContext, group: string): Promise<number> {
  const dir = versionsDir(ctx, group);
  await mkdir(dir, { recursive: true });
  for (let version = (await readdir(dir)).length + 1; ; version++) {
    try {
      await mkdir(join(dir, String(version)));
      return version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

const packageRules: FieldRule[] = [
  { path: 'ModelPackageGroupName', required: true, pattern: arnOrName, maxLength: 170 },
  { path: 'ModelPackageDescription', maxLength: 1024 },
  { path: 'ModelApprovalStatus', enum: approval },
  { path: 'InferenceSpecification.Containers', required: true, type: 'list', maxItems: 15 },
  { path: 'InferenceSpecification.Containers[].Image', required: true, maxLength: 255 },
  { path: 'InferenceSpecification.Containers[].ModelDataUrl', pattern: /^(https|s3):\/\/([^/]+)\/?(.*)$/, maxLength: 1024 },
  { path: 'Tags', type: 'list', maxItems: 50 },
];

/** CreateModelPackage: a new version (1, 2, 3, …) of a model package group. */
export async function createModelPackage(ctx: SageMakerContext, input: CreateModelPackageInput): Promise<CreateModelPackageOutput> {
  if (input.ModelPackageName !== undefined && input.ModelPackageGroupName === undefined) {
    throw validationError('The local backend supports versioned model packages only: set ModelPackageGroupName');
  }
  if (input.ModelPackageName !== undefined) throw validationError('ModelPackageName and ModelPackageGroupName cannot both be specified');
  validateRequest(input, packageRules);
  const group = nameFromArnOrName(input.ModelPackageGroupName as string);
  await ctx.store.get<GroupState>('model-package-groups', group, () => groupNotFound(ctx, group));
  const version = await nextVersion(ctx, group);
  const arn = `${arnOf(ctx, 'model-package', group)}/${version}`;
  const now = new Date();
  const { ModelPackageGroupName: _group, Tags: _tags, ClientToken: _token, ...rest } = input;
  const state: PackageState = {
    ...rest,
    ModelPackageName: group,
    ModelPackageGroupName: group,
    ModelPackageVersion: version,
    ModelPackageArn: arn,
    CreationTime: now,
    LastModifiedTime: now,
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CertifyForMarketplace: input.CertifyForMarketplace ?? false,
    ModelApprovalStatus: input.ModelApprovalStatus ?? 'PendingManualApproval',
  };
  await writeJson(join(versionsDir(ctx, group), String(version), 'state.json'), state);
  return { ModelPackageArn: arn };
}

/** DescribeModelPackage (by ARN, or `<group>/<version>`). */
export async function describeModelPackage(ctx: SageMakerContext, input: DescribeModelPackageInput): Promise<DescribeModelPackageOutput> {
  validateRequest(input, [{ path: 'ModelPackageName', required: true, maxLength: 170 }]);
  return (await readPackage(ctx, input.ModelPackageName as string)).state;
}

/** UpdateModelPackage: approval status, approval description, customer metadata. */
export async function updateModelPackage(ctx: SageMakerContext, input: UpdateModelPackageInput): Promise<UpdateModelPackageOutput> {
  validateRequest(input, [
    { path: 'ModelPackageArn', required: true, maxLength: 2048 },
    { path: 'ModelApprovalStatus', enum: approval },
    { path: 'ApprovalDescription', maxLength: 1024 },
  ]);
  const { state, path } = await readPackage(ctx, input.ModelPackageArn as string);
  const metadata = { ...state.CustomerMetadataProperties, ...input.CustomerMetadataProperties };
  for (const key of input.CustomerMetadataPropertiesToRemove ?? []) delete metadata[key];
  const next: PackageState = {
    ...state,
    ...(input.ModelApprovalStatus === undefined ? {} : { ModelApprovalStatus: input.ModelApprovalStatus }),
    ...(input.ApprovalDescription === undefined ? {} : { ApprovalDescription: input.ApprovalDescription }),
    ...(Object.keys(metadata).length === 0 ? {} : { CustomerMetadataProperties: metadata }),
    LastModifiedTime: new Date(),
  };
  await writeJson(path, next);
  return { ModelPackageArn: state.ModelPackageArn };
}

async function packagesOf(ctx: SageMakerContext, group: string): Promise<PackageState[]> {
  const versions = await readdir(versionsDir(ctx, group)).catch(() => [] as string[]);
  const states = await Promise.all(versions.map((v) => readJson<PackageState>(join(versionsDir(ctx, group), v, 'state.json'))));
  return states.filter((s): s is PackageState => s !== undefined);
}

/** ListModelPackages (SortBy CreationTime | Name, SortOrder, ModelApprovalStatus, NameContains, time filters). */
export async function listModelPackages(ctx: SageMakerContext, input: ListModelPackagesInput): Promise<ListModelPackagesOutput> {
  validateRequest(input, [
    { path: 'MaxResults', type: 'number', min: 1, max: 100 },
    { path: 'ModelApprovalStatus', enum: approval },
    { path: 'ModelPackageGroupName', pattern: arnOrName, maxLength: 170 },
    { path: 'ModelPackageType', enum: ['Versioned', 'Unversioned', 'Both'] },
    { path: 'SortBy', enum: ['Name', 'CreationTime'] },
    { path: 'SortOrder', enum: ['Ascending', 'Descending'] },
  ]);
  let groups: string[] = [];
  if (input.ModelPackageGroupName !== undefined) groups = [nameFromArnOrName(input.ModelPackageGroupName)];
  else if (input.ModelPackageType === 'Versioned' || input.ModelPackageType === 'Both') {
    groups = (await ctx.store.list<GroupState>('model-package-groups')).map((g) => g.ModelPackageGroupName);
  }
  const all = (await Promise.all(groups.map((g) => packagesOf(ctx, g)))).flat();
  const filtered = all
    .filter((p) => input.ModelApprovalStatus === undefined || p.ModelApprovalStatus === input.ModelApprovalStatus)
    .filter((p) => input.NameContains === undefined || p.ModelPackageGroupName.includes(input.NameContains))
    .filter((p) => input.CreationTimeAfter === undefined || (p.CreationTime ?? 0) > input.CreationTimeAfter)
    .filter((p) => input.CreationTimeBefore === undefined || (p.CreationTime ?? 0) < input.CreationTimeBefore);
  // Versions created in the same millisecond still sort by version.
  const version = (p: PackageState) => String(p.ModelPackageVersion).padStart(9, '0');
  const time = (p: PackageState) => String(p.CreationTime?.getTime() ?? 0).padStart(15, '0');
  const key = input.SortBy === 'Name' ? (p: PackageState) => `${p.ModelPackageGroupName}/${version(p)}` : (p: PackageState) => `${time(p)}/${version(p)}`;
  const { page, NextToken } = paginate(filtered.sort(sortBy(key, input.SortOrder)), input);
  return {
    ModelPackageSummaryList: page.map((p) => ({
      ModelPackageName: p.ModelPackageName,
      ModelPackageGroupName: p.ModelPackageGroupName,
      ModelPackageVersion: p.ModelPackageVersion,
      ModelPackageArn: p.ModelPackageArn,
      ModelPackageDescription: p.ModelPackageDescription,
      CreationTime: p.CreationTime,
      ModelPackageStatus: p.ModelPackageStatus,
      ModelApprovalStatus: p.ModelApprovalStatus,
    })),
    ...(NextToken === undefined ? {} : { NextToken }),
  };
}
