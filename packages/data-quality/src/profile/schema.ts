import * as z from 'zod/mini';

const count = z.int().check(z.nonnegative());

/**
 * Log-bucketed histogram with DDSketch's mapping: bucket i holds magnitudes in (γ^(i-1), γ^i] with
 * γ = (1+α)/(1-α), so any quantile read from it is within relative accuracy α. Buckets are fixed (they do
 * not depend on the data), which makes two profiles comparable bucket by bucket.
 */
export const SketchSchema = z.strictObject({
  relativeAccuracy: z.number().check(z.gt(0), z.lt(1)),
  bins: z
    .record(z.string().check(z.regex(/^-?\d+$/)), z.number().check(z.nonnegative()))
    .check(z.describe('signed bucket ordinal → count; 0 holds zeros, ordinals grow with the value')),
});

export const NumericProfileSchema = z.strictObject({
  kind: z.literal('numeric'),
  count: count.check(z.describe('cells holding a number')),
  missing: count.check(z.describe('empty or blank cells')),
  invalid: count.check(z.describe('cells that are neither empty nor a number')),
  mean: z.nullable(z.number()),
  std: z.nullable(z.number()).check(z.describe('population standard deviation')),
  min: z.nullable(z.number()),
  max: z.nullable(z.number()),
  sketch: SketchSchema,
});

export const CategoricalProfileSchema = z.strictObject({
  kind: z.literal('categorical'),
  count: count.check(z.describe('non-empty cells')),
  missing: count.check(z.describe('empty cells')),
  distinct: count.check(z.describe('distinct values kept (at most the cap)')),
  truncated: z.boolean().check(z.describe('more distinct values than the cap: the rest are counted in otherCount')),
  values: z.record(z.string(), count).check(z.describe('value → count (values of sensitive columns are hashed)')),
  otherCount: count,
});

export const ColumnProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);

/** Per-column profile of one dataset, kept with a run so the next run can measure drift against it. */
export const ProfileSchema = z.strictObject({
  rowCount: count,
  columns: z.record(z.string(), ColumnProfileSchema),
});

export type Sketch = z.infer<typeof SketchSchema>;
export type NumericProfile = z.infer<typeof NumericProfileSchema>;
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
