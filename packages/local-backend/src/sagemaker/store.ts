import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalServiceError } from '../service';

/** Kinds of persisted resources; each is a folder under the store root. */
export type ResourceKind =
  | 'training-jobs'
  | 'processing-jobs'
  | 'tuning-jobs'
  | 'transform-jobs'
  | 'models'
  | 'endpoint-configs'
  | 'endpoints'
  | 'model-package-groups'
  | 'tags';

const DATE_KEY = /(Time|Timestamp)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** JSON.parse reviver: members named `…Time` / `…Timestamp` come back as `Date`s, like the SDK's. */
export function reviveDates(key: string, value: unknown): unknown {
  return typeof value === 'string' && DATE_KEY.test(key) && ISO.test(value) ? new Date(value) : value;
}

let writeCounter = 0;

/** Write JSON atomically (temp file + rename), so a reader in another process never sees half a file. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  const temp = `${path}.${process.pid}.${++writeCounter}.tmp`;
  await writeFile(temp, JSON.stringify(value, null, 1));
  await rename(temp, path);
}

/** Read JSON with dates revived; undefined when the file does not exist. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'), reviveDates) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Resources as folders of JSON under `root`: `<root>/<kind>/<lower-cased name>/state.json`.
 * Creating a resource is an exclusive rename of a complete folder, so two processes cannot create the same name.
 */
export class ResourceStore {
  constructor(readonly root: string) {}

  /** Folder of one resource (also its job folder). Names are case-insensitive, like SageMaker's. */
  dir(kind: ResourceKind, name: string): string {
    return join(this.root, kind, name.toLowerCase());
  }

  /** Create a resource; false when one with that name exists. */
  async create(kind: ResourceKind, name: string, state: object): Promise<boolean> {
    // The folder appears with its state.json already in it (staged under a dot name, then renamed): a concurrent
    // caller told "already exists" can read the resource at once.
    const staged = join(this.root, kind, `.${name.toLowerCase()}.${process.pid}.${++writeCounter}`);
    await mkdir(staged, { recursive: true });
    await writeFile(join(staged, 'state.json'), JSON.stringify(state, null, 1));
    try {
      if (await readdir(this.dir(kind, name)).then(() => true, () => false)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      await rename(staged, this.dir(kind, name));
      return true;
    } catch (error) {
      await rm(staged, { recursive: true, force: true });
      if (['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
      throw error;
    }
  }

  async read<T>(kind: ResourceKind, name: string): Promise<T | undefined> {
    return readJson<T>(join(this.dir(kind, name), 'state.json'));
  }

  /** Read or throw the given error (each API words "not found" its own way). */
  async get<T>(kind: ResourceKind, name: string, notFound: () => LocalServiceError): Promise<T> {
    const state = await this.read<T>(kind, name);
    if (state === undefined) throw notFound();
    return state;
  }

  async write(kind: ResourceKind, name: string, state: object): Promise<void> {
    await writeJson(join(this.dir(kind, name), 'state.json'), state);
  }

  /** Read-modify-write of one resource's state. */
  async update<T extends object>(kind: ResourceKind, name: string, change: (state: T) => T): Promise<T> {
    const state = await this.read<T>(kind, name);
    if (state === undefined) throw new Error(`${kind}/${name} vanished from ${this.root}`);
    const next = change(state);
    await this.write(kind, name, next);
    return next;
  }

  /** Every resource of a kind (order unspecified). */
  async list<T>(kind: ResourceKind): Promise<T[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, kind));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const states = await Promise.all(names.filter((n) => !n.startsWith('.')).map((n) => this.read<T>(kind, n)));
    return states.filter((s): s is Awaited<T> => s !== undefined) as T[];
  }
}
