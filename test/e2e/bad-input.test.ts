import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { openLocalCloud, runPipeline, LOCAL_BUCKETS, type RunOutcome } from '@mlops/local-runner';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// Issue 4, "Bad input must get a clear error and lose nothing". Every case runs through the whole local pipeline
// (the real ingest function, the deployed state machine, every real handler and the container) in one workdir whose
// first run published a champion. An invalid file ends the run `invalid-data` with a summary naming the rule, the
// column and the offending rows; the champion and the published predictions stay byte for byte; the file stays in
// the data bucket. Allowed oddities (extra columns, another column order, BOM + CRLF, quoted commas and line
// breaks, formula-like text) publish.

type Json = Record<string, any>;

const ROWS = 600;
const HEAVY = process.env.MLOPS_HEAVY_TESTS === '1';
const FORMULA = `=cmd|'/C calc'!A0`;

let dir: string;
let workdir: string;
let pipeline: string;
let header: string[];
let lines: string[];

const column = (name: string): number => header.indexOf(name);

/** The good file's rows (header first) after `change`, written as `<name>.csv`. */
async function variant(name: string, change: (rows: string[][]) => string[][] | void): Promise<string> {
  const rows = [header, ...lines.map((l) => l.split(','))].map((r) => [...r]);
  return file(name, `${(change(rows) ?? rows).map((r) => r.join(',')).join('\n')}\n`);
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, `${name}.csv`);
  await writeFile(path, content);
  return path;
}

/** An object's bytes through the local S3 API; undefined when there is no such key. */
async function objectBytes(bucket: string, key: string): Promise<Buffer | undefined> {
  const { cloud } = await openLocalCloud(workdir);
  try {
    const out = (await cloud.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))) as {
      Body: { transformToByteArray(): Promise<Uint8Array> };
    };
    return Buffer.from(await out.Body.transformToByteArray());
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function artifactText(key: string): Promise<string> {
  return ((await objectBytes(LOCAL_BUCKETS.artifacts, key)) as Buffer).toString('utf8');
}

async function artifactKeys(prefix: string): Promise<string[]> {
  const { cloud } = await openLocalCloud(workdir);
  const out = (await cloud.s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKETS.artifacts, Prefix: prefix }))) as {
    Contents?: { Key: string }[];
  };
  return (out.Contents ?? []).map((o) => o.Key);
}

/** What a bad run must leave alone: the `latest` pointer and every registered model package, byte for byte. */
async function published(): Promise<Record<string, string | undefined>> {
  const latest = await objectBytes(LOCAL_BUCKETS.artifacts, 'predictions/pipeline=attrition/latest.json');
  const versions = join(workdir, 'cloud', 'sagemaker', 'model-package-groups', 'mlops-attrition', 'versions');
  const packages = await Promise.all(
    (await readdir(versions)).map(async (v) => [
      `package ${v}`,
      await readFile(join(versions, v, 'state.json'), 'utf8'),
    ]),
  );
  return { latest: latest?.toString('utf8'), ...Object.fromEntries(packages) };
}

async function reportOf(outcome: RunOutcome): Promise<Json> {
  return JSON.parse(await artifactText((outcome.record?.validation as Json).reportKey)) as Json;
}

/** The uploaded file is still where the user put it, unchanged. */
async function expectKept(path: string): Promise<void> {
  const name = path.split('/').pop() as string;
  expect(await objectBytes(LOCAL_BUCKETS.data, `attrition/incoming/${name}`)).toEqual(await readFile(path));
}

/** Run the file: invalid-data, nothing published changed, the file kept. The validation summary and report. */
async function expectInvalid(path: string): Promise<{ summary: string; report: Json }> {
  const before = await published();
  const outcome = await runPipeline({ pipeline, data: path, workdir });
  expect(outcome.status, JSON.stringify(outcome.record?.error ?? null)).toBe('invalid-data');
  expect(outcome.error).toBe('InvalidDataError');
  expect(outcome.record?.tuning).toBeNull();
  expect(await published()).toEqual(before);
  await expectKept(path);
  return { summary: String((outcome.record?.validation as Json).summary), report: await reportOf(outcome) };
}

async function expectPublished(path: string): Promise<{ outcome: RunOutcome; report: Json }> {
  const outcome = await runPipeline({ pipeline, data: path, workdir });
  expect(outcome.status, JSON.stringify(outcome.record?.error ?? outcome.record?.evaluation ?? null)).toBe('published');
  await expectKept(path);
  return { outcome, report: await reportOf(outcome) };
}

const rule = (report: Json, name: string): Json => (report.rules as Json[]).find((r) => r.name === name) as Json;

/** The prepared train / validation / test files of a run, as text. */
async function preparedSplits(outcome: RunOutcome): Promise<string[]> {
  const prefix = `runs/attrition/${outcome.runId}/prepared/`;
  return Promise.all(['train', 'validation', 'test'].map((s) => artifactText(`${prefix}${s}/data.csv`)));
}

describe('bad input: a clear error, nothing lost', () => {
  beforeAll(async () => {
    dir = await tempDir('bad-input');
    workdir = join(dir, 'work');
    const good = await attritionCsv(dir, 'good.csv', ROWS, 11);
    const text = (await readFile(good, 'utf8')).trimEnd().split('\n');
    header = (text[0] as string).split(',');
    lines = text.slice(1);
    // Cheap runs; no warm start, so that the valid variants of the same data train the same model and pass the gate.
    pipeline = await attritionVariant(dir, 'attrition', (c) => {
      c.tuning.maxJobs = 2;
      c.tuning.warmStart = false;
      c.evaluation.bootstrap.samples = 0;
    });
    const first = await runPipeline({ pipeline, data: good, workdir });
    expect(first.status, JSON.stringify(first.record?.error ?? null)).toBe('published');
  });

  // The heavy case leaves gigabytes behind (the file, its copies in the local cloud, the splits).
  afterAll(() => (HEAVY ? rm(dir, { recursive: true, force: true }) : undefined));

  it('an empty file: HeaderPresent fails, the rules it blocks are only counted', async () => {
    const { summary } = await expectInvalid(await file('empty', ''));
    expect(summary).toMatch(/^\d+ of \d+ rules failed, \d+ of them not evaluated because of the others: /);
    expect(summary).toContain('HeaderPresent (the file is empty)');
  });

  it('a header only: no data rows', async () => {
    const { summary } = await expectInvalid(await file('header-only', `${header.join(',')}\n`));
    expect(summary).toContain('RowsPerClass "Attrition" >= 30 (the file has a header but no data rows');
    expect(summary).toContain('Dataset.*.RowCount is 0');
  });

  it('the target column missing', async () => {
    const target = column('Attrition');
    const { summary } = await expectInvalid(
      await variant('no-target', (rows) => rows.map((r) => r.filter((_, i) => i !== target))),
    );
    expect(summary).toContain('ColumnExists "Attrition" (column "Attrition" is missing)');
  });

  it('a third value in the target', async () => {
    const { summary, report } = await expectInvalid(
      await variant('third-class', (rows) => {
        for (const k of [5, 50, 500]) (rows[k] as string[])[column('Attrition')] = 'Maybe';
      }),
    );
    expect(summary).toMatch(
      /^1 of \d+ rules failed: ColumnValues "Attrition" in \["Yes", "No"\] \(3 rows \(rows 5, 50, 500\)/,
    );
    expect(rule(report, 'ColumnValues "Attrition" in ["Yes", "No"]')).toMatchObject({
      source: 'builtin',
      column: 'Attrition',
      failedRowCount: 3,
      exampleRows: [5, 50, 500],
    });
  });

  it('one class only', async () => {
    const { summary } = await expectInvalid(
      await variant('one-class', (rows) => {
        for (const r of rows.slice(1)) r[column('Attrition')] = 'No';
      }),
    );
    expect(summary).toContain('RowsPerClass "Attrition" >= 30 (class "Yes" has 0 rows; each class needs at least 30)');
  });

  it('text in a numeric column', async () => {
    const { summary, report } = await expectInvalid(
      await variant('text-in-number', (rows) => {
        for (const k of [3, 30]) (rows[k] as string[])[column('MonthlyIncome')] = 'n/a';
      }),
    );
    expect(summary).toContain('ColumnDataType "MonthlyIncome" = "INTEGER" (2 rows (rows 3, 30) do not hold an INTEGER');
    expect(rule(report, 'ColumnDataType "MonthlyIncome" = "INTEGER"')).toMatchObject({
      column: 'MonthlyIncome',
      failedRowCount: 2,
    });
  });

  it('blank cells " " in a numeric column', async () => {
    const { summary } = await expectInvalid(
      await variant('blank-number', (rows) => {
        for (const k of [7, 70, 170]) (rows[k] as string[])[column('DistanceFromHome')] = ' ';
      }),
    );
    expect(summary).toContain('IsComplete "DistanceFromHome" (3 rows (rows 7, 70, 170) are empty or blank)');
  });

  it('duplicated row keys', async () => {
    const key = column('EmployeeNumber');
    const { summary } = await expectInvalid(
      await variant('duplicate-keys', (rows) => {
        (rows[20] as string[])[key] = (rows[10] as string[])[key] as string;
        (rows[40] as string[])[key] = (rows[30] as string[])[key] as string;
      }),
    );
    expect(summary).toContain(
      'IsUnique "EmployeeNumber" (4 rows (rows 10, 20, 30, 40) share a value with another row)',
    );
  });

  it('bytes that are not UTF-8', async () => {
    const good = Buffer.from(`${[header.join(','), ...lines].join('\n')}\n`);
    const at = good.indexOf('Sales Representative');
    const latin1 = Buffer.concat([good.subarray(0, at), Buffer.from([0xe9]), good.subarray(at + 1)]);
    const { summary, report } = await expectInvalid(await file('latin1', latin1));
    expect(summary).toMatch(/: ReadableCsv \(not valid UTF-8: byte 0xe9 at byte offset \d+, at data row \d+\)/);
    expect(summary).toContain(`byte offset ${at}`);
    expect(rule(report, 'ReadableCsv').result).toBe('FAIL');
  });

  it('unknown extra columns are allowed, and reported', async () => {
    const { report, outcome } = await expectPublished(
      await variant('extra-columns', (rows) =>
        rows.map((r, i) => [...r.slice(0, 3), i === 0 ? 'Notes' : 'ok', ...r.slice(3), i === 0 ? 'Badge' : String(i)]),
      ),
    );
    expect(report.extraColumns).toEqual(['Notes', 'Badge']);
    expect((outcome.record?.validation as Json).summary).toMatch(/extra columns \(ignored\): Notes, Badge$/);
  });

  it('columns in another order are allowed', async () => {
    const { report } = await expectPublished(await variant('reordered', (rows) => rows.map((r) => [...r].reverse())));
    expect(report.columns).toEqual([...header].reverse());
  });

  it('a BOM and CRLF line ends are valid', async () => {
    const crlf = `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
    const { report } = await expectPublished(await file('bom-crlf', crlf));
    expect(report).toMatchObject({ status: 'PASSED', rowCount: ROWS });
  });

  it('a quoted field holding a comma and a line break is valid, and stays one record downstream', async () => {
    const { report, outcome } = await expectPublished(
      await variant('quoted', (rows) => {
        (rows[9] as string[])[column('EducationField')] = '"Life Sciences, and\nMedicine"';
      }),
    );
    expect(report.rowCount).toBe(ROWS);
    // Batch transform splits its input on line breaks: prepared files hold the value on one line.
    expect((await preparedSplits(outcome)).join('')).toContain('"Life Sciences, and Medicine"');
  });

  it(`a formula-like string (${FORMULA}) is kept as text, escaped in our CSVs, and reaches the model as written`, async () => {
    const data = await variant('formula', (rows) => {
      for (const k of [2, 4, 6, 8, 10, 12]) (rows[k] as string[])[column('JobRole')] = FORMULA;
    });
    const { outcome } = await expectPublished(data);

    // The run's frozen input is the upload, byte for byte.
    expect(await objectBytes(LOCAL_BUCKETS.artifacts, `runs/attrition/${outcome.runId}/input/formula.csv`)).toEqual(
      await readFile(data),
    );
    // Prepared CSVs: OWASP's escape (quote prefix, quoted), never a bare formula.
    const prefix = `runs/attrition/${outcome.runId}/prepared/`;
    const written = await Promise.all((await artifactKeys(prefix)).filter((k) => k.endsWith('.csv')).map(artifactText));
    const all = written.join('\n');
    expect(all.split(`"'${FORMULA}"`).length - 1).toBeGreaterThanOrEqual(6);
    expect(all).not.toMatch(/(^|,)=/m);
    // The model learnt the original text, not the escape.
    const candidate = (outcome.record?.scoring as Json).candidate.trainingJobName as string;
    const jobs = join(workdir, 'cloud', 'sagemaker', 'training-jobs', candidate.toLowerCase());
    const model = JSON.parse(await readFile(join(jobs, 'opt', 'ml', 'model', 'model.json'), 'utf8')) as Json;
    const roles = (model.encoders as Json[]).find((e) => e.name === 'JobRole') as Json;
    expect(roles.levels).toContain(FORMULA);
    expect(roles.levels).not.toContain(`'${FORMULA}`);
    // Predictions: every cell a spreadsheet could take for a formula is a plain number.
    const pointer = JSON.parse(await artifactText('predictions/pipeline=attrition/latest.json')) as Json;
    const cells = (await artifactText(pointer.files[0])).split(/[,\n]/);
    expect(cells.filter((c) => /^[=+\-@]/.test(c) && !/^[+-]?\d/.test(c))).toEqual([]);
  });

  it.skipIf(!HEAVY)(
    'a 1 GB file of valid rows streams through every stage (set MLOPS_HEAVY_TESTS=1: several minutes, 1 GB of disk)',
    async () => {
      const big = await attritionCsv(dir, 'one-gigabyte.csv', 6_500_000, 21);
      const score = await attritionCsv(dir, 'current.csv', 250, 22, true);
      const roomy = await attritionVariant(dir, 'attrition-1gb', (c) => {
        c.tuning.maxJobs = 2;
        c.tuning.warmStart = false;
        c.evaluation.bootstrap.samples = 0;
        c.validation.rules = String(c.validation.rules).replace(
          'RowCount between 500 and 5000000',
          'RowCount between 500 and 10000000',
        );
      });
      const outcome = await runPipeline({ pipeline: roomy, data: big, score, workdir });
      expect(outcome.status, JSON.stringify(outcome.record?.error ?? outcome.record?.validation ?? null)).toBe(
        'published',
      );
      expect((await reportOf(outcome)).rowCount).toBe(6_500_000);
    },
    3_600_000,
  );
});
