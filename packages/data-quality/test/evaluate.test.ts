import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DqdlSyntaxError, evaluateDataset } from '../src/index';
import { csvOf, evaluateCsv, smallConfig } from './helpers';

const CSV = csvOf(
  '1,25,0.5,Sales,"a, quoted",yes',
  '2,35,,R&D,,no',
  '3,45,2.5,"HR ""core""",c,no',
  '4, ,x,HR,d,maybe',
  '4,30,3,Sales,e,yes',
).replace(/\n/g, '\r\n');
const RULES =
  'Rules = [ ColumnValues "dept" in ["Sales", "R&D"] with threshold > 0.5, Mean "age" > 0, IsUnique "note" ]';

describe('evaluateDataset', () => {
  it('gives the same outcome whatever the chunk size', async () => {
    const whole = await evaluateCsv(CSV, RULES);
    expect(whole.status).toBe('FAILED');
    for (const size of [1, 3, 17]) expect(await evaluateCsv(CSV, RULES, smallConfig(), size)).toEqual(whole);
  });

  it('rejects invalid DQDL before reading any row', async () => {
    let pulled = 0;
    async function* input(): AsyncGenerator<Buffer> {
      pulled += 1;
      yield Buffer.from(CSV);
    }
    const run = evaluateDataset({
      input: input(),
      ruleset: 'Rules = [\n  RowCount > 0,\n  Bogus "x"\n]',
      config: smallConfig(),
    });
    await expect(run).rejects.toThrow(DqdlSyntaxError);
    await expect(run).rejects.toMatchObject({ line: 3, column: 3 });
    expect(pulled).toBe(0);
  });

  it('reads a Node readable stream', async () => {
    const outcome = await evaluateDataset({
      input: Readable.from([Buffer.from(csvOf('1,20,,A,,yes', '2,21,,B,,no'))]),
      ruleset: 'Rules = [ ]',
      config: smallConfig(),
    });
    expect(outcome).toMatchObject({ status: 'PASSED', rowCount: 2 });
  });
});
