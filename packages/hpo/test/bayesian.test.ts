import { describe, expect, it } from 'vitest';
import { bestTrial, createSearch, type ParameterRanges, type SearchOptions, type Trial } from '../src/index';
import { branin, BRANIN_MIN, BRANIN_RANGES, forrester, FORRESTER_MIN, linear, mean, runTuning } from './toys';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const TRIALS = 12;

function meanRegret(
  strategy: 'Bayesian' | 'Random',
  ranges: ParameterRanges,
  f: typeof forrester,
  min: number,
): number {
  const regrets = SEEDS.map((seed) => {
    const trials = runTuning({ strategy, ranges, maxJobs: TRIALS, seed }, f);
    return (bestTrial(trials, 'Minimize')?.objective ?? Infinity) - min;
  });
  return mean(regrets);
}

const completed = (hp: Record<string, string>, objective: number): Trial => ({
  hyperparameters: hp,
  objective,
  status: 'Completed',
});
const bayes = (ranges: ParameterRanges, seed: number, extra: Partial<SearchOptions> = {}) =>
  createSearch({ strategy: 'Bayesian', ranges, objectiveType: 'Maximize', maxJobs: 50, seed, ...extra });
const UNIT = linear('x', '0', '1');
/** A smooth bump with its top at x = 0.8. */
const bump = (x: number) => -((x - 0.8) ** 2);

describe('Bayesian optimisation', () => {
  it('beats Random on average on the 1-D Forrester function (20 seeds × 12 trials)', () => {
    const bayesian = meanRegret('Bayesian', UNIT, forrester, FORRESTER_MIN);
    const random = meanRegret('Random', UNIT, forrester, FORRESTER_MIN);
    expect(bayesian).toBeLessThan(0.25 * random);
    expect(bayesian).toBeLessThan(0.1);
  });

  it('beats Random on average on the 2-D Branin function (20 seeds × 12 trials)', () => {
    const bayesian = meanRegret('Bayesian', BRANIN_RANGES, branin, BRANIN_MIN);
    const random = meanRegret('Random', BRANIN_RANGES, branin, BRANIN_MIN);
    expect(bayesian).toBeLessThan(0.6 * random);
  });

  it('starts with max(2, ranges + 1) random trials', () => {
    const search = bayes(BRANIN_RANGES, 4);
    const random = createSearch({
      strategy: 'Random',
      ranges: BRANIN_RANGES,
      objectiveType: 'Maximize',
      maxJobs: 50,
      seed: 4,
    });
    const first = search.propose([]);
    expect(first).toBeDefined();
    // Random draws come from the Bayesian strategy's own stream: only their validity can be compared.
    expect(Object.keys(first ?? {})).toEqual(Object.keys(random.propose([]) ?? {}));
  });

  it('treats Minimize as Maximize of the negated objective', () => {
    const minimise = runTuning({ strategy: 'Bayesian', ranges: UNIT, maxJobs: 8, seed: 11 }, forrester);
    const maximise = runTuning(
      { strategy: 'Bayesian', ranges: UNIT, maxJobs: 8, seed: 11, objectiveType: 'Maximize' },
      (hp) => -forrester(hp),
    );
    expect(maximise.map((t) => t.hyperparameters)).toEqual(minimise.map((t) => t.hyperparameters));
  });

  it('gives concurrent proposals that differ (pending trials are believed at the posterior mean)', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const history = runTuning({ strategy: 'Bayesian', ranges: UNIT, maxJobs: 5, seed }, forrester);
      const search = createSearch({ strategy: 'Bayesian', ranges: UNIT, objectiveType: 'Minimize', maxJobs: 20, seed });
      const first = search.propose(history) ?? {};
      const second = search.propose([...history, { hyperparameters: first, status: 'InProgress' }]) ?? {};
      const third = search.propose([
        ...history,
        { hyperparameters: first, status: 'InProgress' },
        { hyperparameters: second, status: 'InProgress' },
      ]);
      // Ignoring the pending trial would give (almost) the same point again: about 1e-4 away.
      expect(Math.abs(Number(first.x) - Number(second.x))).toBeGreaterThan(0.01);
      expect(Math.abs(Number(third?.x) - Number(second.x))).toBeGreaterThan(0.01);
    }
  });

  it('moves away from failed trials', () => {
    const history = [0.1, 0.3, 0.7, 0.9].map((x) => completed({ x: String(x) }, -((x - 0.5) ** 2)));
    const failures: Trial[] = ['0.46', '0.5', '0.54'].map((x) => ({ hyperparameters: { x }, status: 'Failed' }));
    const distance = (trials: Trial[]) =>
      mean(SEEDS.map((seed) => Math.abs(Number(bayes(UNIT, seed).propose(trials)?.x) - 0.5)));
    expect(distance(history)).toBeLessThan(0.05);
    expect(distance([...history, ...failures])).toBeGreaterThan(distance(history) + 0.05);
  });

  it('warm start shifts proposals toward the parent job’s good region', () => {
    const parent = [0.05, 0.25, 0.45, 0.65, 0.75, 0.85].map((x) => completed({ x: String(x) }, bump(x)));
    const firstThree = (warmStartTrials: Trial[]) =>
      SEEDS.map((seed) => {
        const search = bayes(UNIT, seed, { warmStartTrials });
        const history: Trial[] = [];
        for (let i = 0; i < 3; i++) {
          const hp = search.propose(history) ?? {};
          history.push(completed(hp, bump(Number(hp.x))));
        }
        return mean(history.map((t) => Math.abs(Number(t.hyperparameters.x) - 0.8)));
      });
    const warm = mean(firstThree(parent));
    const cold = mean(firstThree([]));
    expect(warm).toBeLessThan(0.12);
    expect(warm).toBeLessThan(cold / 2);
  });

  it('never proposes NaN, even on flat, duplicated or extreme histories', () => {
    const cases: Trial[][] = [
      [0.2, 0.4, 0.6].map((x) => completed({ x: String(x) }, 0.5)),
      [
        completed({ x: '0.3' }, 1),
        completed({ x: '0.3' }, 2),
        completed({ x: '0.3' }, 1.5),
        completed({ x: '0.7' }, 1e12),
      ],
      [0.1, 0.2, 0.3].map((x) => completed({ x: String(x) }, 1 + x * 1e-13)),
      [
        ...[0.1, 0.9].map((x) => completed({ x: String(x) }, x)),
        { hyperparameters: { x: 'oops' }, status: 'Completed', objective: 3 },
      ],
    ];
    for (const history of cases) {
      const x = Number(bayes(UNIT, 1).propose(history)?.x);
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  });

  it('covers a small finite space without repeating itself', () => {
    const ranges = { IntegerParameterRanges: [{ Name: 'k', MinValue: '1', MaxValue: '5' }] };
    const trials = runTuning({ strategy: 'Bayesian', ranges, maxJobs: 5, seed: 2 }, (hp) => (Number(hp.k) - 3) ** 2);
    expect(new Set(trials.map((t) => t.hyperparameters.k)).size).toBe(5);
  });

  it('handles mixed continuous, integer and categorical ranges', () => {
    const ranges: ParameterRanges = {
      ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '1', ScalingType: 'Logarithmic' }],
      IntegerParameterRanges: [{ Name: 'depth', MinValue: '2', MaxValue: '8' }],
      CategoricalParameterRanges: [{ Name: 'model', Values: ['logistic', 'gbt', 'forest'] }],
    };
    const f = (hp: Record<string, string>) =>
      (Math.log10(Number(hp.eta)) + 2) ** 2 + (Number(hp.depth) - 6) ** 2 / 4 + (hp.model === 'gbt' ? 0 : 1);
    const bayesian = mean(
      SEEDS.map((seed) =>
        Math.min(
          ...runTuning({ strategy: 'Bayesian', ranges, maxJobs: 15, seed }, f).map((t) => t.objective ?? Infinity),
        ),
      ),
    );
    const random = mean(
      SEEDS.map((seed) =>
        Math.min(
          ...runTuning({ strategy: 'Random', ranges, maxJobs: 15, seed }, f).map((t) => t.objective ?? Infinity),
        ),
      ),
    );
    expect(bayesian).toBeLessThan(random);
  });
});
