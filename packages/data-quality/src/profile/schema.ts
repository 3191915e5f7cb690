import * as z from 'zod';

const count = z.number().int().nonnegative();

/**
 * Log-bucketed histogram with DDSketch's mapping: bucket i holds magnitudes in (γ^(i-1), γ^i] with
 * γ = (1+α)/(1-α), so any quantile read from it is within relative accuracy α. Buckets are fixed (they do
 * not depend on the data), which makes two profiles comparable bucket by bucket.
 */
export const SketchSchema = z
  .object({
    relativeAccuracy: z.number().gt(0).lt(1),
    bins: z
      .record(z.string().regex(/^-?\d+$/), z.number().nonnegative())
      .describe('signed bucket ordinal → count; 0 holds zeros, ordinals grow with the value'),
  })
  .strict();

export const NumericProfileSchema = z
  .object({
    kind: z.literal('numeric'),
    count: count.describe('cells holding a number'),
    missing: count.describe('empty or blank cells'),
    invalid: count.describe('cells that are neither empty nor a number'),
    mean: z.number().nullable(),
    std: z.number().nullable().describe('population standard deviation'),
    min: z.number().nullable(),
    max: z.number().nullable(),
    sketch: SketchSchema,
  })
  .strict();

export const CategoricalProfileSchema = z
  .object({
    kind: z.literal('categorical'),
    count: count.describe('non-empty cells'),
    missing: count.describe('empty cells'),
    distinct: count.describe('distinct values kept (at most the cap)'),
    truncated: z.boolean().describe('more distinct values than the cap: the rest are counted in otherCount'),
    values: z.record(z.string(), count).describe('value → count (values of sensitive columns are hashed)'),
    otherCount: count,
  })
  .strict();

export const ColumnProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);

/** Per-column profile of one dataset, kept with a run so the next run can measure drift against it. */
export const ProfileSchema = z
  .object({
    rowCount: count,
    columns: z.record(z.string(), ColumnProfileSchema),
  })
  .strict();

export type Sketch = z.infer<typeof SketchSchema>;
export type NumericProfile = z.infer<typeof NumericProfileSchema>;
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
