import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openLocalRuntime } from '@mlops/local-runner';
import { captureFunctionLogs } from '../output';

/** `mlops invoke <fn> --event <file>`: one function's real handler against the local backend of a workdir. */
export function registerInvoke(program: Command): void {
  program
    .command('invoke <fn>')
    .description('invoke one function\'s real handler against the local backend of a workdir (like `sls invoke local`, without its start-up cost)')
    .requiredOption('--event <file.json>', 'the event (see services/<svc>/events/<fn>.json)')
    .option('--workdir <dir>', 'workdir', '.work')
    .action(async (fn: string, flags: { event: string; workdir: string }) => {
      const logs = captureFunctionLogs(join(resolve(flags.workdir), 'logs', 'functions.log'), true);
      try {
        const { invoker } = await openLocalRuntime({ workdir: flags.workdir });
        if (!invoker.has(fn)) throw new Error(`no function ${fn} (functions: ${invoker.names().join(', ')})`);
        const event = JSON.parse(await readFile(flags.event, 'utf8')) as unknown;
        process.stdout.write(`${JSON.stringify(await invoker.invoke(fn, event), null, 2)}\n`);
      } finally {
        logs.end();
      }
    });
}
