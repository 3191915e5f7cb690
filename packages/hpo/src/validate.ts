import { TuningValidationError } from './errors';
import { SearchSpace } from './space';
import type {
  CategoricalParameterRange,
  ContinuousParameterRange,
  ParameterRanges,
  ResourceLimits,
  TuningStrategy,
} from './types';

/** ParameterRanges may hold at most this many hyperparameters in all, and a categorical range this many values. */
const MAX_RANGES = 30;
const MAX_CATEGORICAL_VALUES = 30;
const STRATEGIES: readonly TuningStrategy[] = ['Bayesian', 'Random', 'Hyperband', 'Grid'];

function fail(message: string): never {
  throw new TuningValidationError(message);
}

function parseBound(range: ContinuousParameterRange, field: 'MinValue' | 'MaxValue', integer: boolean): number {
  const raw = range[field];
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    fail(`The ${field} [${raw}] of hyperparameter '${range.Name}' is not a valid number.`);
  }
  if (integer && !Number.isInteger(value)) {
    fail(`The ${field} [${raw}] of integer hyperparameter '${range.Name}' must be an integer.`);
  }
  return value;
}

function checkNumericRange(range: ContinuousParameterRange, integer: boolean): void {
  const min = parseBound(range, 'MinValue', integer);
  const max = parseBound(range, 'MaxValue', integer);
  const name = range.Name;
  if (min >= max) {
    fail(
      `The MinValue [${range.MinValue}] of hyperparameter '${name}' must be less than its MaxValue [${range.MaxValue}].`,
    );
  }
  const scaling = range.ScalingType ?? 'Auto';
  if (!['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'].includes(scaling)) {
    fail(
      `The ScalingType '${scaling}' of hyperparameter '${name}' is not valid. Valid values: Auto | Linear | Logarithmic | ReverseLogarithmic.`,
    );
  }
  if (scaling === 'Logarithmic' && min <= 0) {
    fail(
      `Hyperparameter '${name}' uses Logarithmic scaling, which works only for ranges that have only values greater than 0, but its MinValue is [${range.MinValue}].`,
    );
  }
  if (scaling === 'ReverseLogarithmic' && integer) {
    fail(
      `Hyperparameter '${name}' uses ReverseLogarithmic scaling, which is supported only for continuous hyperparameter ranges, not for integer hyperparameter ranges.`,
    );
  }
  if (scaling === 'ReverseLogarithmic' && (min < 0 || max >= 1)) {
    fail(
      `Hyperparameter '${name}' uses ReverseLogarithmic scaling, which works only for ranges that are entirely within the range 0<=x<1.0, but its range is [${range.MinValue}, ${range.MaxValue}].`,
    );
  }
}

function checkCategoricalRange(range: CategoricalParameterRange): void {
  const values = Array.isArray(range.Values) ? range.Values : [];
  if (values.length < 1 || values.length > MAX_CATEGORICAL_VALUES) {
    fail(
      `The CategoricalParameterRange '${range.Name}' must have between 1 and ${MAX_CATEGORICAL_VALUES} Values, but has [${values.length}].`,
    );
  }
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value))
      fail(
        `The Values of categorical hyperparameter '${range.Name}' must be unique, but '${value}' appears more than once.`,
      );
    seen.add(value);
  }
}

function checkNames(ranges: ParameterRanges): void {
  const names = [
    ...(ranges.ContinuousParameterRanges ?? []),
    ...(ranges.IntegerParameterRanges ?? []),
    ...(ranges.CategoricalParameterRanges ?? []),
  ].map((r) => r.Name);
  if (names.length === 0) {
    fail(
      'The ParameterRanges must contain at least one ContinuousParameterRange, IntegerParameterRange or CategoricalParameterRange.',
    );
  }
  if (names.length > MAX_RANGES) {
    fail(
      `A hyperparameter tuning job can search at most ${MAX_RANGES} hyperparameters, but ParameterRanges has [${names.length}].`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name.length === 0) fail('Every hyperparameter range must have a non-empty Name.');
    if (seen.has(name))
      fail(
        `The hyperparameter '${name}' is defined more than once in ParameterRanges. Hyperparameter names must be unique.`,
      );
    seen.add(name);
  }
}

function checkLimits(strategy: TuningStrategy, limits: ResourceLimits): void {
  const { MaxNumberOfTrainingJobs: maxJobs, MaxParallelTrainingJobs: maxParallel } = limits;
  if (maxJobs === undefined && strategy !== 'Grid') {
    fail(`ResourceLimits.MaxNumberOfTrainingJobs is required for the ${strategy} strategy.`);
  }
  if (maxJobs !== undefined && !(Number.isInteger(maxJobs) && maxJobs >= 1)) {
    fail(`ResourceLimits.MaxNumberOfTrainingJobs must be an integer of at least 1, but is [${maxJobs}].`);
  }
  if (maxParallel !== undefined && !(Number.isInteger(maxParallel) && maxParallel >= 1)) {
    fail(`ResourceLimits.MaxParallelTrainingJobs must be an integer of at least 1, but is [${maxParallel}].`);
  }
}

function checkGrid(ranges: ParameterRanges, maxJobs: number | undefined, combinations: number): void {
  const numeric = [...(ranges.ContinuousParameterRanges ?? []), ...(ranges.IntegerParameterRanges ?? [])];
  if (numeric.length > 0) {
    fail(
      `Only categorical parameters are supported when using the Grid strategy. Remove the continuous and integer parameter ranges: ${numeric.map((r) => r.Name).join(', ')}.`,
    );
  }
  if (maxJobs !== undefined && maxJobs < combinations) {
    fail(
      `For the Grid strategy, MaxNumberOfTrainingJobs [${maxJobs}] must equal the total number of distinct categorical combinations [${combinations}]. Leave MaxNumberOfTrainingJobs unset to run all of them.`,
    );
  }
}

/**
 * Checks a tuning request the way CreateHyperParameterTuningJob does and throws a {@link TuningValidationError}
 * with a ValidationException-like message on the first problem: no ranges, duplicate names, bounds that are not
 * numbers (or not integers), MinValue ≥ MaxValue, Logarithmic with MinValue ≤ 0, ReverseLogarithmic outside
 * 0 ≤ x < 1 or on an integer range, bad categorical values, Grid with numeric ranges or a job count other than the
 * grid size, and a finite space with fewer combinations than MaxNumberOfTrainingJobs.
 *
 * @example
 * validateTuningRequest(
 *   { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0', MaxValue: '1', ScalingType: 'Logarithmic' }] },
 *   'Bayesian',
 *   { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 },
 * ); // throws: Hyperparameter 'eta' uses Logarithmic scaling, which works only for ranges ... greater than 0 ...
 */
export function validateTuningRequest(ranges: ParameterRanges, strategy: TuningStrategy, limits: ResourceLimits): void {
  if (!STRATEGIES.includes(strategy)) {
    fail(`The Strategy '${strategy}' is not valid. Valid values: ${STRATEGIES.join(' | ')}.`);
  }
  checkLimits(strategy, limits);
  checkNames(ranges);
  for (const r of ranges.ContinuousParameterRanges ?? []) checkNumericRange(r, false);
  for (const r of ranges.IntegerParameterRanges ?? []) checkNumericRange(r, true);
  for (const r of ranges.CategoricalParameterRanges ?? []) checkCategoricalRange(r);
  const combinations = new SearchSpace(ranges).size;
  const maxJobs = limits.MaxNumberOfTrainingJobs;
  if (strategy === 'Grid') checkGrid(ranges, maxJobs, combinations);
  if (maxJobs !== undefined && combinations < maxJobs) {
    // Verbatim wording of the ValidationException SageMaker raises for this case.
    fail(
      `You don't have enough combinations of hyperparameter ranges. The total number of hyperparameter combinations for the provided ranges [${combinations.toFixed(1)}] must be equal or greater than the value of MaxNumberOfJobs, [${maxJobs}]. Provide additional ranges.`,
    );
  }
}
