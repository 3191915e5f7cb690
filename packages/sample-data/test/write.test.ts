import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgram, generateAttrition, generateChurn, writeDataset } from '../src/index';
import { collect } from './helpers';

describe('writeDataset and the CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sample-data-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the streamed text, creating folders', async () => {
    // Arrange
    const path = join(dir, 'nested', 'attrition.csv');
    // Act
    const bytes = await writeDataset(generateAttrition({ rows: 3000, seed: 5 }), path);
    // Assess
    const expected = await collect(generateAttrition({ rows: 3000, seed: 5 }));
    expect(await readFile(path, 'utf8')).toBe(expected);
    expect(bytes).toBe(Buffer.byteLength(expected));
    expect(await readdir(join(dir, 'nested'))).toEqual(['attrition.csv']);
  });

  it('leaves no file behind when the stream fails', async () => {
    async function* failing(): AsyncIterable<string> {
      yield 'a,b\n';
      throw new Error('generator broke');
    }
    await expect(writeDataset(failing(), join(dir, 'x.csv'))).rejects.toThrow('generator broke');
    expect(await readdir(dir)).toEqual([]);
  });

  it('runs the attrition and churn commands', async () => {
    // Arrange
    const logs: string[] = [];
    const attrition = join(dir, 'a.csv');
    const churn = join(dir, 'c.csv');
    // Act
    await createProgram((line) => logs.push(line)).parseAsync(
      ['attrition', '--rows', '50', '--seed', '9', '--out', attrition, '--scoring'],
      { from: 'user' },
    );
    await createProgram((line) => logs.push(line)).parseAsync(['churn', '--rows', '40', '--out', churn], {
      from: 'user',
    });
    // Assess
    expect(await readFile(attrition, 'utf8')).toBe(
      await collect(generateAttrition({ rows: 50, seed: 9, scoring: true })),
    );
    expect(await readFile(churn, 'utf8')).toBe(await collect(generateChurn({ rows: 40, seed: 7 })));
    expect(logs).toHaveLength(2);
  });
});
