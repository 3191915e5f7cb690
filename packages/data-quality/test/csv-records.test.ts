import { describe, expect, it } from 'vitest';
import { CsvFormatError, csvRecordBatches, csvRecords, type CsvRecordsOptions } from '../src/csv/index';
import { chunked } from './helpers';

async function batches(csv: Buffer | string, chunkSize = 1 << 16, options: CsvRecordsOptions = {}): Promise<string[][][]> {
  const out: string[][][] = [];
  for await (const batch of csvRecordBatches(chunked(typeof csv === 'string' ? Buffer.from(csv) : csv, chunkSize), options)) out.push(batch);
  return out;
}

async function failure(csv: Buffer | string, options: CsvRecordsOptions = {}, chunkSize = 1 << 16): Promise<CsvFormatError> {
  const error = await batches(csv, chunkSize, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CsvFormatError);
  return error as CsvFormatError;
}

describe('csvRecordBatches', () => {
  it('yields the records each chunk completes as one batch, the header dropped when asked', async () => {
    const csv = '\uFEFFkey,label\r\n1,0\r\n2,1\r\n3,0\r\n';
    const all = await batches(csv);
    expect(all).toEqual([[['key', 'label'], ['1', '0'], ['2', '1'], ['3', '0']]]);
    const small = await batches(csv, 12, { header: true });
    expect(small.length).toBeGreaterThan(1);
    expect(small.flat()).toEqual([['1', '0'], ['2', '1'], ['3', '0']]);
  });

  it('gives the same records as the sink reader whatever the chunk boundaries, quotes and line breaks included', async () => {
    const csv = 'name,city\r\n"Zoë, Ω",Zürich\r\n"a ""q""\nb",東京\n\n€,\nlast,"no newline"';
    const expected = [['name', 'city'], ['Zoë, Ω', 'Zürich'], ['a "q"\nb', '東京'], ['€', ''], ['last', 'no newline']];
    for (let size = 1; size <= 7; size++) expect((await batches(csv, size)).flat()).toEqual(expected);
    const flat: string[][] = [];
    for await (const record of csvRecords(chunked(Buffer.from(csv), 5))) flat.push(record);
    expect(flat).toEqual(expected);
  });

  it('yields nothing for an empty file or a header alone', async () => {
    expect(await batches('')).toEqual([]);
    expect(await batches('a,b\n', 64, { header: true })).toEqual([]);
  });

  it('refuses a record narrower or wider than the header, naming the data row', async () => {
    const error = await failure('a,b,c\n1,2,3\n4,5\n', { header: true });
    expect(error.message).toBe('malformed CSV at data row 2: 2 fields where the header has 3');
    expect(error.record).toBe(2);
    const headless = await failure('1,2\n3,4,5\n');
    expect(headless.message).toBe('malformed CSV at record 2: 3 fields where the first record has 2');
  });

  it.each([
    ['a,b\n1,"open\n', 'malformed CSV at data row 1: a quoted field is never closed'],
    ['a,b\n1,x"y\n', 'malformed CSV at data row 1: a quote inside an unquoted field'],
    ['a,b\n1,"x"y\n', 'malformed CSV at data row 1: unexpected text after a closing quote'],
  ])('refuses malformed quoting: %j', async (csv, message) => {
    expect((await failure(csv, { header: true })).message).toBe(message);
  });

  it('refuses invalid UTF-8 and a file cut inside a character, with the byte offset', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xff, 0x41]), Buffer.from('\n3,ok\n')]);
    for (const size of [4, 1 << 16]) {
      expect((await failure(bytes, { header: true }, size)).message).toBe(
        'malformed CSV at data row 2: not valid UTF-8: byte 0xff at byte offset 11',
      );
    }
    const cut = await failure(Buffer.concat([Buffer.from('a\nx'), Buffer.from('€').subarray(0, 2)]));
    expect(cut.message).toContain('ends inside a multi-byte character');
  });
});
