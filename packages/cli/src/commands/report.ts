import type { Command } from 'commander';

/** `mlops report <runId>`: the run's self-contained HTML report (also stored next to the run in the artifacts bucket). */
export function registerReport(program: Command): void {
  program
    .command('report <runId>')
    .description(
      'write the HTML report of one run (charts, validation, tuning, evaluation, lineage, cost) and print its path',
    )
    .option('--workdir <dir>', 'workdir', '.work')
    .action(async (runId: string, flags: { workdir: string }) => {
      // Loaded on demand: the renderer (Vega) is the largest module of the CLI and only this command and `run` need it.
      const { writeRunReport } = await import('@mlops/report');
      process.stdout.write(`${await writeRunReport({ workdir: flags.workdir, runId })}\n`);
    });
}
