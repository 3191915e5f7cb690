import { DuckDBInstance } from '@duckdb/node-api';

/**
 * `mlops query`: SQL over the local predictions with DuckDB, shaped like the Athena table the Glue crawler makes of
 * `s3://<artifacts>/predictions/` — one table `predictions` holding every published run's `predictions.csv`, with
 * the partition columns `pipeline` and `run` taken from the key (`pipeline=<p>/run=<id>/`), as Athena does.
 */

/** The table name the crawler gives the `predictions/` folder (database `<project>_<stage>_predictions`). */
export const PREDICTIONS_TABLE = 'predictions';

export interface PublishedFile {
  pipeline: string;
  run: string;
  /** The object key (`predictions/pipeline=<p>/run=<id>/predictions.csv`). */
  key: string;
}

const PUBLISHED = /^predictions\/pipeline=([^/]+)\/run=([^/]+)\/predictions\.csv$/;

/** The published predictions files among a bucket listing, in key order. */
export function publishedFiles(keys: string[]): PublishedFile[] {
  return keys
    .map((key) => ({ key, match: PUBLISHED.exec(key) }))
    .filter((k) => k.match !== null)
    .map(({ key, match }) => ({ pipeline: match![1]!, run: match![2]!, key }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The `CREATE VIEW predictions` statement over local files: each file read with its header, the partition columns
 * appended, files of different pipelines (other row keys, other K) combined by column name, like the crawler's
 * combined schema.
 */
export function predictionsViewSql(files: { pipeline: string; run: string; path: string }[]): string {
  if (files.length === 0) throw new Error('no files to query');
  const selects = files.map(
    (f) =>
      `SELECT *, ${literal(f.pipeline)} AS pipeline, ${literal(f.run)} AS run FROM read_csv(${literal(f.path)}, header = true, auto_detect = true, hive_partitioning = false)`,
  );
  return `CREATE VIEW ${PREDICTIONS_TABLE} AS ${selects.join('\nUNION ALL BY NAME\n')}`;
}

export interface QueryResult {
  columns: string[];
  /** JSON-safe values: integers that fit a double as numbers, larger ones and dates as strings. */
  rows: unknown[][];
}

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);

/**
 * Run one SQL statement (DuckDB's dialect, close to Athena's for ordinary SELECTs) over the given files.
 * @example await queryPredictions(files, "SELECT run, avg(probability) FROM predictions WHERE pipeline = 'attrition' GROUP BY run")
 */
export async function queryPredictions(
  files: { pipeline: string; run: string; path: string }[],
  sql: string,
): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(predictionsViewSql(files));
    const reader = await connection.runAndReadAll(sql);
    const types = reader.columnTypes().map(String);
    const rows = reader.getRowsJson().map((row) =>
      row.map((value, i) => {
        if (typeof value !== 'string' || !INTEGER_TYPES.has(types[i] ?? '')) return value;
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value;
      }),
    );
    return { columns: reader.columnNames(), rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const cell = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** RFC 4180 CSV: header, then one line per row. */
export function toCsv(result: QueryResult): string {
  const field = (value: unknown) => {
    const text = cell(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [result.columns, ...result.rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

/** One JSON object per row, keyed by column name. */
export function toObjects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
}

/** An aligned text table (numbers right-aligned) and the row count. */
export function toTable(result: QueryResult): string {
  const text = result.rows.map((r) => r.map((v) => (v === null ? 'NULL' : cell(v))));
  const widths = result.columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const numeric = result.columns.map(
    (_, i) => result.rows.length > 0 && result.rows.every((r) => r[i] === null || typeof r[i] === 'number'),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return [line(result.columns), rule, ...text.map(line), count].join('\n') + '\n';
}
