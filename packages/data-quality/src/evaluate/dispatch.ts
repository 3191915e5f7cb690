import type { CsvRow } from '../csv/row';
import { CellView, InternTable } from './cell';

/** Receives one cell. The CellView is reused: read it during the call, copy `text()` to keep it. */
export type CellFn = (cell: CellView) => void;

interface Tap {
  index: number;
  numbers: boolean;
  blankIsNull: boolean;
  fns: CellFn[];
  /** Text columns reuse one string per distinct value while they have few of them. */
  intern: InternTable | undefined;
}

/**
 * Routes each row's cells to the evaluators and profilers that asked for a column, classifying every
 * cell once: null when empty (and, in columns the config declares numeric, when only whitespace, as
 * Spark reads a typed CSV column), and parsed to a number once when any consumer needs numbers.
 */
export class RowDispatcher {
  private readonly taps = new Map<number, Tap>();
  private readonly sharedState = new Map<string, unknown>();

  constructor(
    readonly header: readonly string[],
    private readonly numericColumns: ReadonlySet<string>,
  ) {}

  /** Index of a column in the header (its first occurrence), or -1. */
  indexOf(column: string): number {
    return this.header.indexOf(column);
  }

  /** Ask for `column`'s cells; false (and nothing registered) when the header lacks it. */
  on(column: string, fn: CellFn, options: { numbers?: boolean } = {}): boolean {
    const tap = this.tap(column);
    if (!tap) return false;
    tap.numbers ||= options.numbers === true;
    tap.fns.push(fn);
    return true;
  }

  /** Have `column`'s cells parsed as numbers for every consumer (`cell.num`). */
  requireNumbers(column: string): void {
    const tap = this.tap(column);
    if (tap) tap.numbers = true;
  }

  /**
   * State that several rules can share instead of each building its own (say, the Map of values that
   * both the built-in and a DQDL IsUnique on the row key need). `create` runs once per key.
   */
  shared<T>(key: string, create: () => T): T {
    if (!this.sharedState.has(key)) this.sharedState.set(key, create());
    return this.sharedState.get(key) as T;
  }

  /** The per-row function: call it with each data row and its 1-based row number. */
  rowFunction(): (row: CsvRow, rowNumber: number) => void {
    const taps = [...this.taps.values()].filter((t) => t.fns.length > 0).sort((a, b) => a.index - b.index);
    const cell = new CellView();
    return (row, rowNumber) => {
      cell.row = rowNumber;
      const { fields, source, bounds, count } = row;
      for (let t = 0; t < taps.length; t += 1) {
        const tap = taps[t] as Tap;
        const i = tap.index;
        if (i >= count) cell.load('', 0, 0, tap.blankIsNull, tap.numbers);
        else if (fields) {
          const text = fields[i] as string;
          cell.load(text, 0, text.length, tap.blankIsNull, tap.numbers);
        } else {
          const end = (bounds[i + 1] as number) - 1;
          cell.load(source, bounds[i] as number, end, tap.blankIsNull, tap.numbers, tap.intern);
        }
        const fns = tap.fns;
        for (let f = 0; f < fns.length; f += 1) (fns[f] as CellFn)(cell);
      }
    };
  }

  private tap(column: string): Tap | undefined {
    const index = this.indexOf(column);
    if (index === -1) return undefined;
    let tap = this.taps.get(index);
    if (!tap) {
      const declaredNumeric = this.numericColumns.has(column);
      const intern = declaredNumeric ? undefined : new InternTable();
      tap = { index, numbers: declaredNumeric, blankIsNull: declaredNumeric, fns: [], intern };
      this.taps.set(index, tap);
    }
    return tap;
  }
}
