import type { ObjectiveType, Trial } from './types';

/**
 * The trial SageMaker would report as BestTrainingJob: among Completed trials with a finite objective, the highest
 * (Maximize) or lowest (Minimize) one. Failed, Stopped and running trials never win. On a tie the earliest trial in
 * `trials` (launch order) is kept. Pass parent trials too to get the OverallBestTrainingJob of a warm start.
 *
 * @example
 * bestTrial([
 *   { hyperparameters: { l2: '0.1' }, objective: 0.81, status: 'Completed' },
 *   { hyperparameters: { l2: '1' }, status: 'Failed' },
 * ], 'Maximize'); // the first trial
 */
export function bestTrial<T extends Trial>(trials: readonly T[], objectiveType: ObjectiveType): T | undefined {
  const sign = objectiveType === 'Maximize' ? 1 : -1;
  let best: T | undefined;
  for (const trial of trials) {
    const value = trial.objective;
    if (trial.status !== 'Completed' || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (best === undefined || sign * value > sign * (best.objective as number)) best = trial;
  }
  return best;
}
