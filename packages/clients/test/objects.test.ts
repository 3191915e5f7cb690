import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InputError } from '@mlops/core';
import { csvRecordBatches, csvRecords } from '../src/objects';

/** An S3 client serving one object body, in chunks of `size` bytes; records the keys it was asked for. */
function s3With(body: string, size = 1 << 16): { s3: Pick<S3Client, 'send'>; keys: string[] } {
  const keys: string[] = [];
  const send = async (command: GetObjectCommand) => {
    keys.push(`s3://${command.input.Bucket}/${command.input.Key}`);
    const bytes = Buffer.from(body);
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
    return { Body: Readable.from(parts) };
  };
  return { s3: { send } as unknown as Pick<S3Client, 'send'>, keys };
}

describe('csvRecordBatches', () => {
  it('streams the records of an object in batches, the header dropped when asked', async () => {
    const { s3, keys } = s3With('\uFEFFkey,label\r\n"a,1",1\r\nb,0\r\n', 7);
    const records: string[][] = [];
    for await (const batch of csvRecordBatches(s3, 'bucket', 'labels/test.csv', { header: true })) records.push(...batch);
    expect(records).toEqual([
      ['a,1', '1'],
      ['b', '0'],
    ]);
    expect(keys).toEqual(['s3://bucket/labels/test.csv']);
  });

  it('throws an InputError naming the object and the record for a ragged or malformed file', async () => {
    const read = async (body: string, header: boolean) => {
      for await (const batch of csvRecordBatches(s3With(body).s3, 'bucket', 'x.csv.out', { header })) void batch;
    };
    await expect(read('k,s\n1,0.5\n2\n', true)).rejects.toThrow(
      new InputError('s3://bucket/x.csv.out: malformed CSV at data row 2: 1 fields where the header has 2'),
    );
    await expect(read('1,0.5\n2,"0.1\n', false)).rejects.toBeInstanceOf(InputError);
    await expect(read('1,0.5\n2,"0.1\n', false)).rejects.toThrow('s3://bucket/x.csv.out: malformed CSV at record 2: a quoted field is never closed');
  });
});

describe('csvRecords', () => {
  it('yields the same records one at a time', async () => {
    const records: string[][] = [];
    for await (const record of csvRecords(s3With('1,0.5\n2,0.25', 3).s3, 'bucket', 'x.csv.out')) records.push(record);
    expect(records).toEqual([
      ['1', '0.5'],
      ['2', '0.25'],
    ]);
  });
});
