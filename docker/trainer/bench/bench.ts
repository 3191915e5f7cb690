/**
 * Throughput of the trainer on synthetic data shaped like pipelines/attrition.yml (not a test: it prints numbers).
 *   pnpm --filter @mlops/trainer bench [rows=1000000]
 * Measures: CSV parsing (ours vs csv-parse), prepare, logistic and gbt training, CSV scoring in-process and over HTTP.
 */
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipelineConfig } from '@mlops/core';
import { parse } from 'csv-parse';
import { readCsvFile } from '../src/csv';
import { scoreCsv } from '../src/invocations';
import { loadModel } from '../src/model';
import { runPrepare } from '../src/prepare';
import { startServer } from '../src/serve';
import { runTrain } from '../src/train';
import { writeSyntheticDataset } from '../test/synthetic';

const rows = Number(process.argv[2] ?? 1_000_000);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'trainer-bench-'));
const quiet = () => undefined;

interface Timing {
  wall: number;
  cpu: number;
}

/** Wall and CPU time: the CPU figure stays meaningful when other work shares the machine. */
function report(what: string, count: number, t: Timing): void {
  const rate = (ms: number) => Math.round((count / ms) * 1000).toLocaleString('en');
  console.log(
    `${what.padEnd(44)} ${count.toLocaleString('en')} rows: ${(t.wall / 1000).toFixed(2)} s wall = ${rate(t.wall)} rows/s; ` +
      `${(t.cpu / 1000).toFixed(2)} s CPU = ${rate(t.cpu)} rows/CPU-s`,
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return [value, { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 }];
}

async function main(): Promise<void> {
  const config = await loadPipelineConfig(join(repoRoot, 'pipelines', 'attrition.yml'));
  const dataset = join(root, 'processing', 'input', 'data', 'data.csv');
  mkdirSync(join(root, 'processing', 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'processing', 'input', 'config', 'pipeline.json'), JSON.stringify(config));
  writeSyntheticDataset(dataset, config, rows);
  console.log(
    `dataset: ${rows.toLocaleString('en')} rows, ${(readFileSync(dataset).length / 1e6).toFixed(0)} MB, node ${process.version}`,
  );

  const [ours, oursMs] = await timed(async () => {
    let n = 0;
    await readCsvFile(dataset, () => n++);
    return n;
  });
  report('parse: hand-written CsvParser', ours, oursMs);
  const [theirs, theirsMs] = await timed(async () => {
    let n = 0;
    for await (const _record of createReadStream(dataset).pipe(parse({ bom: true }))) n++;
    return n;
  });
  report('parse: csv-parse 7', theirs, theirsMs);

  const [summary, prepareMs] = await timed(() => runPrepare(root, quiet));
  report('prepare (split + all outputs)', rows, prepareMs);

  const out = join(root, 'processing', 'output');
  for (const channel of ['train', 'validation']) {
    mkdirSync(join(root, 'input', 'data', channel), { recursive: true });
    writeFileSync(join(root, 'input', 'data', channel, 'data.csv'), readFileSync(join(out, channel, 'data.csv')));
  }
  mkdirSync(join(root, 'input', 'data', 'config'), { recursive: true });
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'input', 'data', 'config', 'pipeline.json'), JSON.stringify(config));

  for (const hp of [
    { model: 'gbt', n_estimators: '50', max_depth: '3' },
    { model: 'logistic', l2: '1' },
  ]) {
    writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(hp));
    const lines: string[] = [];
    const [outcome, trainMs] = await timed(() => runTrain(root, (l) => lines.push(l)));
    report(`train ${JSON.stringify(hp)} (load + fit + metrics)`, summary.rows.train, trainMs);
    console.log(`  ${lines.join(' | ')}; features=${outcome.artifact.featureNames.length}`);
  }

  const model = await loadModel(join(root, 'model', 'model.json'));
  const score = readFileSync(join(out, 'transform', 'score', 'score.csv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const inputs = score.map((l) => l.slice(l.indexOf(',') + 1));
  const bodies: string[] = [];
  let body = '';
  for (const [i, line] of inputs.entries()) {
    body += line + '\n';
    if (body.length > 6_000_000 || i === inputs.length - 1) {
      bodies.push(body);
      body = '';
    }
  }
  const options = { threshold: 0.5, modelVersion: '1', runId: 'bench', topK: 3 };
  const [, scoreMs] = await timed(async () => bodies.forEach((b) => scoreCsv(model, b, options)));
  report(`score logistic in-process (${bodies.length} × ≤6 MB)`, inputs.length, scoreMs);

  const { server, port } = await startServer(model, { ...options, port: 0, host: '127.0.0.1', maxBodyBytes: 1e8 });
  const [, httpMs] = await timed(async () => {
    for (const body of bodies) {
      const response = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body,
      });
      if (!response.ok) throw new Error(await response.text());
      await response.text();
    }
  });
  report('score logistic over HTTP /invocations', inputs.length, httpMs);
  server.close();
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
