import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateAttrition, writeDataset } from '@mlops/sample-data';

/** The bundled sample: 1,470 employees to train on and 300 current employees to score, generated once. */
export async function ensureSampleData(dir: string): Promise<{ train: string; score: string }> {
  await mkdir(dir, { recursive: true });
  const train = join(dir, 'attrition.csv');
  const score = join(dir, 'attrition-score.csv');
  if (!existsSync(train)) await writeDataset(generateAttrition({ rows: 1470, seed: 7 }), train);
  if (!existsSync(score)) await writeDataset(generateAttrition({ rows: 300, seed: 8, scoring: true }), score);
  return { train, score };
}
