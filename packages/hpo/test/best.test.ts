import { describe, expect, it } from 'vitest';
import { bestTrial, parameterRangesFromConfig, type Trial } from '../src/index';

const trial = (id: string, status: Trial['status'], objective?: number) => ({
  id,
  hyperparameters: { l2: id },
  status,
  objective,
});

describe('bestTrial', () => {
  const trials = [
    trial('a', 'Completed', 0.8),
    trial('b', 'Failed', 0.99),
    trial('c', 'Completed', 0.9),
    trial('d', 'Stopped', 0.95),
    trial('e', 'InProgress', 0.97),
    trial('f', 'Completed', 0.7),
    trial('g', 'Completed'),
    trial('h', 'Completed', Number.NaN),
  ];

  it('picks the highest objective for Maximize and the lowest for Minimize, among Completed trials only', () => {
    expect(bestTrial(trials, 'Maximize')?.id).toBe('c');
    expect(bestTrial(trials, 'Minimize')?.id).toBe('f');
  });

  it('keeps the earliest trial on a tie', () => {
    const tied = [trial('x', 'Completed', 0.5), trial('y', 'Completed', 0.9), trial('z', 'Completed', 0.9)];
    expect(bestTrial(tied, 'Maximize')?.id).toBe('y');
    expect(bestTrial([...tied].reverse(), 'Maximize')?.id).toBe('z');
  });

  it('returns undefined when no trial completed with an objective', () => {
    expect(bestTrial([], 'Maximize')).toBeUndefined();
    expect(bestTrial([trial('b', 'Failed', 0.99), trial('g', 'Completed')], 'Minimize')).toBeUndefined();
  });
});

describe('parameterRangesFromConfig', () => {
  it('turns the pipeline config ranges into SageMaker ParameterRanges', () => {
    const ranges = parameterRangesFromConfig({
      continuous: [{ name: 'l2', min: 0.001, max: 10, scaling: 'Logarithmic' }],
      integer: [{ name: 'max_depth', min: 2, max: 8, scaling: 'Auto' }],
      categorical: [],
    });
    expect(ranges).toEqual({
      ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.001', MaxValue: '10', ScalingType: 'Logarithmic' }],
      IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '8', ScalingType: 'Auto' }],
    });
  });
});
