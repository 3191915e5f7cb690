/**
 * The container as SageMaker runs it: the esbuild bundle (built here with the command of the contract) started as
 * real child processes for prepare, train and serve under a temporary ML_ROOT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';
import { toyConfig, toyCsv } from './synthetic';

const work = tempDir('trainer-cli-');
const bundle = join(work, 'main.mjs');
const root = join(work, 'ml');
const children: ChildProcess[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(command: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [bundle, ...command], {
    env: { ...process.env, ML_ROOT: root, ...env },
    stdio: 'pipe',
  });
  children.push(child);
  return child;
}

function run(command: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = start(command, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with the first stdout match of `pattern`; rejects if the process exits first. */
function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match !== null) resolve(match);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${seen}${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

const out = (path: string) => join(root, 'processing', 'output', path);

function setUpTraining(hyperparameters: Record<string, string>): void {
  for (const channel of ['train', 'validation']) {
    mkdirSync(join(root, 'input', 'data', channel), { recursive: true });
    cpSync(out(`${channel}/data.csv`), join(root, 'input', 'data', channel, 'data.csv'));
  }
  mkdirSync(join(root, 'input', 'data', 'config'), { recursive: true });
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  cpSync(
    join(root, 'processing', 'input', 'config', 'pipeline.json'),
    join(root, 'input', 'data', 'config', 'pipeline.json'),
  );
  writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(hyperparameters));
}

beforeAll(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
  });
  mkdirSync(join(root, 'processing', 'input', 'data'), { recursive: true });
  mkdirSync(join(root, 'processing', 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'processing', 'input', 'data', 'dataset.csv'), toyCsv(2000, 21));
  writeFileSync(join(root, 'processing', 'input', 'config', 'pipeline.json'), JSON.stringify(toyConfig()));
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('main.mjs (bundled)', () => {
  it('prepare writes the split and exits 0', async () => {
    const result = await run(['prepare']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^prepare: 2000 rows \(train=\d+ validation=\d+ test=\d+\)/);
    const summary = JSON.parse(readFileSync(out('summary.json'), 'utf8'));
    expect(summary.rows.train + summary.rows.validation + summary.rows.test).toBe(2000);
    expect(existsSync(out('transform/eval/test.csv'))).toBe(true);
  });

  it('train fits a logistic model, prints the metric lines and writes model.json', async () => {
    setUpTraining({ model: 'logistic', l2: '0.5', _tuning_objective_metric: 'validation:auc' });
    const result = await run(['train']);
    expect(result.code).toBe(0);
    const metric = (name: string) => Number(result.stdout.match(new RegExp(`^${name}=([0-9.eE+-]+)$`, 'm'))?.[1]);
    expect(metric('train:auc')).toBeGreaterThan(0.65);
    expect(metric('validation:auc')).toBeGreaterThan(0.65);
    expect(metric('validation:logloss')).toBeLessThan(0.69);
    const model = JSON.parse(readFileSync(join(root, 'model', 'model.json'), 'utf8'));
    expect(model).toMatchObject({
      modelType: 'logistic',
      inputColumns: ['Age', 'Income', 'Dept', 'OverTime', 'Rating'],
    });
    expect(model.featureNames).toEqual([
      'Age',
      'Income',
      'Dept=HR',
      'Dept=R&D',
      'Dept=Sales',
      'OverTime=No',
      'OverTime=Yes',
      'Rating',
    ]);
  });

  it('serve answers /ping and /invocations on an ephemeral port', async () => {
    const server = start(['serve'], {
      SAGEMAKER_BIND_TO_PORT: '0',
      SERVE_HOST: '127.0.0.1',
      MODEL_VERSION: '3',
      RUN_ID: 'run-9',
      TOP_K: '2',
    });
    const port = Number((await waitFor(server, /listening on port (\d+)/))[1]);
    const url = `http://127.0.0.1:${port}`;

    expect((await fetch(`${url}/ping`)).status).toBe(200);

    const lines = readFileSync(out('transform/eval/test.csv'), 'utf8').trim().split('\n');
    const body = lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n';
    const csv = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv');
    const rows = (await csv.text()).split('\n');
    expect(rows).toHaveLength(lines.length);
    expect(rows[0]).toMatch(/^0\.\d+,[01],3,run-9,\w+,-?[\d.]+,\w+,-?[\d.]+$/);

    const bad = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: '30,4000,HR,No,2\n30,4000,HR\n',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('line 2: expected 5 columns (Age,Income,Dept,OverTime,Rating), got 3');

    const json = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ instances: [{ Age: 30, Income: 4000, Dept: 'Legal', OverTime: 'Yes' }] }),
    });
    expect(json.status).toBe(200);
    const [prediction] = (
      (await json.json()) as {
        predictions: { probability: number; baseValue: number; contributions: Record<string, number> }[];
      }
    ).predictions;
    expect(prediction!.contributions.Dept).toBe(0);
    const sum = Object.values(prediction!.contributions).reduce((a, b) => a + b, prediction!.baseValue);
    expect(Math.abs(sum - Math.log(prediction!.probability / (1 - prediction!.probability)))).toBeLessThan(1e-9);

    expect(
      (
        await fetch(`${url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{',
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }))
        .status,
    ).toBe(415);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);

    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  });

  it('train with bad hyperparameters writes output/failure and exits 1', async () => {
    setUpTraining({ model: 'gbt', max_depth: 'deep' });
    const result = await run(['train']);
    expect(result.code).toBe(1);
    const failure = readFileSync(join(root, 'output', 'failure'), 'utf8');
    expect(failure).toMatch(/^HyperparameterError: invalid hyperparameters: max_depth/);
    expect(result.stderr).toContain(failure);
  });

  it('train with gbt succeeds too', async () => {
    setUpTraining({ model: 'gbt', n_estimators: '20', max_depth: '2' });
    const result = await run(['train']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^validation:auc=0\.\d+$/m);
    expect(JSON.parse(readFileSync(join(root, 'model', 'model.json'), 'utf8')).gbt.trees).toHaveLength(20);
  });

  it('prepare exits 1 with the reason on stderr when a split lacks a class', async () => {
    writeFileSync(
      join(root, 'processing', 'input', 'data', 'dataset.csv'),
      'Id,Left,Age,Income,Dept,OverTime\n1,No,30,1,HR,No\n2,No,31,2,HR,No\n',
    );
    const result = await run(['prepare']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/prepare failed: InputError: every split needs at least one row of each class/);
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const result = await run(['fit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command fit\nusage: main.mjs prepare\|train\|serve/);
  });
});
