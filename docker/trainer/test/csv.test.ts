import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvParser, csvField, csvLine, isFormulaLike, LineWriter, parseCsvText, unescapeFormula } from '../src/csv';
import { CsvFormatError } from '../src/errors';
import { tempDir } from './helpers';

type Parsed = { fields: string[]; line: number; raw: string | null };

function parseAll(text: string): Parsed[] {
  const out: Parsed[] = [];
  parseCsvText(text, (fields, line, raw) => out.push({ fields, line, raw }));
  return out;
}

function parseInChunks(text: string, size: number): string[][] {
  const out: string[][] = [];
  const parser = new CsvParser((fields) => out.push(fields));
  for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
  parser.end();
  return out;
}

const TRICKY = '\ufeffid,note,n\r\n1,"a, b",2\r\n\r\n2,"say ""hi""",3\n3,"two\nlines",4\n4,=SUM(A1:A2),5\n5,,"6"';

describe('CsvParser', () => {
  it('strips the BOM, accepts CRLF, skips blank lines and unquotes fields', () => {
    const rows = parseAll(TRICKY);
    expect(rows.map((r) => r.fields)).toEqual([
      ['id', 'note', 'n'],
      ['1', 'a, b', '2'],
      ['2', 'say "hi"', '3'],
      ['3', 'two\nlines', '4'],
      ['4', '=SUM(A1:A2)', '5'],
      ['5', '', '6'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 5, 7, 8]);
    expect(rows[4]?.raw).toBe('4,=SUM(A1:A2),5');
    expect(rows[1]?.raw).toBeNull();
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = parseAll(TRICKY).map((r) => r.fields);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(parseInChunks(TRICKY, size)).toEqual(whole);
  });

  it('reads a last line without a line break', () => {
    expect(parseAll('a,b\n1,2').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('rejects an unterminated quote and text after a closing quote, naming the line', () => {
    expect(() => parseAll('a\n"open\n')).toThrow(CsvFormatError);
    expect(() => parseAll('a\n"open\n')).toThrow(/line 2/);
    expect(() => parseAll('a,b\n"x"y,1\n')).toThrow(/line 2: unexpected character after a closing quote/);
  });
});

describe('writing CSV', () => {
  it('quotes only fields that need it and never alters a value', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['1', 'a,b', ''])).toBe('1,"a,b",');
    expect(parseAll(csvLine(['x', 'a,"b"\nc', '=A1']))[0]?.fields).toEqual(['x', 'a,"b"\nc', '=A1']);
  });

  it.each([
    ['=1+2', `"'=1+2"`],
    [`=cmd|'/C calc'!A0`, `"'=cmd|'/C calc'!A0"`],
    ['+33 6 12', `"'+33 6 12"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ["'=1", `"''=1"`],
    ['=say "hi"', `"'=say ""hi"""`],
  ])('escapes the formula-like %j as OWASP advises (quote prefix, quoted), and reads it back', (value, written) => {
    expect(csvField(value)).toBe(written);
    expect(parseAll(`${csvLine(['k', value])}\n`)[0]?.fields).toEqual(['k', value]);
  });

  it('leaves numbers and text that merely contain a trigger character alone', () => {
    for (const value of ['-3.5', '+7', '-1e-3', 'a=b', "O'Brien", "'quoted", '']) expect(csvField(value)).toBe(value);
    expect(isFormulaLike('-3.5')).toBe(false);
    expect(isFormulaLike('-x')).toBe(true);
  });

  it("reads a user's file verbatim when asked: a quote-prefixed value of theirs is data", () => {
    const rows: string[][] = [];
    parseCsvText(`"'=1+2",x\n`, (fields) => rows.push(fields), { decodeFormulas: false });
    expect(rows).toEqual([["'=1+2", 'x']]);
    expect(unescapeFormula("''=1")).toBe("'=1");
    expect(unescapeFormula("'abc")).toBe("'abc");
  });

  it('LineWriter writes lines with UTF-8 and flushes large outputs', () => {
    const path = join(tempDir('trainer-csv-'), 'deep', 'out.csv');
    const writer = new LineWriter(path);
    const long = 'é'.repeat(400_000);
    for (let i = 0; i < 5000; i++) writer.write(`${i},ü`);
    writer.write(long);
    writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(5002);
    expect(lines[4999]).toBe('4999,ü');
    expect(lines[5000]).toBe(long);
    expect(writer.lines).toBe(5001);
  });
});
