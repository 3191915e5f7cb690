import { mixSeed, seededRng, type Rng } from '../random';
import type { SearchSpace } from '../space';
import type { HyperparameterSearch, Trial } from '../types';

/** Distinct salts keep the streams of different strategies apart for the same seed. */
export const RANDOM_SALT = 0x52414e44;
const UNSEEN_TRIES = 64;

/**
 * A uniform draw (in the scaled space) that, where the space is finite, avoids points already in `seen`
 * as long as unseen ones are easy to find.
 */
export function sampleUnseen(space: SearchSpace, rng: Rng, seen: ReadonlySet<string>): Record<string, string> {
  let point = space.sample(rng);
  for (let i = 1; i < UNSEEN_TRIES && seen.has(space.key(point)); i++) point = space.sample(rng);
  return point;
}

/** Random search: each proposal is uniform in the scaled space, drawn from a stream seeded by (seed, history length). */
export function randomSearch(space: SearchSpace, seed: number, maxJobs: number): HyperparameterSearch {
  return {
    strategy: 'Random',
    maxJobs,
    propose(history: readonly Trial[]) {
      if (history.length >= maxJobs) return undefined;
      const rng = seededRng(mixSeed(seed, history.length, RANDOM_SALT));
      const seen = new Set(history.map((t) => space.key(t.hyperparameters)));
      return sampleUnseen(space, rng, seen);
    },
  };
}
