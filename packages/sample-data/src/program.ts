/** The `sample-data` command line, built as a function so tests can run it without a process. */
import { once } from 'node:events';
import { Command, InvalidArgumentError } from 'commander';
import { generateAttrition } from './attrition';
import { generateChurn } from './churn';
import { writeDataset } from './write';

interface CommonFlags {
  rows: number;
  seed: number;
  out?: string;
  scoring?: boolean;
  firstKey?: number;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

/** Write to the file, or to stdout (respecting its backpressure) when no file is given. */
async function emit(
  source: AsyncIterable<string>,
  out: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  if (out === undefined) {
    for await (const chunk of source) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    return;
  }
  const bytes = await writeDataset(source, out);
  log(`wrote ${out} (${bytes} bytes)`);
}

function addDataset(
  program: Command,
  name: string,
  summary: string,
  defaultRows: number,
  generate: (flags: CommonFlags) => AsyncIterable<string>,
  log: (line: string) => void,
): void {
  program
    .command(name)
    .description(summary)
    .option('--rows <n>', 'data rows (header not counted)', integer, defaultRows)
    .option('--seed <n>', 'random seed: the same seed gives the same bytes', integer, 7)
    .option('--out <path>', 'output CSV file (default: stdout)')
    .option('--scoring', 'rows to score: another random stream, other keys, no target column')
    .option('--first-key <n>', 'first row key number (to keep scoring keys apart from training keys)', integer)
    .action(async (flags: CommonFlags) => emit(generate(flags), flags.out, log));
}

/**
 * Build the CLI. `log` receives progress lines (stderr by default, so stdout can carry the CSV).
 * @example await createProgram().parseAsync(['attrition', '--rows', '1470', '--out', 'a.csv'], { from: 'user' })
 */
export function createProgram(log: (line: string) => void = (line) => console.error(line)): Command {
  const program = new Command('sample-data').description('Deterministic synthetic datasets for the MLOps pipeline');
  addDataset(
    program,
    'attrition',
    'HR attrition, IBM HR Employee Attrition schema (35 columns)',
    1470,
    generateAttrition,
    log,
  );
  addDataset(program, 'churn', 'telecom customer churn (17 columns, target "churned")', 5000, generateChurn, log);
  return program;
}
