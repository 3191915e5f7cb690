import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvHeader, type CsvReadResult } from '../src/index';
import { chunked } from './helpers';

async function read(
  bytes: Buffer | string,
  chunkSize = 1 << 16,
): Promise<{ header?: string[]; rows: string[][]; result: CsvReadResult }> {
  const rows: string[][] = [];
  let header: string[] | undefined;
  const input = chunked(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, chunkSize);
  const result = await readCsv(input, { header: (h) => (header = h), row: (r) => rows.push(r.toArray()) });
  return header ? { header, rows, result } : { rows, result };
}

describe('readCsv', () => {
  it('reads a UTF-8 BOM and CRLF line ends', async () => {
    const { header, rows, result } = await read('\uFEFFa,b\r\n1,2\r\n3,4\r\n');
    expect(header).toEqual(['a', 'b']);
    expect(rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(result).toMatchObject({ rows: 2, headerSeen: true });
    expect(result.failure).toBeUndefined();
  });

  it('reads quoted fields with commas, line breaks and doubled quotes', async () => {
    const csv = 'a,b,c\r\n"x, y","line 1\r\nline 2","say ""hi"""\n"",plain,"last"\n';
    const { rows } = await read(csv);
    expect(rows).toEqual([
      ['x, y', 'line 1\r\nline 2', 'say "hi"'],
      ['', 'plain', 'last'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries (1 to 7 bytes)', async () => {
    const csv = '\uFEFFname,city\r\n"Zoë, Ω",Zürich\r\n"a ""q""\nb",東京\n€,\n';
    const expected = (await read(csv)).rows;
    expect(expected).toEqual([
      ['Zoë, Ω', 'Zürich'],
      ['a "q"\nb', '東京'],
      ['€', ''],
    ]);
    for (const size of [1, 2, 3, 5, 7]) expect((await read(csv, size)).rows).toEqual(expected);
  });

  it('skips blank lines and reads a last line without a line break', async () => {
    const { rows } = await read('a,b\n\n1,2\r\n\r\n3,4');
    expect(rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('accepts string chunks (a stream with an encoding set)', async () => {
    const rows: string[][] = [];
    await readCsv(Readable.from(['a,b\n1,', '2\n']), { header: () => {}, row: (r) => rows.push(r.toArray()) });
    expect(rows).toEqual([['1', '2']]);
  });

  it('reports invalid UTF-8 with its byte offset and data row, without throwing', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xff, 0x41]), Buffer.from('\n3,ok\n')]);
    for (const size of [4, 1 << 16]) {
      const { rows, result } = await read(bytes, size);
      expect(result.failure).toEqual({
        reason: 'encoding',
        message: 'not valid UTF-8: byte 0xff at byte offset 11, at data row 2',
        row: 2,
      });
      expect(rows).toEqual([['1', 'ok']]);
    }
  });

  it('rejects overlong encodings and a file cut inside a character', async () => {
    const overlong = await read(Buffer.concat([Buffer.from('a\n'), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]));
    expect(overlong.result.failure?.message).toContain('byte 0xc0 at byte offset 2');
    const cut = await read(Buffer.concat([Buffer.from('a\nx'), Buffer.from('€').subarray(0, 2)]));
    expect(cut.result.failure?.message).toContain('ends inside a multi-byte character');
  });

  it.each([
    ['a,b\n1,"open\n', 'a quoted field is never closed'],
    ['a,b\n1,x"y\n', 'a quote inside an unquoted field'],
    ['a,b\n1,"x"y\n', 'unexpected text after a closing quote'],
  ])('reports malformed quoting: %j', async (csv, message) => {
    const { result } = await read(csv);
    expect(result.failure).toMatchObject({ reason: 'malformed', row: 1 });
    expect(result.failure?.message).toContain(message);
  });

  it('tells an empty file from a header-only file', async () => {
    expect((await read('')).result).toMatchObject({ rows: 0, headerSeen: false, bytes: 0 });
    expect((await read('a,b\r\n')).result).toMatchObject({ rows: 0, headerSeen: true });
  });
});

describe('readCsvHeader', () => {
  it('reads the first record only, BOM stripped and quotes undone', async () => {
    expect(await readCsvHeader(chunked(Buffer.from('\uFEFF"a,1",b\r\n1,2\r\n'), 3))).toEqual(['a,1', 'b']);
    expect(await readCsvHeader(chunked(Buffer.from('a,b'), 64))).toEqual(['a', 'b']);
  });

  it('ignores what a ranged read cut after the header', async () => {
    expect(await readCsvHeader(chunked(Buffer.from('a,b\n1,"unfinished'), 64))).toEqual(['a', 'b']);
  });

  it('has no header for an empty file or an unreadable first record', async () => {
    expect(await readCsvHeader(chunked(Buffer.alloc(0), 64))).toBeUndefined();
    expect(await readCsvHeader(chunked(Buffer.from([0x61, 0xe9, 0x2c, 0x62, 0x0a]), 64))).toBeUndefined();
  });
});
