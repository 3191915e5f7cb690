import type { TuningSchema } from '@mlops/core';
import type { ParameterRanges } from './types';

/** The `tuning.ranges` block of a pipeline config, after parsing. */
export type TuningRangesConfig = ReturnType<typeof TuningSchema.parse>['ranges'];

/**
 * SageMaker's ParameterRanges for the `tuning.ranges` of a pipeline config (numbers become strings; empty lists
 * are left out, as the API does).
 *
 * @example
 * parameterRangesFromConfig({ continuous: [{ name: 'l2', min: 0.001, max: 10, scaling: 'Auto' }], integer: [], categorical: [] });
 * // { ContinuousParameterRanges: [{ Name: 'l2', MinValue: '0.001', MaxValue: '10', ScalingType: 'Auto' }] }
 */
export function parameterRangesFromConfig(ranges: TuningRangesConfig): ParameterRanges {
  const numeric = (r: { name: string; min: number; max: number; scaling: ParameterRangesScaling }) => ({
    Name: r.name,
    MinValue: String(r.min),
    MaxValue: String(r.max),
    ScalingType: r.scaling,
  });
  const out: ParameterRanges = {};
  if (ranges.continuous.length > 0) out.ContinuousParameterRanges = ranges.continuous.map(numeric);
  if (ranges.integer.length > 0) out.IntegerParameterRanges = ranges.integer.map(numeric);
  if (ranges.categorical.length > 0) {
    out.CategoricalParameterRanges = ranges.categorical.map((r) => ({ Name: r.name, Values: [...r.values] }));
  }
  return out;
}

type ParameterRangesScaling = TuningRangesConfig['continuous'][number]['scaling'];
