import './cjs-require';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeError } from '@mlops/core';
import { mlPaths } from './paths';
import { runPrepare } from './prepare';
import { runServe } from './serve';
import { runTrain } from './train';

/**
 * Container entry point (SageMaker runs `docker run <image> train|serve`, processing jobs run `prepare`).
 * Exit codes: 0 success, 1 failure (message on stderr; for train also in $ML_ROOT/output/failure), 2 usage.
 */
const USAGE = 'usage: main.mjs prepare|train|serve   (root of the SageMaker tree: $ML_ROOT, default /opt/ml)';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function fail(command: string, error: unknown, failureFile?: string): void {
  const { name, message } = describeError(error);
  const text = `${name}: ${message}`;
  process.stderr.write(`${command} failed: ${text}\n`);
  if (failureFile !== undefined) {
    try {
      mkdirSync(dirname(failureFile), { recursive: true });
      writeFileSync(failureFile, text);
    } catch (writeError) {
      process.stderr.write(`cannot write ${failureFile}: ${describeError(writeError).message}\n`);
    }
  }
  process.exitCode = 1;
}

async function main(command: string | undefined): Promise<void> {
  const mlRoot = process.env.ML_ROOT ?? '/opt/ml';
  switch (command) {
    case 'prepare':
      await runPrepare(mlRoot, print).catch((error: unknown) => fail('prepare', error));
      return;
    case 'train':
      await runTrain(mlRoot, print).catch((error: unknown) => fail('train', error, mlPaths(mlRoot).failure));
      return;
    case 'serve': {
      const server = await runServe(mlRoot, process.env, print).catch((error: unknown) => fail('serve', error));
      if (server === undefined) return;
      const stop = () => server.close(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return;
    }
    default:
      process.stderr.write(`${command === undefined ? 'no command' : `unknown command ${command}`}\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

await main(process.argv[2]);
