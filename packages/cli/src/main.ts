#!/usr/bin/env -S node --import tsx
import { Command, Option } from 'commander';
import { registerCommands } from './commands';

const program = new Command('mlops')
  .description('Run and inspect the MLOps pipeline locally: the deployed state machine and handlers, no AWS account.')
  .addOption(new Option('--verbose', 'echo the functions\' logs to stderr'));
registerCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`mlops: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
