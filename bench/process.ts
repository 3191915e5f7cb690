import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Peak resident set of one process of the measured tree. */
export interface ProcessPeak {
  pid: number;
  /** Short name: `cli`, `container train`, `container serve`, … (see `roleOf`). */
  role: string;
  /** The kernel's high-water mark (VmHWM) at the last poll before the process ended, in MiB. */
  peakRssMiB: number;
  /** User + system CPU seconds at the last poll (/proc/<pid>/stat), so slightly under its total. */
  cpuSeconds: number;
}

export interface Measured {
  stdout: string;
  stderr: string;
  code: number | null;
  wallMs: number;
  /** Peak resident set of the largest single process in the tree (GNU time's %M), in MiB; null without /usr/bin/time. */
  peakRssMiB: number | null;
  /**
   * User + system CPU seconds of the whole tree (GNU time's %U + %S, children included once waited for); null without
   * /usr/bin/time. Unlike wall time it barely moves when other work shares the machine.
   */
  cpuSeconds: number | null;
  /** Every process of the tree seen while polling /proc (empty when not asked for, or without /proc). */
  processes: ProcessPeak[];
}

const TIME = '/usr/bin/time';
const POLL_MS = 100;

/** What a process of the pipeline is, from its command line: the CLI, a container command, a helper. */
export function roleOf(argv: string[]): string {
  const container = argv.findIndex((a) => a.endsWith('main.mjs'));
  if (container >= 0) return `container ${argv[container + 1] ?? '?'}`;
  const script = argv.find((a) => /\.(ts|js|mjs|cjs)$/.test(a) && !a.includes('node_modules'));
  if (script?.endsWith('cli/src/main.ts')) return 'cli';
  if (script !== undefined) return script.split('/').slice(-2).join('/');
  return (argv[0] ?? '?').split('/').pop() as string;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** Parent pid and CPU seconds so far of a process, from /proc/<pid>/stat. */
function statOf(pid: number): { parent: number; cpuSeconds: number } | undefined {
  try {
    // "pid (comm) state ppid … utime stime …"; comm may hold spaces and parentheses, so cut after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After comm: state is field 3 of stat(5), so field n is fields[n - 3]: ppid 4, utime 14, stime 15.
    return { parent: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return undefined;
  }
}

function highWaterKiB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches every descendant of `root` through /proc: VmHWM is the kernel's own peak, so a poll every POLL_MS misses
 * nothing of a process seen at least once after its peak (only processes living less than one period go unseen).
 */
function watchTree(root: number): { stop: () => ProcessPeak[] } {
  const peaks = new Map<number, ProcessPeak>();
  const poll = () => {
    if (!existsSync('/proc')) return;
    const parents = new Map<number, number>();
    const cpu = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = statOf(Number(entry));
      if (stat === undefined) continue;
      parents.set(Number(entry), stat.parent);
      cpu.set(Number(entry), stat.cpuSeconds);
    }
    const inTree = (pid: number): boolean => {
      for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 32; p = parents.get(p), hops++) if (p === root) return true;
      return false;
    };
    for (const pid of parents.keys()) {
      if (!inTree(pid)) continue;
      const kib = highWaterKiB(pid);
      if (kib === undefined) continue;
      const known = peaks.get(pid);
      if (known !== undefined) {
        known.peakRssMiB = Math.max(known.peakRssMiB, kib / 1024);
        known.cpuSeconds = Math.max(known.cpuSeconds, cpu.get(pid) ?? 0);
        continue;
      }
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        continue;
      }
      // An exiting process has no command line any more; it was seen earlier or is too short-lived to matter.
      if (argv.length === 0) continue;
      peaks.set(pid, { pid, role: roleOf(argv), peakRssMiB: kib / 1024, cpuSeconds: cpu.get(pid) ?? 0 });
    }
  };
  const timer = setInterval(poll, POLL_MS);
  poll();
  return {
    stop: () => {
      clearInterval(timer);
      return [...peaks.values()].filter((p) => !p.role.startsWith('time'));
    },
  };
}

/**
 * Run a command and measure it: wall time, the largest resident set of any process it (or its waited-for
 * children: the training containers) reached, as the kernel reports it to wait4, and with `perProcess` the peak of
 * every process of the tree (polled from /proc while it runs).
 */
export function measure(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; perProcess?: boolean },
): Promise<Measured> {
  const timed = existsSync(TIME);
  const [bin, argv] = timed ? [TIME, ['-f', '__PEAK_RSS_KB__=%M __CPU_S__=%U+%S', command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const watcher = options.perProcess && child.pid !== undefined ? watchTree(child.pid) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const processes = watcher?.stop() ?? [];
      const match = /__PEAK_RSS_KB__=(\d+)/.exec(stderr);
      const cpu = /__CPU_S__=([\d.]+)\+([\d.]+)/.exec(stderr);
      const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : null;
      resolve({ stdout, stderr, code, wallMs, peakRssMiB: match ? Number(match[1]) / 1024 : null, cpuSeconds, processes });
    });
  });
}

/** Per role: the largest peak (e.g. the biggest of the eight `container train` processes), CPU seconds summed. */
export function peaksByRole(processes: ProcessPeak[]): Record<string, { peakRssMiB: number; cpuSeconds: number; count: number }> {
  const roles: Record<string, { peakRssMiB: number; cpuSeconds: number; count: number }> = {};
  for (const p of processes) {
    const r = (roles[p.role] ??= { peakRssMiB: 0, cpuSeconds: 0, count: 0 });
    r.peakRssMiB = Math.max(r.peakRssMiB, p.peakRssMiB);
    r.cpuSeconds += p.cpuSeconds;
    r.count++;
  }
  return Object.fromEntries(Object.entries(roles).sort(([a], [b]) => a.localeCompare(b)));
}
