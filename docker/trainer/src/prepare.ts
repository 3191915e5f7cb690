import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { featureColumns, InputError, type PipelineConfig } from '@mlops/core';
import { DatasetProfiler } from '@mlops/data-quality';
import { csvField, csvLine, LineWriter, mayHoldFormula, readCsvFile, type CsvReadOptions } from './csv';
import { RowError } from './errors';
import { channelCsv, mlPaths, readPipelineConfig } from './paths';
import { assignSplit, SPLIT_NAMES, type SplitName } from './split';

type PerSplit = Record<SplitName, number>;

/** A user's file is read verbatim: a `'=…` value of theirs is data, not our formula escape. */
const VERBATIM: CsvReadOptions = { decodeFormulas: false };
const LINE_BREAK = /\r\n|[\r\n]/g;

/**
 * The fields as every prepared file holds them: a line break inside a value becomes a space, because batch
 * transform splits its input on line breaks (SplitType Line) and the model must see the same text in training.
 */
function singleLine(fields: string[]): string[] {
  return fields.map((value) => (value.includes('\n') || value.includes('\r') ? value.replace(LINE_BREAK, ' ') : value));
}

/** A record's raw line when it can be copied as is: no quotes, no line break, no formula-like cell. */
function verbatimLine(raw: string | null): string | null {
  return raw !== null && !mayHoldFormula(raw) && !raw.includes('\r') ? raw : null;
}

/** The profile `prepare` writes beside `summary.json` (the data-quality profile of the whole dataset). */
export const PROFILE_FILE = 'profile.json';

/** `summary.json`: the contract's fields plus the positive rate per split (class stratification). */
export interface PrepareSummary {
  rows: PerSplit;
  positives: PerSplit;
  positiveRate: PerSplit;
  scoreRows: number;
  featureColumns: string[];
  split: { train: number; validation: number; test: number; salt: string; hash: string };
}

/** Where each needed column sits in a file's header (-1: an optional feature the file does not hold). */
function locate(header: string[], names: string[], config: PipelineConfig, file: string): number[] {
  const position = new Map(header.map((name, i) => [name, i]));
  return names.map((name) => {
    const at = position.get(name);
    if (at !== undefined) return at;
    if (config.dataset.columns[name]?.required === false) return -1;
    throw new InputError(`${file}: column ${name} is missing from the header`);
  });
}

/** `[rowKey, ...features]` of a record; `plain` records (copyable verbatim) need no quoting or escaping. */
function selectLine(fields: string[], positions: number[], plain: boolean): string {
  let out = '';
  for (let k = 0; k < positions.length; k++) {
    const at = positions[k] as number;
    const value = at < 0 ? '' : (fields[at] as string);
    out += (k === 0 ? '' : ',') + (plain ? value : csvField(value));
  }
  return out;
}

/** 1 for the positive label, 0 for the negative one; anything else is an error naming the line. */
function labelOf(target: string | undefined, config: PipelineConfig, line: number): number {
  const { dataset } = config;
  if (target === dataset.positiveLabel) return 1;
  if (target === dataset.negativeLabel) return 0;
  throw new RowError(
    line,
    `target ${dataset.target} is "${target}", neither "${dataset.positiveLabel}" nor "${dataset.negativeLabel}"`,
  );
}

class PrepareOutputs {
  readonly data: Record<SplitName, LineWriter>;
  readonly evaluation: Record<'validation' | 'test', LineWriter>;
  readonly labels: Record<'validation' | 'test', LineWriter>;
  readonly score: LineWriter;

  constructor(readonly dir: string) {
    const data = (s: SplitName) => new LineWriter(join(dir, s, 'data.csv'));
    this.data = { train: data('train'), validation: data('validation'), test: data('test') };
    this.evaluation = {
      validation: new LineWriter(join(dir, 'transform', 'eval', 'validation.csv')),
      test: new LineWriter(join(dir, 'transform', 'eval', 'test.csv')),
    };
    this.labels = {
      validation: new LineWriter(join(dir, 'labels', 'validation.csv')),
      test: new LineWriter(join(dir, 'labels', 'test.csv')),
    };
    this.labels.validation.write('key,label');
    this.labels.test.write('key,label');
    this.score = new LineWriter(join(dir, 'transform', 'score', 'score.csv'));
  }

  close(): void {
    for (const w of [
      ...Object.values(this.data),
      ...Object.values(this.evaluation),
      ...Object.values(this.labels),
      this.score,
    ])
      w.close();
  }
}

interface Counts {
  rows: PerSplit;
  positives: PerSplit;
}

async function splitDataset(
  path: string,
  config: PipelineConfig,
  out: PrepareOutputs,
  alsoScore: boolean,
  profiler: DatasetProfiler,
): Promise<Counts> {
  const { dataset, split } = config;
  const selected = [dataset.rowKey, ...featureColumns(config)];
  const counts: Counts = {
    rows: { train: 0, validation: 0, test: 0 },
    positives: { train: 0, validation: 0, test: 0 },
  };
  let positions: number[] | undefined;
  let width = 0;
  let targetAt = -1;
  await readCsvFile(
    path,
    (fields, line, raw) => {
      if (positions === undefined) {
        width = fields.length;
        positions = locate(fields, selected, config, path);
        targetAt = locate(fields, [dataset.target], config, path)[0] as number;
        profiler.header(fields);
        for (const s of SPLIT_NAMES) out.data[s].write(csvLine(singleLine(fields)));
        return;
      }
      if (fields.length !== width) throw new RowError(line, `expected ${width} columns, got ${fields.length}`);
      profiler.fields(fields);
      const key = fields[positions[0] as number] as string;
      if (key === '') throw new RowError(line, `row key ${dataset.rowKey} is empty`);
      const label = labelOf(fields[targetAt], config, line);
      const name = assignSplit(key, split);
      const verbatim = verbatimLine(raw);
      const values = verbatim === null ? singleLine(fields) : fields;
      out.data[name].write(verbatim ?? csvLine(values));
      counts.rows[name]++;
      counts.positives[name] += label;
      const selectedLine = name !== 'train' || alsoScore ? selectLine(values, positions, verbatim !== null) : '';
      if (name !== 'train') {
        out.evaluation[name].write(selectedLine);
        out.labels[name].write(`${csvField(values[positions[0] as number] as string)},${label}`);
      }
      if (alsoScore) out.score.write(selectedLine);
    },
    VERBATIM,
  );
  if (positions === undefined) throw new InputError(`${path} is empty (no header)`);
  return counts;
}

/**
 * Written (instead of any scoring row) when the scoring file lacks required columns: training can go on, and the
 * publish stage fails with a ScoringDataError naming the columns and the file.
 */
export const SCORE_PROBLEM_FILE = 'score-problem.json';

/** What `score-problem.json` holds. */
export interface ScoreProblem {
  file: string;
  missingColumns: string[];
  message: string;
}

class MissingScoreColumnsError extends Error {
  constructor(readonly problem: ScoreProblem) {
    super(problem.message);
  }
}

async function copyScoreInput(path: string, config: PipelineConfig, out: PrepareOutputs): Promise<void> {
  const selected = [config.dataset.rowKey, ...featureColumns(config)];
  let positions: number[] | undefined;
  let width = 0;
  await readCsvFile(
    path,
    (fields, line, raw) => {
      if (positions === undefined) {
        width = fields.length;
        const missing = selected.filter((name) => !fields.includes(name) && config.dataset.columns[name]?.required !== false);
        if (missing.length > 0) {
          const file = basename(path);
          const message = `scoring file ${file} lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
          throw new MissingScoreColumnsError({ file, missingColumns: missing, message });
        }
        positions = locate(fields, selected, config, path);
        return;
      }
      if (fields.length !== width) throw new RowError(line, `expected ${width} columns, got ${fields.length}`);
      const verbatim = verbatimLine(raw) !== null;
      out.score.write(selectLine(verbatim ? fields : singleLine(fields), positions, verbatim));
    },
    VERBATIM,
  );
}

function checkClasses(counts: Counts): void {
  const problems = SPLIT_NAMES.filter((s) => counts.positives[s] < 1 || counts.rows[s] - counts.positives[s] < 1).map(
    (s) => `${s} has ${counts.positives[s]} positive and ${counts.rows[s] - counts.positives[s]} negative rows`,
  );
  if (problems.length > 0) {
    throw new InputError(`every split needs at least one row of each class: ${problems.join('; ')}`);
  }
}

/**
 * The `prepare` command: splits the dataset by a stable hash of the row key and writes the contract's outputs
 * under `$ML_ROOT/processing/output/`. Streams every file (constant memory in rows).
 */
export async function runPrepare(mlRoot: string, print: (line: string) => void): Promise<PrepareSummary> {
  const paths = mlPaths(mlRoot);
  const config = await readPipelineConfig(paths.processing.config);
  const datasetPath = channelCsv(paths.processing.data) as string;
  const scorePath = channelCsv(paths.processing.score, { optional: true });
  const out = new PrepareOutputs(paths.processing.output);
  const profiler = new DatasetProfiler(config);
  const started = Date.now();
  let counts: Counts;
  let scoreProblem: ScoreProblem | undefined;
  try {
    counts = await splitDataset(datasetPath, config, out, scorePath === undefined, profiler).catch((error: unknown) => {
      throw error instanceof RowError ? new InputError(`${datasetPath}: ${error.message}`, { cause: error }) : error;
    });
    if (scorePath !== undefined) {
      scoreProblem = await copyScoreInput(scorePath, config, out).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof MissingScoreColumnsError) return error.problem;
          throw error instanceof RowError ? new InputError(`${scorePath}: ${error.message}`, { cause: error }) : error;
        },
      );
    }
  } finally {
    out.close();
  }
  const total = counts.rows.train + counts.rows.validation + counts.rows.test;
  const seconds = (Date.now() - started) / 1000;
  print(
    `prepare: ${total} rows (train=${counts.rows.train} validation=${counts.rows.validation} test=${counts.rows.test}) in ${seconds.toFixed(2)} s`,
  );
  checkClasses(counts);
  const rate = (s: SplitName) => counts.positives[s] / counts.rows[s];
  const summary: PrepareSummary = {
    ...counts,
    positiveRate: { train: rate('train'), validation: rate('validation'), test: rate('test') },
    scoreRows: out.score.lines,
    featureColumns: featureColumns(config),
    split: { ...config.split, hash: 'fnv1a32+fmix32 of "<salt>:<rowKey>" / 2^32' },
  };
  await writeFile(join(paths.processing.output, 'summary.json'), JSON.stringify(summary, null, 2));
  // The dataset's per-column profile: publishing keeps it as the next run's drift baseline.
  await writeFile(join(paths.processing.output, PROFILE_FILE), JSON.stringify(profiler.finish()));
  if (scoreProblem !== undefined) {
    print(`prepare: nothing to score: ${scoreProblem.message} (the publish stage will fail)`);
    await writeFile(join(paths.processing.output, SCORE_PROBLEM_FILE), JSON.stringify(scoreProblem, null, 2));
  }
  return summary;
}
