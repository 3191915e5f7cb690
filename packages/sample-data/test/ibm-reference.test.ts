/** Compares the generated schema with the real IBM file when `../shared` is there; skips cleanly otherwise. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateAttrition } from '../src/index';
import { collect, parseCsv } from './helpers';

const IBM_FILE = fileURLToPath(
  new URL('../../../../shared/datasets/ibm-hr-attrition/WA_Fn-UseC_-HR-Employee-Attrition.csv', import.meta.url),
);

describe.skipIf(!existsSync(IBM_FILE))('generated attrition data against the IBM file', () => {
  it('has the same header and the same levels in every text column', async () => {
    // Arrange: the real file has a BOM and CRLF line ends; read only its schema
    const ibm = parseCsv((await readFile(IBM_FILE, 'utf8')).replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'));
    // Act
    const generated = parseCsv(await collect(generateAttrition({ rows: 5000, seed: 3 })));
    // Assess
    expect(generated.header).toEqual(ibm.header);
    const textColumns = ibm.header.filter((c) => ibm.rows.some((r) => !/^-?\d+$/.test(r[c] ?? '')));
    expect(textColumns).toHaveLength(9);
    for (const column of textColumns) {
      const levels = (t: typeof ibm): string[] => [...new Set(t.rows.map((r) => r[column] ?? ''))].sort();
      expect(levels(generated), column).toEqual(levels(ibm));
    }
  });
});
