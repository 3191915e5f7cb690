import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { generateAttrition, writeDataset } from '@mlops/sample-data';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ATTRITION = join(REPO, 'pipelines', 'attrition.yml');

/** A fresh temporary folder. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mlops-${prefix}-`));
}

/** Generated attrition data (training file, or scoring file without the target). */
export async function attritionCsv(dir: string, name: string, rows: number, seed: number, scoring = false): Promise<string> {
  const path = join(dir, name);
  await writeDataset(generateAttrition({ rows, seed, scoring }), path);
  return path;
}

/**
 * A variant of the sample pipeline config, written next to the test's data: `change` edits the parsed YAML.
 * The DQDL file is inlined so the variant is self-contained.
 */
export async function attritionVariant(dir: string, name: string, change: (config: Record<string, any>) => void = () => {}): Promise<string> {
  const config = parse(await readFile(ATTRITION, 'utf8')) as Record<string, any>;
  config.validation.rules = await readFile(join(REPO, 'pipelines', 'attrition.dqdl'), 'utf8');
  delete config.validation.rulesFile;
  change(config);
  const path = join(dir, `${name}.yml`);
  await writeFile(path, stringify(config));
  return path;
}
