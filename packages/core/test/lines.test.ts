import { describe, expect, it } from 'vitest';
import { countLines } from '../src/lines';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('countLines', () => {
  it('counts lines across chunk boundaries, with or without a trailing newline', async () => {
    expect(await countLines(chunks('a,1\nb,', '2\nc,3\n'))).toBe(3);
    expect(await countLines(chunks('a,1\nb,2'))).toBe(2);
    expect(await countLines(chunks())).toBe(0);
    expect(await countLines(chunks('', '\n'))).toBe(1);
  });
});
