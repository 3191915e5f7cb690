import { join } from 'node:path';
import { measure, peaksByRole } from './process';
import { scaleDatasets } from './pipeline-scale';
import { spread, type Spread, type TableRow } from './stats';

export interface ScoringFigures {
  rows: number;
  /** Scoring rows over the transform job's own start → end (model server start included). */
  rowsPerSecond: Spread;
  /** The driver process: reads, cuts, filters and joins records (the CLI's part in a pipeline run), in MiB. */
  driverPeakRssMiB: Spread | null;
  /** The model server (`container serve`), in MiB. */
  serverPeakRssMiB: Spread | null;
}

/**
 * Batch-transform throughput of the local SageMaker on a generated scoring file of `rows` rows, `runs` times, each
 * in a fresh process (bench/scoring-run.ts) whose processes are watched for their peak RSS.
 */
export async function benchScoring(repo: string, rows: number, runs: number): Promise<ScoringFigures> {
  const { score } = await scaleDatasets(rows);
  const rates: number[] = [];
  const driver: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await measure(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'scoring-run.ts'), score], { cwd: repo, perProcess: true });
    const last = result.stdout.trim().split('\n').pop();
    if (result.code !== 0 || last === undefined || last === '') throw new Error(`scoring run failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
    const out = JSON.parse(last) as { rows: number; seconds: number };
    if (out.rows !== rows) throw new Error(`scoring run scored ${out.rows} rows, expected ${rows}`);
    rates.push(out.rows / out.seconds);
    const roles = peaksByRole(result.processes);
    const driverRole = roles['bench/scoring-run.ts'];
    if (driverRole !== undefined) driver.push(driverRole.peakRssMiB);
    const serverRole = roles['container serve'];
    if (serverRole !== undefined) server.push(serverRole.peakRssMiB);
  }
  return {
    rows,
    rowsPerSecond: spread(rates),
    driverPeakRssMiB: driver.length > 0 ? spread(driver) : null,
    serverPeakRssMiB: server.length > 0 ? spread(server) : null,
  };
}

/** The `scoring` section of `pnpm bench`: 1M rows through the local batch transform, table rows appended to `table`. */
export async function scoringSection(repo: string, runs: number, table: TableRow[]): Promise<ScoringFigures> {
  process.stderr.write(`bench: 1,000,000 rows through the local batch transform, ${runs} runs…\n`);
  const scoring = await benchScoring(repo, 1_000_000, runs);
  table.push({ name: 'scoring, 1M rows via local batch transform', unit: 'rows/s', value: scoring.rowsPerSecond, target: '≥ 300000' });
  if (scoring.driverPeakRssMiB) table.push({ name: '  scoring peak RSS, transform driver', unit: 'MiB', value: scoring.driverPeakRssMiB, target: '< 500' });
  if (scoring.serverPeakRssMiB) table.push({ name: '  scoring peak RSS, model server', unit: 'MiB', value: scoring.serverPeakRssMiB, target: '< 500' });
  return scoring;
}
