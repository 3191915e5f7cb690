import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import type { StateEvent } from '@mlops/local-runner';

/**
 * Send everything the functions log (Powertools writes through `console`) to a file, so stdout stays for the
 * user's output (and for `--json`, one JSON document).
 */
export function captureFunctionLogs(path: string, echo: boolean): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'a' });
  for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const) {
    console[method] = (...args: unknown[]) => {
      const line = `${format(...args)}\n`;
      stream.write(line);
      if (echo) process.stderr.write(line);
    };
  }
  return stream;
}

const LABELS: Record<string, string> = { exited: 'ok', failed: 'FAILED', caught: 'caught', retried: 'retry' };
const QUIET_TYPES = new Set(['Choice', 'Wait', 'Pass']);

/**
 * Progress as states run: one line per state when it first completes (polling loops are counted, not repeated);
 * failures, retries and catches always get a line. On a terminal the current state shows on a live line.
 */
export function progressPrinter(out: NodeJS.WriteStream): (event: StateEvent) => void {
  const enteredAt = new Map<string, number>();
  const printed = new Set<string>();
  const polls = new Map<string, number>();
  const tty = out.isTTY === true;
  const clear = tty ? '\r\x1b[K' : '';
  const onEnter = (event: StateEvent) => {
    enteredAt.set(event.state, event.at);
    const count = (polls.get(event.state) ?? 0) + 1;
    polls.set(event.state, count);
    if (tty && (event.type === 'Task' || event.type === 'Wait')) out.write(`${clear}  … ${event.state}${count > 1 ? ` (poll ${count})` : ''}`);
  };
  return (event) => {
    if (event.phase === 'entered') return onEnter(event);
    if (QUIET_TYPES.has(event.type)) return;
    if (event.phase === 'exited' && printed.has(event.state)) return;
    printed.add(event.state);
    const ms = event.at - (enteredAt.get(event.state) ?? event.at);
    const detail = event.error ? `  ${event.error}: ${(event.cause ?? '').split('\n')[0]?.slice(0, 160)}` : '';
    out.write(`${clear}  ${(LABELS[event.phase] ?? event.phase).padEnd(6)} ${event.state.padEnd(22)} ${String(ms).padStart(6)} ms${detail}\n`);
  };
}

/** A plain text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
