import type { Command } from 'commander';
import { registerApprove } from './commands/approve';
import { registerInvoke } from './commands/invoke';
import { registerMonitor } from './commands/monitor';
import { registerPredict } from './commands/predict';
import { registerQuery } from './commands/query';
import { registerReport } from './commands/report';
import { registerRun } from './commands/run';
import { registerRuns } from './commands/runs';

export { EXIT_CODES } from './commands/run';

/** Every `mlops` command; each lives in its own file under commands/. */
export function registerCommands(program: Command): void {
  const verbose = () => Boolean(program.opts().verbose);
  registerRun(program, verbose);
  registerRuns(program);
  registerApprove(program);
  registerInvoke(program);
  registerPredict(program);
  registerReport(program);
  registerMonitor(program);
  registerQuery(program);
}
