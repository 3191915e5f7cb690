import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { encodeTable, fitEncoders } from '../src/encoder';
import { loadTable, type DatasetSpec, type RawTable } from '../src/table';

const created: string[] = [];

// Registered while the importing test file is collected: removes that file's temporary folders.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'trainer-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Loads CSV text through the real streaming loader. */
export async function tableFromCsv(text: string, spec: DatasetSpec): Promise<RawTable> {
  const path = join(tempDir(), 'data.csv');
  writeFileSync(path, text);
  return loadTable(path, spec);
}

/** Encoders fitted on `table` and the table encoded with them. */
export function encoded(table: RawTable) {
  const encoders = fitEncoders(table);
  return { encoders, rows: encodeTable(table, encoders) };
}

export const referenceSpec: DatasetSpec = {
  target: 'y',
  positiveLabel: 'yes',
  negativeLabel: 'no',
  columns: [
    { name: 'x1', kind: 'numeric', required: true },
    { name: 'x2', kind: 'numeric', required: true },
    { name: 'x3', kind: 'numeric', required: true },
    { name: 'c', kind: 'category', required: true },
    { name: 'd', kind: 'category', required: true },
  ],
};
