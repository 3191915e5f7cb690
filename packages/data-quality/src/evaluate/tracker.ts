/** How many example rows a failure keeps. */
export const MAX_EXAMPLES = 5;

/** Counts failing rows and keeps the first few row numbers as examples (bounded memory). */
export class FailureTracker {
  count = 0;
  readonly examples: number[] = [];

  /** Record that `row` failed. */
  add(row: number): void {
    this.count += 1;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(row);
  }

  /** `failedRowCount`/`exampleRows` fields, present only when something failed. */
  fields(): { failedRowCount?: number; exampleRows?: number[] } {
    return this.count === 0 ? {} : { failedRowCount: this.count, exampleRows: this.sortedExamples() };
  }

  /** "3 rows (rows 2, 5, 9)"-style text for messages. */
  describe(noun = 'rows'): string {
    const more = this.count > this.examples.length ? ', ...' : '';
    return `${this.count} ${noun} (row${this.examples.length > 1 ? 's' : ''} ${this.sortedExamples().join(', ')}${more})`;
  }

  private sortedExamples(): number[] {
    return [...this.examples].sort((a, b) => a - b);
  }
}
