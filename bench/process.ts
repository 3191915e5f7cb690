import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measured {
  stdout: string;
  stderr: string;
  code: number | null;
  wallMs: number;
  /** Peak resident set of the largest single process in the tree (GNU time's %M), in MiB; null without /usr/bin/time. */
  peakRssMiB: number | null;
}

const TIME = '/usr/bin/time';

/**
 * Run a command and measure it: wall time, and the largest resident set of any process it (or its waited-for
 * children: the training containers) reached, as the kernel reports it to wait4.
 */
export function measure(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  const timed = existsSync(TIME);
  const [bin, argv] = timed ? [TIME, ['-f', '__PEAK_RSS_KB__=%M', command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const match = /__PEAK_RSS_KB__=(\d+)/.exec(stderr);
      resolve({ stdout, stderr, code, wallMs, peakRssMiB: match ? Number(match[1]) / 1024 : null });
    });
  });
}
