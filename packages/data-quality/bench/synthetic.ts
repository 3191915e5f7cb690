import { generateAttrition, writeDataset } from '@mlops/sample-data';

/** The generated attrition rows, as the IBM file is written: a UTF-8 BOM and CRLF line ends. */
async function* ibmShaped(rows: number, seed: number): AsyncIterable<string> {
  yield '\uFEFF';
  for await (const chunk of generateAttrition({ rows, seed })) yield chunk.replaceAll('\n', '\r\n');
}

/**
 * Write `rows` attrition rows from @mlops/sample-data's generator (header first, CRLF, BOM) to `path`.
 * @example await writeSyntheticAttritionCsv('/tmp/big.csv', 1_000_000)
 */
export async function writeSyntheticAttritionCsv(path: string, rows: number, seed = 42): Promise<void> {
  await writeDataset(ibmShaped(rows, seed), path);
}
