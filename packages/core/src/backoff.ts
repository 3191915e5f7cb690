/** A bounded geometric back-off: the first wait is `base` seconds, each later one `factor` times longer, up to `cap`. */
export interface Backoff {
  base: number;
  cap: number;
  /** Growth per poll; 2 when absent. */
  factor?: number;
}

/**
 * The wait before poll number `attempt` (0 = the first, right after the job started), in whole seconds.
 * @example nextWait(3, { base: 60, factor: 1.5, cap: 900 }) // 203
 */
export function nextWait(attempt: number, options: Backoff): number {
  return Math.min(options.cap, Math.round(options.base * (options.factor ?? 2) ** Math.max(0, attempt)));
}

/**
 * How a job of `seconds` is waited for with this back-off: the polls (each one Wait → check → Choice round, three
 * state transitions), the time the job is seen complete, and how late that is.
 * @example pollsUntil(7200, POLLING.tuning) // { polls: 13, seenAtSeconds: 7331, lateSeconds: 131 }
 */
export function pollsUntil(seconds: number, options: Backoff): { polls: number; seenAtSeconds: number; lateSeconds: number } {
  let waited = 0;
  let polls = 0;
  while (waited < seconds || polls === 0) {
    waited += nextWait(polls, options);
    polls += 1;
  }
  return { polls, seenAtSeconds: waited, lateSeconds: waited - seconds };
}

/**
 * Back-off per kind of job, in seconds. SageMaker waits grow 1.5× per poll, so a job of 10 minutes or more is seen
 * complete at most 60% of its running time late (tending to 50%), and the cap bounds that delay for long jobs. Glue Data Quality runs take minutes:
 * they double from 15 s to 5 min. Tuning (base 60 s, cap 15 min):
 * a 10-minute job costs 5 polls, a 2-hour job 13 (40 state transitions with StartTuning), a 6-hour job 29.
 * The schedules and the bench that measures them: docs/cost.md.
 */
export const POLLING = {
  glue: { base: 15, factor: 2, cap: 300 },
  processing: { base: 30, factor: 1.5, cap: 600 },
  tuning: { base: 60, factor: 1.5, cap: 900 },
  transform: { base: 30, factor: 1.5, cap: 600 },
} as const satisfies Record<string, Backoff>;
