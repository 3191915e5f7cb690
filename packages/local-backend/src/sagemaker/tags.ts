import type { AddTagsInput, AddTagsOutput, ListTagsInput, ListTagsOutput, Tag } from '@aws-sdk/client-sagemaker';
import { shortHash } from '@mlops/core';
import type { SageMakerContext } from './context';
import { paginate } from './context';
import { validateRequest } from './validate';

interface TagState {
  ResourceArn: string;
  Tags: Tag[];
}

const key = (arn: string) => shortHash(arn, 32);

/** Record tags on a resource ARN (merged by key, like AddTags). Tags are recorded only, never enforced. */
export async function recordTags(ctx: SageMakerContext, arn: string, tags: Tag[]): Promise<Tag[]> {
  const name = key(arn);
  const current = (await ctx.store.read<TagState>('tags', name))?.Tags ?? [];
  const merged = [...current.filter((t) => !tags.some((n) => n.Key === t.Key)), ...tags];
  const state: TagState = { ResourceArn: arn, Tags: merged };
  if (!(await ctx.store.create('tags', name, state))) await ctx.store.write('tags', name, state);
  return merged;
}

/** AddTags. */
export async function addTags(ctx: SageMakerContext, input: AddTagsInput): Promise<AddTagsOutput> {
  validateRequest(input, [
    { path: 'ResourceArn', required: true, maxLength: 256, pattern: /^arn:aws[a-z-]*:sagemaker:/ },
    { path: 'Tags', required: true, type: 'list', maxItems: 50 },
    { path: 'Tags[].Key', required: true, maxLength: 128 },
    { path: 'Tags[].Value', required: true, maxLength: 256 },
  ]);
  await recordTags(ctx, input.ResourceArn as string, input.Tags ?? []);
  return { Tags: input.Tags };
}

/** ListTags. */
export async function listTags(ctx: SageMakerContext, input: ListTagsInput): Promise<ListTagsOutput> {
  validateRequest(input, [
    { path: 'ResourceArn', required: true, maxLength: 256, pattern: /^arn:aws[a-z-]*:sagemaker:/ },
    { path: 'MaxResults', type: 'number', min: 50, max: 100 },
  ]);
  const tags = (await ctx.store.read<TagState>('tags', key(input.ResourceArn as string)))?.Tags ?? [];
  const { page, NextToken } = paginate(tags, input, 50);
  return { Tags: page, ...(NextToken === undefined ? {} : { NextToken }) };
}
