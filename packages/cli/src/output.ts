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

const ICONS: Record<string, string> = { exited: 'ok', failed: 'FAILED', caught: 'caught', retried: 'retry' };

/**
 * Progress as states run: one line per state when it first completes (polling loops are counted, not repeated);
 * failures, retries and catches always get a line.
 */
export function progressPrinter(out: NodeJS.WriteStream): (event: StateEvent) => void {
  const entered = new Map<string, number>();
  const printed = new Set<string>();
  const polls = new Map<string, number>();
  const tty = out.isTTY === true;
  return (event) => {
    if (event.phase === 'entered') {
      entered.set(event.state, event.at);
      polls.set(event.state, (polls.get(event.state) ?? 0) + 1);
      if (tty && (event.type === 'Task' || event.type === 'Wait')) out.write(`\r\x1b[K  … ${event.state}${(polls.get(event.state) ?? 0) > 1 ? ` (poll ${polls.get(event.state)})` : ''}`);
      return;
    }
    if (event.type === 'Choice' || event.type === 'Wait' || event.type === 'Pass') return;
    const ms = event.at - (entered.get(event.state) ?? event.at);
    const important = event.phase !== 'exited';
    if (!important && printed.has(event.state)) return;
    printed.add(event.state);
    const detail = event.error ? `  ${event.error}: ${(event.cause ?? '').split('\n')[0]?.slice(0, 160)}` : '';
    out.write(`${tty ? '\r\x1b[K' : ''}  ${(ICONS[event.phase] ?? event.phase).padEnd(6)} ${event.state.padEnd(22)} ${String(ms).padStart(6)} ms${detail}\n`);
  };
}

/** A plain text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
