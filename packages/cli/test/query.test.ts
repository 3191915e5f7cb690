import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  predictionsViewSql,
  publishedFiles,
  queryPredictions,
  toCsv,
  toObjects,
  toTable,
} from '../src/query/predictions';

/** Files laid out like the local S3 store's objects: the key's `pipeline=…/run=…` is in the path too. */
function files() {
  const root = mkdtempSync(join(tmpdir(), "mlops-query-it's-"));
  const write = (pipeline: string, run: string, text: string) => {
    const dir = join(root, `pipeline=${pipeline}`, `run=${run}`, 'predictions.csv@');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'v1.bin'), text);
    return { pipeline, run, path: join(dir, 'v1.bin') };
  };
  return [
    write(
      'attrition',
      'r1',
      'EmployeeNumber,probability,label,model_version,run_id,driver_1,contribution_1\n1,0.9,1,1,r1,OverTime,1.2\n2,0.1,0,1,r1,Age,-0.4\n',
    ),
    write(
      'attrition',
      'r2',
      'EmployeeNumber,probability,label,model_version,run_id,driver_1,contribution_1\n1,0.7,1,2,r2,OverTime,0.8\n2,0.3,0,2,r2,Age,-0.1\n3,0.5,1,2,r2,"Job, Role",0.2\n',
    ),
    write('churn', 'r9', 'CustomerId,probability,label,model_version,run_id\nc-1,0.25,0,1,r9\n'),
  ];
}

describe('publishedFiles', () => {
  it('keeps only published predictions.csv keys, with their partition values', () => {
    expect(
      publishedFiles([
        'predictions/pipeline=attrition/latest.json',
        'predictions/pipeline=attrition/run=r2/predictions.csv',
        'predictions/pipeline=attrition/run=r2/dashboard.html',
        'predictions/pipeline=attrition/run=r1/predictions.csv',
      ]),
    ).toEqual([
      { pipeline: 'attrition', run: 'r1', key: 'predictions/pipeline=attrition/run=r1/predictions.csv' },
      { pipeline: 'attrition', run: 'r2', key: 'predictions/pipeline=attrition/run=r2/predictions.csv' },
    ]);
  });
});

describe('queryPredictions', () => {
  it('answers Athena-style SQL with the partition columns pipeline and run', async () => {
    const result = await queryPredictions(
      files(),
      "SELECT run, count(*) AS n, avg(probability) AS p, sum(label) AS flagged FROM predictions WHERE pipeline = 'attrition' GROUP BY run ORDER BY run",
    );
    expect(result.columns).toEqual(['run', 'n', 'p', 'flagged']);
    expect(result.rows.map(([run, n, , flagged]) => [run, n, flagged])).toEqual([
      ['r1', 2, 1],
      ['r2', 3, 2],
    ]);
    expect(result.rows[0]![2]).toBeCloseTo(0.5, 12);
    expect(result.rows[1]![2]).toBeCloseTo(0.5, 12);
  });

  it("combines pipelines with different row keys by column name, like the crawler's combined schema", async () => {
    const result = await queryPredictions(
      files(),
      "SELECT pipeline, CustomerId, EmployeeNumber FROM predictions WHERE run = 'r9' OR (run = 'r1' AND EmployeeNumber = 1) ORDER BY pipeline",
    );
    expect(toObjects(result)).toEqual([
      { pipeline: 'attrition', CustomerId: null, EmployeeNumber: 1 },
      { pipeline: 'churn', CustomerId: 'c-1', EmployeeNumber: null },
    ]);
  });

  it('reports SQL errors from DuckDB', async () => {
    await expect(queryPredictions(files(), 'SELECT nope FROM predictions')).rejects.toThrow(/nope/);
    expect(() => predictionsViewSql([])).toThrow('no files');
  });
});

describe('output formats', () => {
  const result = {
    columns: ['driver', 'n', 'note'],
    rows: [
      ['Job, Role', 12, null],
      ['Age', 3, 'say "hi"'],
    ],
  };

  it('prints CSV with RFC 4180 quoting', () => {
    expect(toCsv(result)).toBe('driver,n,note\n"Job, Role",12,\nAge,3,"say ""hi"""\n');
  });

  it('prints an aligned table, numbers right-aligned, with the row count', () => {
    expect(toTable(result)).toBe(
      [
        'driver      n  note',
        '---------  --  --------',
        'Job, Role  12  NULL',
        'Age         3  say "hi"',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });
});
