import { SketchBuilder } from '../profile/sketch';
import type { RowDispatcher } from './dispatch';
import { FailureTracker } from './tracker';
import type { CellView } from './cell';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Everything the column-level rules and the profile need from one column, gathered by a single callback
 * per cell (many rules read the same column; one shared pass keeps the per-row cost low): nulls, cells
 * that are not numbers or not 32-bit integers (with example rows), and moments, range and sketch of the
 * numbers. Moments use shifted sums (shift = first value), stable for data far from zero.
 */
export class ColumnStats {
  readonly nulls = new FailureTracker();
  readonly notNumber = new FailureTracker();
  readonly notInteger = new FailureTracker();
  readonly sketch = new SketchBuilder();
  count = 0;
  min = Infinity;
  max = -Infinity;
  private shift = 0;
  private shiftedSum = 0;
  private shiftedSquares = 0;

  /** Take one cell (an arrow property, so the dispatcher can call it without a wrapper). */
  readonly accept = (cell: CellView): void => {
    const { num, row } = cell;
    if (cell.isNull) return this.nulls.add(row);
    if (Number.isNaN(num)) {
      this.notNumber.add(row);
      return this.notInteger.add(row);
    }
    if (!(cell.integer && num >= INT32_MIN && num <= INT32_MAX)) this.notInteger.add(row);
    if (this.count === 0) this.shift = num;
    this.count += 1;
    const d = num - this.shift;
    this.shiftedSum += d;
    this.shiftedSquares += d * d;
    if (num < this.min) this.min = num;
    if (num > this.max) this.max = num;
    this.sketch.add(num);
  };

  /** Cells that are not null. */
  get nonNull(): number {
    return this.count + this.notNumber.count;
  }

  get sum(): number {
    return this.shift * this.count + this.shiftedSum;
  }

  get mean(): number {
    return this.shift + this.shiftedSum / this.count;
  }

  /** Population standard deviation. */
  get std(): number {
    const m = this.shiftedSum / this.count;
    return Math.sqrt(Math.max(0, this.shiftedSquares / this.count - m * m));
  }
}

/**
 * The shared ColumnStats of `column`, registered with the dispatcher on first use; undefined when the
 * header lacks the column. `numbers` asks the dispatcher to parse the column's cells as numbers.
 */
export function columnStats(dispatcher: RowDispatcher, column: string, numbers = false): ColumnStats | undefined {
  if (dispatcher.indexOf(column) === -1) return undefined;
  const stats = dispatcher.shared(`stats:${column}`, () => {
    const created = new ColumnStats();
    dispatcher.on(column, created.accept);
    return created;
  });
  if (numbers) dispatcher.requireNumbers(column);
  return stats;
}
