import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { readJson, writeJson } from './store';

const ECR_URI = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*)(:[\w.-]+|@sha256:[a-f0-9]{64})?$/;

/** The image name of an ECR URI (`000000000000.dkr.ecr.eu-west-1.amazonaws.com/trainer:1` → `trainer`). */
export function imageNameOf(uri: string): string | undefined {
  return ECR_URI.exec(uri)?.[2];
}

/** Raised when an image has no `docker/<image>/src/main.ts` or does not build; jobs report it as a `ClientError`. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function hashFiles(files: string[], base: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(base, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

interface BundleManifest {
  /** Workspace sources (outside node_modules) the bundle was built from, with their hash. */
  sources: string[];
  sourcesHash: string;
}

/**
 * Bundles `docker/<image>/src/main.ts` into one ESM file with esbuild, once: the bundle is cached under
 * `<cacheDir>/<image>-<hash of src + package.json>/main.mjs` and rebuilt when a bundled workspace source changed.
 */
export class ImageBundler {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly repoRoot: string,
    private readonly cacheDir: string,
  ) {}

  /** Path of the runnable bundle for an image URI. */
  bundle(imageUri: string): Promise<string> {
    const image = imageNameOf(imageUri);
    if (image === undefined) {
      return Promise.reject(new ImageError(`Requested image ${imageUri} is not an ECR image URI`));
    }
    let pending = this.pending.get(image);
    if (pending === undefined) {
      pending = this.build(image, imageUri);
      pending.catch(() => this.pending.delete(image));
      this.pending.set(image, pending);
    }
    return pending;
  }

  private async build(image: string, imageUri: string): Promise<string> {
    const imageDir = join(this.repoRoot, 'docker', image);
    const entry = join(imageDir, 'src', 'main.ts');
    if (!(await stat(entry).catch(() => undefined))) {
      throw new ImageError(`Requested image ${imageUri} not found (no ${relative(this.repoRoot, entry)})`);
    }
    const key = await hashFiles([...(await listFiles(join(imageDir, 'src'))), join(imageDir, 'package.json')], imageDir);
    const outDir = join(this.cacheDir, `${image}-${key}`);
    const outFile = join(outDir, 'main.mjs');
    const manifest = await readJson<BundleManifest>(join(outDir, 'manifest.json'));
    if (manifest !== undefined && (await this.sourcesHash(manifest.sources)) === manifest.sourcesHash) return outFile;

    await mkdir(outDir, { recursive: true });
    const temp = `${outFile}.${process.pid}.tmp`;
    const result = await build({
      entryPoints: [entry],
      outfile: temp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      absWorkingDir: this.repoRoot,
      logLevel: 'silent',
    }).catch((error: Error) => {
      throw new ImageError(`Requested image ${imageUri} does not build: ${error.message.split('\n').slice(0, 3).join(' ')}`);
    });
    const sources = Object.keys(result.metafile.inputs)
      .filter((p) => !p.includes('node_modules'))
      .map((p) => join(this.repoRoot, p))
      .sort();
    await rename(temp, outFile);
    await writeJson(join(outDir, 'manifest.json'), { sources, sourcesHash: await this.sourcesHash(sources) });
    return outFile;
  }

  private async sourcesHash(sources: string[]): Promise<string> {
    try {
      return await hashFiles(sources, '/');
    } catch {
      return 'missing';
    }
  }

  /** Forget cached bundles (tests). */
  async clear(): Promise<void> {
    this.pending.clear();
    await rm(this.cacheDir, { recursive: true, force: true });
  }
}
