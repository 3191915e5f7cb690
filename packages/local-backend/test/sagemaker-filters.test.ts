import { describe, expect, it } from 'vitest';
import { compileFilter, csvFields, filterCsvLine, filterJoinedCsvLine } from '../src/sagemaker/filters';

const EXPRESSIONS = ['$', '$[1:]', '$[0,-10:]', '$[0]', '$[-1]', '$[2:5]', '$[-3:-1]', '$[1:-1]', '$[0,5:]', '$[-0]', '$[-0:]', '$[3:1]', '$[-2:1]', '$[:2]', '$[:-2]', '$[0,0]', '$[-4:3]', '$[2:-0]'];

/** A quote-free line of `count` fields, some of them empty. */
const line = (count: number, tag: string) => Array.from({ length: count }, (_, i) => (i % 4 === 3 ? '' : `${tag}${i}`)).join(',');

describe('filterCsvLine / filterJoinedCsvLine', () => {
  it('cut every line as splitting it into fields and filtering would, whatever its length', () => {
    for (const expression of EXPRESSIONS) {
      const filter = compileFilter(expression);
      for (let count = 0; count <= 14; count++) {
        const record = line(count, 'r');
        expect(filterCsvLine(record, filter.select, filter.cut), `${expression} on ${count} fields`).toBe(filter(csvFields(record)).join(','));
        for (let answered = 0; answered <= 12; answered += 3) {
          const answer = line(answered, 'a');
          expect(filterJoinedCsvLine(record, answer, filter.select, filter.cut), `${expression} on ${count} + ${answered} fields`).toBe(
            filter(csvFields(`${record},${answer}`)).join(','),
          );
        }
      }
    }
  });

  it('locate the runs of index and slice unions from the ends only', () => {
    expect(compileFilter('$[1:]').cut).toMatchObject({ ahead: 1, behind: 0 });
    expect(compileFilter('$[0,-10:]').cut).toMatchObject({ ahead: 1, behind: 10 });
    expect(compileFilter('$[-2:1]').cut).toBeUndefined();
    expect(filterJoinedCsvLine('k,1,2', '0.9,1', compileFilter('$[0,-2:]').select, compileFilter('$[0,-2:]').cut)).toBe('k,0.9,1');
    expect(filterCsvLine('"a,b",c,d', compileFilter('$[1:]').select, compileFilter('$[1:]').cut)).toBe('c,d');
  });
});
