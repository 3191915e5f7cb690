import type { Sketch } from './schema';

/** Relative accuracy α of every sketch: quantiles read from it are within 1 % of the true value. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Bucket indexes are clamped to ±MAX_INDEX (magnitudes ~4e-18 to ~2e17), which bounds memory. */
const MAX_INDEX = 2000;
const OFFSET = MAX_INDEX + 1;
const CENTER = 2 * MAX_INDEX + 1;
const SMALL_INTEGERS = 1024;

function bucketIndex(magnitude: number): number {
  const index = Math.ceil(Math.log(magnitude) / LOG_GAMMA);
  return Math.max(-MAX_INDEX, Math.min(MAX_INDEX, index));
}

/** Precomputed indexes of 1..1023: integer columns are the common case. */
const SMALL_INDEX = Int16Array.from({ length: SMALL_INTEGERS }, (_, i) => (i === 0 ? 0 : bucketIndex(i)));

/**
 * Signed, order-preserving bucket ordinal of a value: 0 for zero, positive for positive values, negative
 * for negative ones, and a larger ordinal always means a larger value.
 */
export function ordinalOf(value: number): number {
  if (value === 0) return 0;
  const magnitude = Math.abs(value);
  const index =
    magnitude < SMALL_INTEGERS && Number.isInteger(magnitude)
      ? (SMALL_INDEX[magnitude] as number)
      : bucketIndex(magnitude);
  return value > 0 ? index + OFFSET : -(index + OFFSET);
}

/** Accumulates a sketch in a fixed array of counts (about 64 KiB a column), serialised sparsely. */
export class SketchBuilder {
  private readonly counts = new Float64Array(2 * CENTER + 1);

  add(value: number): void {
    const slot = ordinalOf(value) + CENTER;
    this.counts[slot] = (this.counts[slot] as number) + 1;
  }

  toJSON(): Sketch {
    const bins: Record<string, number> = {};
    this.counts.forEach((n, slot) => {
      if (n > 0) bins[String(slot - CENTER)] = n;
    });
    return { relativeAccuracy: RELATIVE_ACCURACY, bins };
  }
}

/** A sketch's buckets as [ordinal, count] pairs in ascending order of value. */
export function sketchEntries(sketch: Sketch): Array<[number, number]> {
  return Object.entries(sketch.bins)
    .map(([ordinal, n]): [number, number] => [Number(ordinal), n])
    .sort((a, b) => a[0] - b[0]);
}
