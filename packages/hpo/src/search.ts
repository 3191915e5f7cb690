import { TuningValidationError } from './errors';
import { SearchSpace } from './space';
import { bayesianSearch } from './strategies/bayesian';
import { gridSearch } from './strategies/grid';
import { randomSearch } from './strategies/random';
import type { HyperparameterSearch, SearchOptions } from './types';
import { validateTuningRequest } from './validate';

/**
 * A search strategy for a tuning job, after validating the request as SageMaker would. `propose(history)` is a pure
 * function of the options and `history`, so the tuner may restart (or run in another process) without losing the
 * sequence. Hyperband is refused: it needs early stopping on intermediate metrics, which the local backend lacks.
 *
 * @example
 * const search = createSearch({
 *   strategy: 'Bayesian', objectiveType: 'Maximize', maxJobs: 12, seed: 42,
 *   ranges: { ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.001', MaxValue: '10', ScalingType: 'Logarithmic' }] },
 * });
 * const next = search.propose([]); // { l2: '0.0734…' }
 */
export function createSearch(options: SearchOptions): HyperparameterSearch {
  const { strategy, ranges, seed } = options;
  validateTuningRequest(ranges, strategy, { MaxNumberOfTrainingJobs: options.maxJobs });
  if (!Number.isInteger(seed) || seed < 0) {
    throw new TuningValidationError(`The RandomSeed [${seed}] must be an integer of at least 0.`);
  }
  const space = new SearchSpace(ranges);
  const maxJobs = options.maxJobs ?? space.size;
  switch (strategy) {
    case 'Grid':
      return gridSearch(space, maxJobs);
    case 'Random':
      return randomSearch(space, seed, maxJobs);
    case 'Bayesian':
      return bayesianSearch(space, {
        seed,
        maxJobs,
        objectiveType: options.objectiveType,
        warmStartTrials: options.warmStartTrials ?? [],
      });
    default:
      throw new TuningValidationError(
        `The ${strategy} strategy is not supported by the local backend. Use Bayesian, Random or Grid.`,
      );
  }
}
