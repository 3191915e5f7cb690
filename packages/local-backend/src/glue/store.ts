import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** JSON documents by kind and name under a folder; writes are atomic (temp file + rename). */
export class JsonStore {
  constructor(private readonly root: string) {}

  private path(kind: string, name: string): string {
    return join(this.root, kind, `${encodeURIComponent(name)}.json`);
  }

  async get<T>(kind: string, name: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path(kind, name), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async put(kind: string, name: string, value: unknown): Promise<void> {
    const path = this.path(kind, name);
    await mkdir(join(this.root, kind), { recursive: true });
    // A temp name of its own per write: two runs may write the same document at once (the last rename wins).
    const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(staged, JSON.stringify(value, null, 2));
    await rename(staged, path);
  }

  async list<T>(kind: string): Promise<T[]> {
    const files = await readdir(join(this.root, kind)).catch(() => [] as string[]);
    const out: T[] = [];
    for (const f of files.filter((x) => x.endsWith('.json'))) out.push(JSON.parse(await readFile(join(this.root, kind, f), 'utf8')) as T);
    return out;
  }
}
