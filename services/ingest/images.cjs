/* global require, module, __dirname -- loaded by osls' ${file()} with require(): CommonJS on purpose */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
/**
 * The stage's container images: one ECR repository per `docker/<image>/` folder, and the image URIs the functions
 * read (CONTAINER_IMAGES), tagged with a content hash of what goes into the image.
 *
 * The tag is the first 16 hex digits of a SHA-256 over the image folder and the folders of the workspace packages
 * it depends on (transitively): every file's path and bytes, in sorted order, skipping node_modules, dist and
 * build caches. Same sources → same tag on any machine, so `pnpm deploy` (scripts/deploy.ts), which pushes the
 * image, and `serverless package/deploy`, which renders the URIs, agree without talking to each other.
 *
 * In serverless.yml: `custom.images: ${file(./images.cjs)}`, then `${self:custom.images.resources}` (the repositories)
 * and `${self:custom.images.containerImages}` (ingest's output ContainerImages).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SKIPPED = new Set(['node_modules', 'dist', '.serverless', '.esbuild', '.bench', 'coverage']);
const TAG_LENGTH = 16;

/** `docker/<image>` folders that hold a Dockerfile, sorted. */
function imageNames(root = ROOT) {
  const dir = path.join(root, 'docker');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'Dockerfile')))
    .map((d) => d.name)
    .sort();
}

/** Folders of every workspace package (name → folder). */
function workspacePackages(root) {
  const found = new Map();
  for (const parent of ['packages', 'docker', 'services']) {
    const dir = path.join(root, parent);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const manifest = path.join(dir, entry.name, 'package.json');
      if (entry.isDirectory() && fs.existsSync(manifest)) {
        found.set(JSON.parse(fs.readFileSync(manifest, 'utf8')).name, path.join(dir, entry.name));
      }
    }
  }
  return found;
}

/** The image folder plus the folders of the workspace packages its `dependencies` reach. */
function imageSources(image, root = ROOT) {
  const packages = workspacePackages(root);
  const folders = new Set();
  const visit = (folder) => {
    if (folders.has(folder)) return;
    folders.add(folder);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    for (const [name, spec] of Object.entries(manifest.dependencies || {})) {
      if (String(spec).startsWith('workspace:') && packages.has(name)) visit(packages.get(name));
    }
  };
  visit(path.join(root, 'docker', image));
  return [...folders].sort();
}

function listFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * Content tag of `docker/<image>`.
 * @example imageTag('trainer') // '3f1c0a9be2d47a10'
 */
function imageTag(image, root = ROOT) {
  const hash = crypto.createHash('sha256');
  const files = imageSources(image, root)
    .flatMap((folder) => listFiles(folder, []))
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .sort();
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(root, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex').slice(0, TAG_LENGTH);
}

/** ECR repository name of an image for a project and stage. */
function repositoryName(project, stage, image) {
  return `${project}-${stage}-${image}`;
}

/** CloudFormation logical id of an image's repository: `trainer` → `TrainerImageRepository`. */
function repositoryLogicalId(image) {
  const pascal = image
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}ImageRepository`;
}

/** `{ image: tag }` for every image. */
function imageTags(root = ROOT) {
  return Object.fromEntries(imageNames(root).map((image) => [image, imageTag(image, root)]));
}

/** The CONTAINER_IMAGES JSON for a known account and region (scripts/deploy.ts, seeded compose state). */
function renderContainerImages({ account, region, project, stage, root = ROOT }) {
  const uris = Object.entries(imageTags(root)).map(([image, tag]) => [
    image,
    `${account}.dkr.ecr.${region}.amazonaws.com/${repositoryName(project, stage, image)}:${tag}`,
  ]);
  return JSON.stringify(Object.fromEntries(uris));
}

/** ECR lifecycle policy: keep the newest `keep` images, expire older ones (untagged included). */
function lifecyclePolicy(keep) {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `keep the ${keep} most recent images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

/** One encrypted, scanned, lifecycle-managed ECR repository per image (CloudFormation resources). */
function repositoryResources({ project, stage, keep, deletionPolicy = 'Retain', root = ROOT }) {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`imageRetentionCount must be a positive integer, got ${keep}`);
  return Object.fromEntries(
    imageNames(root).map((image) => [
      repositoryLogicalId(image),
      {
        Type: 'AWS::ECR::Repository',
        // Like the buckets (param bucketDeletionPolicy): dev removes its images with the stack, other stages keep them.
        DeletionPolicy: deletionPolicy,
        Properties: {
          EmptyOnDelete: deletionPolicy === 'Delete',
          RepositoryName: repositoryName(project, stage, image),
          // Content-hash tags never move: a tag names one build for good.
          ImageTagMutability: 'IMMUTABLE',
          ImageScanningConfiguration: { ScanOnPush: true },
          EncryptionConfiguration: {
            'Fn::If': ['UseKmsKey', { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } }, { EncryptionType: 'AES256' }],
          },
          LifecyclePolicy: { LifecyclePolicyText: lifecyclePolicy(keep) },
        },
      },
    ]),
  );
}

/**
 * What serverless.yml reads: the repositories (`resources` fragment), the images' URIs (a Fn::Sub over the
 * stack's repositories) and the tags. osls calls this with its variable resolver.
 */
async function serverlessValues({ resolveVariable }, root = ROOT) {
  const project = await resolveVariable('param:project');
  const stage = await resolveVariable('sls:stage');
  const keep = Number(await resolveVariable('param:imageRetentionCount'));
  const deletionPolicy = await resolveVariable('param:bucketDeletionPolicy');
  const tags = imageTags(root);
  const uris = Object.entries(tags).map(
    ([image, tag]) => `"${image}":"\${${repositoryLogicalId(image)}.RepositoryUri}:${tag}"`,
  );
  return {
    resources: { Resources: repositoryResources({ project, stage, keep, deletionPolicy, root }) },
    containerImages: { 'Fn::Sub': `{${uris.join(',')}}` },
    tags,
  };
}

module.exports = Object.assign((options) => serverlessValues(options), {
  lifecyclePolicy,
  repositoryResources,
  imageNames,
  imageSources,
  imageTag,
  imageTags,
  repositoryName,
  repositoryLogicalId,
  renderContainerImages,
  serverlessValues,
});
