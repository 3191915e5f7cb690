/** Writing a generated dataset to disk. */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Write a generated CSV stream to `path`, creating parent folders. The stream is pulled only as fast as the disk
 * takes it (backpressure), and the file appears under its name only once complete (written aside, then renamed).
 * @returns the number of bytes written
 * @example await writeDataset(generateAttrition({ rows: 1470, seed: 7 }), 'data/sample/attrition.csv')
 */
export async function writeDataset(source: AsyncIterable<string>, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  try {
    await pipeline(source, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, path);
  return out.bytesWritten;
}
