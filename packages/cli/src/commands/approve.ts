import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openLocalRuntime } from '@mlops/local-runner';
import { captureFunctionLogs } from '../output';
import { findRun } from './runs';

export interface ApproveOptions {
  workdir: string;
  runId: string;
  reject?: boolean;
  reason?: string;
  /** Who decides; default: the local user name. */
  decidedBy?: string;
}

/** What decideApproval answers. */
export interface ApprovalResult {
  decision: 'approve' | 'reject';
  decidedBy: string;
  reason: string | null;
  decidedAt: string;
  modelPackageArn: string;
  repeated: boolean;
}

/**
 * Give a person's decision on a run waiting for approval: the real decideApproval handler, run against the
 * workdir's local cloud (the same function the API or console invokes on AWS). The `mlops run` that waits, in this
 * process or another one, resumes: it publishes, or ends `rejected`.
 * @example await approveRun({ workdir: '.work', runId: '20260302T093000Z-3fa9c1', reject: true, reason: 'leaky feature' })
 */
export async function approveRun(options: ApproveOptions): Promise<ApprovalResult> {
  const record = await findRun(options.workdir, options.runId);
  const { invoker } = await openLocalRuntime({ workdir: options.workdir });
  const event = {
    pipeline: record.pipeline,
    runId: options.runId,
    decision: options.reject ? 'reject' : 'approve',
    decidedBy: options.decidedBy ?? `local:${userInfo().username}`,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
  return (await invoker.invoke('decideApproval', event)) as ApprovalResult;
}

/** `mlops approve <runId> [--reject] [--reason …]`. */
export function registerApprove(program: Command): void {
  program
    .command('approve <runId>')
    .description(
      "approve (or --reject) the candidate of a run waiting for a person's decision (evaluation.manualApproval)",
    )
    .option('--reject', 'reject the candidate: its package is marked Rejected and the run ends rejected')
    .option('--reason <text>', 'why (kept in the run record and the model package)')
    .option('--by <name>', 'who decides (default: local:<user>)')
    .option('--workdir <dir>', 'workdir of the waiting run', '.work')
    .action(async (runId: string, flags: { reject?: boolean; reason?: string; by?: string; workdir: string }) => {
      const logs = captureFunctionLogs(join(resolve(flags.workdir), 'logs', 'functions.log'), false);
      try {
        const result = await approveRun({
          workdir: flags.workdir,
          runId,
          reject: flags.reject,
          reason: flags.reason,
          decidedBy: flags.by,
        });
        const verb = result.decision === 'approve' ? 'approved' : 'rejected';
        process.stdout.write(
          `run ${runId}: ${verb} by ${result.decidedBy}${result.repeated ? ' (already decided)' : ''}; ${result.modelPackageArn}\n`,
        );
      } finally {
        logs.end();
      }
    });
}
