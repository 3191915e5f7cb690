import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkRequest, validateRequest, type ServiceModel } from '../src/index';

// botocore's shape semantics on a small hand-written model (no installed models needed).

const model: ServiceModel = {
  service: 'demo',
  version: '2020-01-01',
  file: '(memory)',
  metadata: { protocol: 'json' },
  operations: {
    Put: { name: 'Put', input: { shape: 'PutRequest' } },
    Upload: { name: 'Upload', input: { shape: 'UploadRequest' } },
    Ping: { name: 'Ping' },
  },
  shapes: {
    PutRequest: {
      type: 'structure',
      required: ['Name', 'Token'],
      members: {
        Name: { shape: 'Name' },
        Token: { shape: 'Name', idempotencyToken: true },
        Count: { shape: 'Count' },
        Size: { shape: 'Size' },
        Ratio: { shape: 'Ratio' },
        When: { shape: 'When' },
        Flag: { shape: 'Flag' },
        Items: { shape: 'Items' },
        Labels: { shape: 'Labels' },
        Data: { shape: 'Data' },
        Choice: { shape: 'Choice' },
        Doc: { shape: 'Doc' },
        Json: { shape: 'Name', jsonvalue: true },
        Odd: { shape: 'Odd' },
        Missing: { shape: 'NoSuchShape' },
      },
    },
    UploadRequest: { type: 'structure', members: { Body: { shape: 'Data', streaming: true } } },
    Name: { type: 'string', min: 1, max: 5, pattern: '[a-z]+' },
    Count: { type: 'integer', min: 1, max: 10 },
    Size: { type: 'long', min: 0 },
    Ratio: { type: 'double', min: 0, max: 1 },
    When: { type: 'timestamp' },
    Flag: { type: 'boolean' },
    Items: { type: 'list', member: { shape: 'Name' }, min: 1, max: 2 },
    Labels: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Count' }, max: 1 },
    Data: { type: 'blob', max: 3 },
    Choice: { type: 'structure', union: true, members: { A: { shape: 'Flag' }, B: { shape: 'Flag' } } },
    Doc: { type: 'structure', document: true },
    Odd: { type: 'string', pattern: '[a-z&&[^x]]+' },
  },
};

const base = { Name: 'abc', Token: 't' };
const check = (extra: Record<string, unknown>) => validateRequest(model, 'Put', { ...base, ...extra });

describe('structures', () => {
  it('treats undefined and null members as absent, and lets the SDK fill a missing idempotency token', () => {
    expect(validateRequest(model, 'Put', { Name: 'abc', Count: undefined, Flag: null })).toEqual([]);
    expect(validateRequest(model, 'Put', {})).toEqual(['Name: required member missing (PutRequest)']);
    expect(validateRequest(model, 'Put', undefined)).toEqual(['Name: required member missing (PutRequest)']);
  });

  it('rejects a non-object input, an unknown member, and a union with zero or two members set', () => {
    expect(validateRequest(model, 'Put', 'x')).toEqual(['(input): expected a structure (PutRequest), got string "x"']);
    expect(check({ Extra: 1 })).toEqual(['Extra: unknown member (not in PutRequest)']);
    expect(check({ Choice: { A: true } })).toEqual([]);
    expect(check({ Choice: { A: true, B: false } })).toEqual([
      'Choice: union Choice needs exactly one member set, got 2',
    ]);
    expect(check({ Choice: {} })).toEqual(['Choice: union Choice needs exactly one member set, got 0']);
  });

  it('accepts anything in a document or a jsonvalue string; an operation without input takes no members', () => {
    expect(check({ Doc: { any: [1, 'thing'] }, Json: { a: 1 } })).toEqual([]);
    expect(validateRequest(model, 'Ping', {})).toEqual([]);
    expect(validateRequest(model, 'Ping', { Verbose: true })).toEqual([
      'Verbose: unknown member (Ping takes no input)',
    ]);
  });
});

describe('scalars', () => {
  it('checks string type, length and whole-string pattern', () => {
    expect(check({ Name: 'abcdef' })).toEqual(['Name: length 6 is above max 5']);
    expect(check({ Name: '' })).toEqual(['Name: length 0 is below min 1', 'Name: "" does not match pattern [a-z]+']);
    expect(check({ Name: 'ab1' })).toEqual(['Name: "ab1" does not match pattern [a-z]+']);
    expect(check({ Name: 5 })).toEqual(['Name: expected a string, got number 5']);
  });

  it('checks integer, long and double types and ranges', () => {
    expect(check({ Count: 10, Size: 2 ** 40, Ratio: 0.5 })).toEqual([]);
    expect(check({ Count: 0 })).toEqual(['Count: 0 is below min 1']);
    expect(check({ Count: 11 })).toEqual(['Count: 11 is above max 10']);
    expect(check({ Count: '3' })).toEqual(['Count: expected an integer, got string "3"']);
    expect(check({ Count: 2.5 })).toEqual(['Count: 2.5 is not an integer']);
    expect(check({ Size: -1, Ratio: 1.5 })).toEqual(['Size: -1 is below min 0', 'Ratio: 1.5 is above max 1']);
    expect(check({ Size: 5n })).toEqual([]);
    expect(check({ Ratio: Number.NaN })).toEqual(['Ratio: NaN is not a finite double']);
  });

  it('accepts a Date, an ISO 8601 string or epoch seconds as a timestamp', () => {
    for (const When of [new Date(), '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123+02:00', 1714557600])
      expect(check({ When })).toEqual([]);
    expect(check({ When: new Date('nope') })).toEqual(['When: invalid Date']);
    expect(check({ When: '2024-05-01' })).toEqual([expect.stringMatching(/^When: expected a timestamp/)]);
  });

  it('checks booleans', () => {
    expect(check({ Flag: false })).toEqual([]);
    expect(check({ Flag: 'false' })).toEqual(['Flag: expected a boolean, got string "false"']);
  });
});

describe('lists, maps and blobs', () => {
  it('checks list length and every item, with its index', () => {
    expect(check({ Items: ['a'] })).toEqual([]);
    expect(check({ Items: [] })).toEqual(['Items: list length 0 is below min 1']);
    expect(check({ Items: ['a', 'B', 'c'] })).toEqual([
      'Items: list length 3 is above max 2',
      'Items[1]: "B" does not match pattern [a-z]+',
    ]);
    expect(check({ Items: 'a' })).toEqual(['Items: expected a list, got string "a"']);
  });

  it('checks map size, keys and values (plain objects and Map)', () => {
    expect(check({ Labels: { a: 1 } })).toEqual([]);
    expect(check({ Labels: new Map([['a', 1]]) })).toEqual([]);
    expect(check({ Labels: { A: 0 } })).toEqual([
      'Labels key "A": "A" does not match pattern [a-z]+',
      'Labels["A"]: 0 is below min 1',
    ]);
    expect(check({ Labels: { a: 1, b: 2 } })).toEqual(['Labels: map size 2 is above max 1']);
    expect(check({ Labels: [1] })).toEqual(['Labels: expected a map, got an array']);
  });

  it('accepts bytes, strings and streams as blobs, checking the byte length of in-memory ones', () => {
    for (const Data of [
      Buffer.from('abc'),
      'abc',
      new Uint8Array(3),
      new ArrayBuffer(2),
      Readable.from(['abcdef']),
      '<stream>',
    ]) {
      expect(check({ Data })).toEqual([]);
    }
    expect(check({ Data: 'abcd' })).toEqual(['Data: byte length 4 is above max 3']);
    expect(check({ Data: 'éé' })).toEqual(['Data: byte length 4 is above max 3']);
    expect(check({ Data: { not: 'bytes' } })).toEqual([
      'Data: expected a blob (bytes, string or stream), got an object',
    ]);
  });

  it('does not length-check a streaming blob', () => {
    expect(validateRequest(model, 'Upload', { Body: 'a long streamed body' })).toEqual([]);
    expect(validateRequest(model, 'Upload', { Body: Readable.from(['x']) })).toEqual([]);
  });
});

describe('what cannot be checked is reported apart, never passed silently', () => {
  it('lists an uncompilable pattern and an unknown shape in `unchecked`', () => {
    const result = checkRequest(model, 'Put', { ...base, Odd: 'abc', Missing: 1 });
    expect(result.violations).toEqual([]);
    expect(result.unchecked).toEqual([
      'Odd: pattern not checkable (character class intersection &&): [a-z&&[^x]]+',
      'Missing: shape NoSuchShape is not in the model',
    ]);
  });
});
