import { describe, expect, it } from 'vitest';
import { createSearch, TuningValidationError, validateTuningRequest, type ParameterRanges } from '../src/index';

const limits = { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 };
const eta = (min: string, max: string, ScalingType?: 'Logarithmic' | 'ReverseLogarithmic' | 'Linear') => ({
  ContinuousParameterRanges: [{ Name: 'eta', MinValue: min, MaxValue: max, ScalingType }],
});
const grid: ParameterRanges = {
  CategoricalParameterRanges: [
    { Name: 'model', Values: ['logistic', 'gbt'] },
    { Name: 'depth', Values: ['2', '4', '6'] },
  ],
};

function messageOf(act: () => void): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(TuningValidationError);
    expect((error as TuningValidationError).name).toBe('TuningValidationError');
    expect((error as TuningValidationError).code).toBe('ValidationException');
    return (error as Error).message;
  }
  throw new Error('expected a TuningValidationError');
}

describe('validateTuningRequest', () => {
  it('accepts a well-formed request', () => {
    // Prepare / Act / Assess
    const ranges: ParameterRanges = {
      ...eta('0.001', '1', 'Logarithmic'),
      IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '8' }],
      CategoricalParameterRanges: [{ Name: 'model', Values: ['gbt'] }],
    };
    expect(() => validateTuningRequest(ranges, 'Bayesian', limits)).not.toThrow();
    expect(() => validateTuningRequest(grid, 'Grid', {})).not.toThrow();
    expect(() => validateTuningRequest(grid, 'Grid', { MaxNumberOfTrainingJobs: 6 })).not.toThrow();
  });

  it('rejects empty ranges', () => {
    expect(messageOf(() => validateTuningRequest({}, 'Random', limits))).toBe(
      'The ParameterRanges must contain at least one ContinuousParameterRange, IntegerParameterRange or CategoricalParameterRange.',
    );
    expect(messageOf(() => validateTuningRequest({ ContinuousParameterRanges: [] }, 'Random', limits))).toMatch(
      /at least one/,
    );
  });

  it('rejects MinValue >= MaxValue', () => {
    expect(messageOf(() => validateTuningRequest(eta('1', '0.1'), 'Bayesian', limits))).toBe(
      "The MinValue [1] of hyperparameter 'eta' must be less than its MaxValue [0.1].",
    );
    expect(messageOf(() => validateTuningRequest(eta('0.5', '0.5'), 'Bayesian', limits))).toMatch(/must be less than/);
  });

  it('rejects bounds that are not numbers, and integer bounds that are not integers', () => {
    expect(messageOf(() => validateTuningRequest(eta('abc', '1'), 'Random', limits))).toBe(
      "The MinValue [abc] of hyperparameter 'eta' is not a valid number.",
    );
    const ranges = { IntegerParameterRanges: [{ Name: 'depth', MinValue: '1.5', MaxValue: '8' }] };
    expect(messageOf(() => validateTuningRequest(ranges, 'Random', limits))).toBe(
      "The MinValue [1.5] of integer hyperparameter 'depth' must be an integer.",
    );
  });

  it('rejects Logarithmic scaling with a non-positive MinValue', () => {
    expect(messageOf(() => validateTuningRequest(eta('0', '1', 'Logarithmic'), 'Bayesian', limits))).toBe(
      "Hyperparameter 'eta' uses Logarithmic scaling, which works only for ranges that have only values greater than 0, but its MinValue is [0].",
    );
    const ints = {
      IntegerParameterRanges: [{ Name: 'n', MinValue: '-3', MaxValue: '30', ScalingType: 'Logarithmic' as const }],
    };
    expect(messageOf(() => validateTuningRequest(ints, 'Bayesian', limits))).toMatch(/greater than 0/);
  });

  it('rejects ReverseLogarithmic outside 0 <= x < 1 and on integer ranges', () => {
    expect(messageOf(() => validateTuningRequest(eta('0.5', '1', 'ReverseLogarithmic'), 'Random', limits))).toBe(
      "Hyperparameter 'eta' uses ReverseLogarithmic scaling, which works only for ranges that are entirely within the range 0<=x<1.0, but its range is [0.5, 1].",
    );
    const ints = {
      IntegerParameterRanges: [
        { Name: 'n', MinValue: '0', MaxValue: '30', ScalingType: 'ReverseLogarithmic' as const },
      ],
    };
    expect(messageOf(() => validateTuningRequest(ints, 'Random', limits))).toMatch(/supported only for continuous/);
  });

  it('rejects duplicate names, also across range types', () => {
    const ranges: ParameterRanges = {
      ...eta('0.01', '1'),
      CategoricalParameterRanges: [{ Name: 'eta', Values: ['0.1', '0.3'] }],
    };
    expect(messageOf(() => validateTuningRequest(ranges, 'Random', limits))).toBe(
      "The hyperparameter 'eta' is defined more than once in ParameterRanges. Hyperparameter names must be unique.",
    );
  });

  it('rejects bad categorical values', () => {
    const empty = { CategoricalParameterRanges: [{ Name: 'model', Values: [] }] };
    expect(messageOf(() => validateTuningRequest(empty, 'Random', limits))).toMatch(/between 1 and 30 Values/);
    const twice = { CategoricalParameterRanges: [{ Name: 'model', Values: ['gbt', 'gbt'] }] };
    expect(messageOf(() => validateTuningRequest(twice, 'Grid', {}))).toMatch(/'gbt' appears more than once/);
  });

  it('rejects Grid with continuous or integer ranges', () => {
    const ranges: ParameterRanges = { ...grid, ...eta('0.01', '1') };
    expect(messageOf(() => validateTuningRequest(ranges, 'Grid', {}))).toBe(
      'Only categorical parameters are supported when using the Grid strategy. Remove the continuous and integer parameter ranges: eta.',
    );
  });

  it('rejects Grid whose MaxNumberOfTrainingJobs differs from the number of combinations', () => {
    expect(messageOf(() => validateTuningRequest(grid, 'Grid', { MaxNumberOfTrainingJobs: 10 }))).toBe(
      "You don't have enough combinations of hyperparameter ranges. The total number of hyperparameter combinations for the provided ranges [6.0] must be equal or greater than the value of MaxNumberOfJobs, [10]. Provide additional ranges.",
    );
    expect(messageOf(() => validateTuningRequest(grid, 'Grid', { MaxNumberOfTrainingJobs: 4 }))).toMatch(
      /must equal the total number of distinct categorical combinations \[6\]/,
    );
  });

  it('rejects any finite space smaller than the budget', () => {
    const ranges = { IntegerParameterRanges: [{ Name: 'depth', MinValue: '1', MaxValue: '3' }] };
    expect(messageOf(() => validateTuningRequest(ranges, 'Bayesian', limits))).toMatch(
      /combinations for the provided ranges \[3\.0\] must be equal or greater than the value of MaxNumberOfJobs, \[10\]/,
    );
  });

  it('rejects bad resource limits and strategies', () => {
    const ranges = eta('0.01', '1');
    expect(messageOf(() => validateTuningRequest(ranges, 'Random', {}))).toBe(
      'ResourceLimits.MaxNumberOfTrainingJobs is required for the Random strategy.',
    );
    expect(messageOf(() => validateTuningRequest(ranges, 'Random', { MaxNumberOfTrainingJobs: 0 }))).toMatch(
      /at least 1/,
    );
    expect(
      messageOf(() =>
        validateTuningRequest(ranges, 'Random', { MaxNumberOfTrainingJobs: 5, MaxParallelTrainingJobs: 0 }),
      ),
    ).toMatch(/MaxParallelTrainingJobs must be an integer of at least 1/);
    expect(messageOf(() => validateTuningRequest(ranges, 'Sobol' as never, limits))).toMatch(/not valid/);
  });

  it('createSearch validates too, and refuses Hyperband locally', () => {
    expect(
      messageOf(() => createSearch({ strategy: 'Random', ranges: {}, objectiveType: 'Maximize', maxJobs: 3, seed: 1 })),
    ).toMatch(/at least one/);
    expect(
      messageOf(() =>
        createSearch({
          strategy: 'Hyperband',
          ranges: eta('0.01', '1'),
          objectiveType: 'Maximize',
          maxJobs: 3,
          seed: 1,
        }),
      ),
    ).toMatch(/Hyperband strategy is not supported by the local backend/);
  });
});
