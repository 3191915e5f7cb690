/**
 * SageMaker's own shapes for a hyperparameter tuning job (CreateHyperParameterTuningJob), so the local tuner and the
 * AWS path speak the same language. Range bounds are strings, as in the API.
 */

/** How a numeric range is searched (`HyperParameterScalingType`). */
export type ScalingType = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

/** `HyperParameterTuningJobConfig.Strategy`. */
export type TuningStrategy = 'Bayesian' | 'Random' | 'Grid' | 'Hyperband';

/** `HyperParameterTuningJobObjective.Type`. */
export type ObjectiveType = 'Maximize' | 'Minimize';

/** `TrainingJobStatus` of a training job launched by a tuning job. */
export type TrainingJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped' | 'Deleting';

/** `ContinuousParameterRange`: floating-point values between MinValue and MaxValue. */
export interface ContinuousParameterRange {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType?: ScalingType;
}

/** `IntegerParameterRange`: integer values between MinValue and MaxValue, both included. */
export interface IntegerParameterRange {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType?: ScalingType;
}

/** `CategoricalParameterRange`: one of a fixed list of values. */
export interface CategoricalParameterRange {
  Name: string;
  Values: string[];
}

/** `ParameterRanges` of `HyperParameterTuningJobConfig`. */
export interface ParameterRanges {
  ContinuousParameterRanges?: ContinuousParameterRange[];
  IntegerParameterRanges?: IntegerParameterRange[];
  CategoricalParameterRanges?: CategoricalParameterRange[];
}

/** `ResourceLimits` of `HyperParameterTuningJobConfig` (MaxNumberOfTrainingJobs may be left out for Grid). */
export interface ResourceLimits {
  MaxNumberOfTrainingJobs?: number;
  MaxParallelTrainingJobs?: number;
}

/**
 * One training job of a tuning job, as a search strategy sees it: the tuned hyperparameters (extra static ones
 * are ignored), its status and, once it has reported it, the final objective metric value.
 */
export interface Trial {
  hyperparameters: Record<string, string>;
  objective?: number;
  status: TrainingJobStatus;
}

/** Options of {@link createSearch}. */
export interface SearchOptions {
  strategy: TuningStrategy;
  ranges: ParameterRanges;
  objectiveType: ObjectiveType;
  /** MaxNumberOfTrainingJobs; optional for Grid, where it defaults to the number of combinations. */
  maxJobs?: number;
  /** RandomSeed of the tuning job: the same seed and history give the same proposal. */
  seed: number;
  /** Training jobs of parent tuning jobs (WarmStartConfig): they inform the Bayesian model, not the budget. */
  warmStartTrials?: readonly Trial[];
}

/** A search strategy: proposes the hyperparameters of the next training job from what has run so far. */
export interface HyperparameterSearch {
  readonly strategy: TuningStrategy;
  /** The budget: proposals stop once `history` holds this many trials. */
  readonly maxJobs: number;
  /**
   * Next hyperparameters (tuned ones only, values as strings), or `undefined` when the budget or the grid is
   * exhausted. `history` is every training job of this tuning job so far, including those still running.
   */
  propose(history: readonly Trial[]): Record<string, string> | undefined;
}
