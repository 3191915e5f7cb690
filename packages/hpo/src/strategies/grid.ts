import type { SearchSpace } from '../space';
import type { HyperparameterSearch, Trial } from '../types';

/**
 * The k-th combination of the categorical ranges in a stable order: ranges in the order given, the last one
 * changing fastest, each range's values in the order given.
 */
function combination(space: SearchSpace, index: number): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = index;
  for (let i = space.dimensions.length - 1; i >= 0; i--) {
    const d = space.dimensions[i];
    if (!d || d.kind !== 'categorical') continue;
    out[d.name] = d.values[rest % d.values.length] ?? '';
    rest = Math.floor(rest / d.values.length);
  }
  return out;
}

/**
 * Grid search: proposes the first combination, in the stable order, that no trial of `history` has run yet,
 * then `undefined` once every combination (or the budget) is used. A failed combination is not retried.
 */
export function gridSearch(space: SearchSpace, maxJobs: number): HyperparameterSearch {
  const size = space.size;
  return {
    strategy: 'Grid',
    maxJobs,
    propose(history: readonly Trial[]) {
      if (history.length >= maxJobs) return undefined;
      const seen = new Set(history.map((t) => space.key(t.hyperparameters)));
      for (let index = 0; index < size; index++) {
        const candidate = combination(space, index);
        if (!seen.has(space.key(candidate))) return candidate;
      }
      return undefined;
    },
  };
}
