import { describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../src/table';
import { tableFromCsv } from './helpers';

const spec: DatasetSpec = {
  target: 'y',
  positiveLabel: 'yes',
  negativeLabel: 'no',
  columns: [
    { name: 'x', kind: 'numeric', required: true },
    { name: 'c', kind: 'category', required: true },
    { name: 'opt', kind: 'numeric', required: false },
  ],
};

/** Every field quoted: the same values through the full RFC 4180 parser instead of the in-place line scan. */
const quoted = (csv: string) =>
  csv
    .split('\n')
    .map((line, i) =>
      i === 0 || line === ''
        ? line
        : line
            .split(',')
            .map((f) => `"${f}"`)
            .join(','),
    )
    .join('\n');

describe('loadTable', () => {
  // Numbers the fast scan answers and ones it hands to parseNumber (exponent, spaces, 16+ digits, signs).
  const numbers = ['1', '-0', '007', '1.5', '-2.25', '1e3', ' 5', '', '12345678901234567', '+7', '.5', '0.1'];
  // More than 16 levels, so both the in-place comparison and the dictionary lookup are used.
  const levels = Array.from({ length: 20 }, (_, i) => `level ${i % 20}`);
  const rows = numbers.flatMap((x, i) =>
    levels.slice(0, 3).map((_, j) => `${x},${levels[(i * 3 + j) % 20]},${i % 2 ? 'yes' : 'no'},extra`),
  );
  const csv = `x,c,y,ignored\n${rows.join('\n')}\n${',,no,\n'}`;

  it('reads unquoted lines in place exactly as the full parser reads them', async () => {
    // Act
    const plain = await tableFromCsv(csv, spec);
    const parsed = await tableFromCsv(quoted(csv), spec);
    // Assess
    expect(plain).toEqual(parsed);
    expect(plain.rows).toBe(rows.length + 1);
  });

  it('parses each number as Number() does, with empty fields missing', async () => {
    const table = await tableFromCsv(csv, spec);
    const x = table.columns[0]!;
    if (x.kind !== 'numeric') throw new Error('x is numeric');
    const firstOfEach = numbers.map((_, i) => x.values[i * 3]);
    expect(firstOfEach.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(
      numbers.map((n) => (n === '' ? 'NaN' : Object.is(Number(n), -0) ? '-0' : String(Number(n)))),
    );
    const optional = table.columns[2]!;
    expect(optional.kind === 'numeric' && optional.values.every(Number.isNaN)).toBe(true);
    const c = table.columns[1]!;
    expect(c.kind === 'category' && c.codes.at(-1)).toBe(-1);
  });

  it.each([
    ['a short line', 'x,c,y\n1,a,yes\n2,b\n', /line 3: expected 3 columns, got 2/],
    ['a long line', 'x,c,y\n1,a,yes\n2,b,no,4\n', /line 3: expected 3 columns, got 4/],
    ['a bad number', 'x,c,y\n1,a,yes\nabc,b,no\n', /line 3: column x: "abc" is not a number/],
    ['an unknown label', 'x,c,y\n1,a,maybe\n', /line 2: target y is "maybe"/],
  ])('rejects %s on both paths', async (_what, text, message) => {
    await expect(tableFromCsv(text, spec)).rejects.toThrow(message);
    await expect(tableFromCsv(quoted(text), spec)).rejects.toThrow(message);
  });
});
