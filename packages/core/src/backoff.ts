/**
 * Bounded exponential back-off for polling long jobs: the first wait is `base`, each later one doubles up to `cap`.
 * A 2-hour job polled with base 60 s and cap 600 s costs about 16 polls, not 120.
 * @example nextWait(3, { base: 60, cap: 600 }) // 480
 */
export function nextWait(attempt: number, options: { base: number; cap: number }): number {
  return Math.min(options.cap, Math.round(options.base * 2 ** Math.max(0, attempt)));
}

/** Back-off settings per kind of job, in seconds. */
export const POLLING = {
  glue: { base: 15, cap: 300 },
  processing: { base: 30, cap: 600 },
  tuning: { base: 60, cap: 600 },
  transform: { base: 30, cap: 600 },
} as const;
