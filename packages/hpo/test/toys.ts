import { createSearch, type ObjectiveType, type ParameterRanges, type SearchOptions, type Trial } from '../src/index';

/** Forrester et al. (2008), minimised on [0, 1]: one global minimum ≈ -6.0207 at x ≈ 0.7572, one local minimum. */
export function forrester(hp: Record<string, string>): number {
  const x = Number(hp.x);
  return (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
}
export const FORRESTER_MIN = -6.02074;

/** Branin–Hoo, minimised on [-5, 10] × [0, 15]: three global minima of ≈ 0.397887. */
export function branin(hp: Record<string, string>): number {
  const [x1, x2] = [Number(hp.x1), Number(hp.x2)];
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}
export const BRANIN_MIN = 0.397887;

export const linear = (name: string, min: string, max: string): ParameterRanges => ({
  ContinuousParameterRanges: [{ Name: name, MinValue: min, MaxValue: max, ScalingType: 'Linear' }],
});

export const BRANIN_RANGES: ParameterRanges = {
  ContinuousParameterRanges: [
    { Name: 'x1', MinValue: '-5', MaxValue: '10', ScalingType: 'Linear' },
    { Name: 'x2', MinValue: '0', MaxValue: '15', ScalingType: 'Linear' },
  ],
};

/** Runs a whole tuning job sequentially against `f` and returns every trial. */
export function runTuning(
  options: Omit<SearchOptions, 'objectiveType'> & { objectiveType?: ObjectiveType },
  f: (hp: Record<string, string>) => number,
): Trial[] {
  const search = createSearch({ objectiveType: 'Minimize', ...options });
  const history: Trial[] = [];
  for (let next = search.propose(history); next; next = search.propose(history)) {
    history.push({ hyperparameters: next, objective: f(next), status: 'Completed' });
  }
  return history;
}

/** `count` proposals of a search whose trials never report (their own history grows with pending trials). */
export function drawMany(options: SearchOptions, count: number): Record<string, string>[] {
  const search = createSearch(options);
  const history: Trial[] = [];
  for (let i = 0; i < count; i++) {
    const next = search.propose(history);
    if (!next) break;
    history.push({ hyperparameters: next, status: 'Completed', objective: 0 });
  }
  return history.map((t) => t.hyperparameters);
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
