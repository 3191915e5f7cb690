import { describe, expect, it } from 'vitest';
import { createSearch, type ParameterRanges, type SearchOptions, type Trial } from '../src/index';
import { drawMany } from './toys';

const mixed: ParameterRanges = {
  ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '1', ScalingType: 'Auto' }],
  IntegerParameterRanges: [{ Name: 'depth', MinValue: '2', MaxValue: '8' }],
  CategoricalParameterRanges: [{ Name: 'model', Values: ['logistic', 'gbt'] }],
};
const options = (strategy: 'Random' | 'Bayesian', seed: number): SearchOptions => ({
  strategy,
  ranges: mixed,
  objectiveType: 'Maximize',
  maxJobs: 10,
  seed,
});
/** A deterministic toy objective so the Bayesian history depends only on the proposals. */
const score = (hp: Record<string, string>) =>
  -((Math.log10(Number(hp.eta)) + 1.5) ** 2) - (Number(hp.depth) - 5) ** 2 / 10 + (hp.model === 'gbt' ? 0.3 : 0);

function run(opts: SearchOptions): Record<string, string>[] {
  const search = createSearch(opts);
  const history: Trial[] = [];
  for (let next = search.propose(history); next; next = search.propose(history)) {
    history.push({ hyperparameters: next, objective: score(next), status: 'Completed' });
  }
  return history.map((t) => t.hyperparameters);
}

describe('createSearch', () => {
  it.each(['Random', 'Bayesian'] as const)('%s is deterministic for a seed and differs between seeds', (strategy) => {
    const first = run(options(strategy, 42));
    expect(run(options(strategy, 42))).toEqual(first);
    expect(run(options(strategy, 43))).not.toEqual(first);
  });

  it.each(['Random', 'Bayesian'] as const)('%s stops at the budget and stays inside the ranges', (strategy) => {
    const proposals = run(options(strategy, 5));
    expect(proposals).toHaveLength(10);
    for (const hp of proposals) {
      expect(Object.keys(hp).sort()).toEqual(['depth', 'eta', 'model']);
      expect(Number(hp.eta)).toBeGreaterThanOrEqual(0.001);
      expect(Number(hp.eta)).toBeLessThanOrEqual(1);
      expect(Number.isInteger(Number(hp.depth))).toBe(true);
      expect(Number(hp.depth)).toBeGreaterThanOrEqual(2);
      expect(Number(hp.depth)).toBeLessThanOrEqual(8);
      expect(['logistic', 'gbt']).toContain(hp.model);
    }
  });

  it('a proposal depends only on the history, not on earlier calls', () => {
    const search = createSearch(options('Bayesian', 9));
    const history: Trial[] = run(options('Bayesian', 9))
      .slice(0, 6)
      .map((hp) => ({ hyperparameters: hp, objective: score(hp), status: 'Completed' }));
    const once = search.propose(history);
    search.propose(history.slice(0, 3));
    expect(createSearch(options('Bayesian', 9)).propose(history)).toEqual(once);
    expect(search.propose(history)).toEqual(once);
  });

  it('Random does not repeat points of a small finite space while unseen ones remain', () => {
    const proposals = drawMany(
      {
        strategy: 'Random',
        objectiveType: 'Minimize',
        maxJobs: 6,
        seed: 3,
        ranges: { IntegerParameterRanges: [{ Name: 'k', MinValue: '1', MaxValue: '6' }] },
      },
      6,
    );
    expect(new Set(proposals.map((hp) => hp.k)).size).toBe(6);
  });
});

describe('Grid', () => {
  const ranges: ParameterRanges = {
    CategoricalParameterRanges: [
      { Name: 'model', Values: ['logistic', 'gbt'] },
      { Name: 'depth', Values: ['2', '4', '6'] },
    ],
  };
  const grid = () => createSearch({ strategy: 'Grid', ranges, objectiveType: 'Maximize', seed: 0 });

  it('enumerates every combination exactly once in a stable order, then returns undefined', () => {
    const search = grid();
    expect(search.maxJobs).toBe(6);
    const history: Trial[] = [];
    for (let next = search.propose(history); next; next = search.propose(history)) {
      history.push({ hyperparameters: { ...next, seed: '42' }, objective: 0.5, status: 'Completed' });
    }
    expect(history.map((t) => `${t.hyperparameters.model}/${t.hyperparameters.depth}`)).toEqual([
      'logistic/2',
      'logistic/4',
      'logistic/6',
      'gbt/2',
      'gbt/4',
      'gbt/6',
    ]);
    expect(search.propose(history)).toBeUndefined();
  });

  it('skips combinations already running or failed, whatever their order in the history', () => {
    const history: Trial[] = [
      { hyperparameters: { model: 'logistic', depth: '4' }, status: 'InProgress' },
      { hyperparameters: { model: 'logistic', depth: '2' }, status: 'Failed' },
    ];
    expect(grid().propose(history)).toEqual({ model: 'logistic', depth: '6' });
  });
});
