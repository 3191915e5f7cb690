/**
 * Lines in a stream of bytes (a last line without a trailing newline counts), read once in constant memory.
 * @example await countLines(createReadStream('predictions.csv'))
 */
export async function countLines(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of chunks) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  return last === 10 ? lines : lines + 1;
}
