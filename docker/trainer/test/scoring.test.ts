import { beforeAll, describe, expect, it } from 'vitest';
import { ByteOutput } from '../src/byte-output';
import { fastNumber } from '../src/csv-scan';
import { RowError } from '../src/errors';
import { parseHyperparameters } from '../src/hyperparameters';
import { scoreCsv, scoreJson, type ScoringOptions } from '../src/invocations';
import { mulberry32 } from '../src/gbt';
import { CompiledModel, type ModelArtifact } from '../src/model';
import { datasetSpec } from '../src/table';
import { trainModel } from '../src/train';
import { tableFromCsv } from './helpers';
import { toyConfig, toyCsv } from './synthetic';

const options: ScoringOptions = { threshold: 0.5, modelVersion: '7', runId: 'run,1', topK: 3 };
const logit = (p: number) => Math.log(p / (1 - p));
let logistic: CompiledModel;
let boosted: CompiledModel;

beforeAll(async () => {
  const spec = datasetSpec(toyConfig());
  const train = await tableFromCsv(toyCsv(1500, 11), spec);
  const validation = await tableFromCsv(toyCsv(500, 12, 5000), spec);
  const fit = (hp: Record<string, string>): ModelArtifact =>
    trainModel(train, validation, spec, parseHyperparameters(hp)).artifact;
  logistic = new CompiledModel(fit({ model: 'logistic', l2: '1' }));
  boosted = new CompiledModel(fit({ model: 'gbt', n_estimators: '30' }));
});

// inputColumns: Age, Income, Dept, OverTime, Rating (Rating optional)
describe('scoreCsv', () => {
  it('writes probability,label,model_version,run_id and the top-K contributions by |c|', () => {
    const out = scoreCsv(logistic, '30,4000,Sales,Yes,2\n55,9000.5,HR,No,4\n', options).toString();
    const lines = out.split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const fields = line.replace('"run,1"', 'RUN').split(',');
      expect(fields).toHaveLength(4 + 2 * 3);
      expect(fields.slice(2, 4)).toEqual(['7', 'RUN']);
      const p = Number(fields[0]);
      expect(fields[1]).toBe(p >= 0.5 ? '1' : '0');
      const magnitudes = [5, 7, 9].map((i) => Math.abs(Number(fields[i])));
      expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
      expect(logistic.inputColumns).toContain(fields[4]);
    }
  });

  it('gives the same bytes on the allocation-free path and the RFC 4180 path', () => {
    const random = mulberry32(3);
    const rows = Array.from({ length: 300 }, (_, i) =>
      [
        20 + Math.floor(random() * 40),
        (random() * 9000).toFixed(2),
        ['Sales', 'HR', 'R&D', 'Nope'][i % 4],
        i % 2 ? 'Yes' : 'No',
        i % 5 ? String(i % 4) : '',
      ].join(','),
    );
    const plain = rows.join('\r\n');
    const quoted = rows.map((r) => r.replace(/,(Sales|HR)/, ',"$1"')).join('\n');
    for (const model of [logistic, boosted]) {
      expect(scoreCsv(model, quoted, options).toString()).toBe(scoreCsv(model, plain, options).toString());
    }
  });

  it('reads numbers exactly like Number() on the fast path', () => {
    for (const text of [
      '0',
      '-0',
      '12',
      '+7',
      '3.25',
      '-0.000123',
      '.5',
      '5.',
      '123456789012345',
      '0.1',
      '2.675',
      '1e3',
      ' 4',
      '1.2.3',
      '',
      '-',
      'abc',
    ]) {
      const fast = fastNumber(`${text},x`, 0, text.length);
      if (Number.isFinite(fast)) expect(Object.is(fast, Number(text))).toBe(true);
      else if (text === '') expect(fast).toBeNaN();
      else expect(fast).toBe(Infinity);
    }
  });

  it('answers one line per input line and honours TOP_K', () => {
    const plain = { ...options, runId: 'r1' };
    expect(
      scoreCsv(logistic, '30,4000,Sales,Yes,2', { ...plain, topK: 0 })
        .toString()
        .split(','),
    ).toHaveLength(4);
    expect(
      scoreCsv(logistic, '30,4000,Sales,Yes,2', { ...plain, topK: 50 })
        .toString()
        .split(','),
    ).toHaveLength(4 + 2 * 5);
    expect(scoreCsv(logistic, '', options).toString()).toBe('');
  });

  it('rejects a line with the wrong column count, naming the line', () => {
    const body = '30,4000,Sales,Yes,2\n30,4000,Sales,Yes\n';
    expect(() => scoreCsv(logistic, body, options)).toThrow(RowError);
    expect(() => scoreCsv(logistic, body, options)).toThrow(
      'line 2: expected 5 columns (Age,Income,Dept,OverTime,Rating), got 4',
    );
    expect(() => scoreCsv(logistic, '1,2,"A",B,3,4\n', options)).toThrow('line 1: expected 5 columns');
    expect(() => scoreCsv(logistic, '30,4000,Sales,Yes,2,9\n', options)).toThrow('got 6');
  });

  it('rejects a value that is not a number in a numeric column', () => {
    expect(() => scoreCsv(logistic, '30,4000,Sales,Yes,2\n\n30,lots,Sales,Yes,2\n', options)).toThrow(
      'line 3: column Income: "lots" is not a number',
    );
  });
});

describe('unknown categories and missing values', () => {
  it('encodes an unknown category as all-zero one-hot: no contribution', () => {
    for (const model of [logistic]) {
      const [known, unknown] = scoreJson(
        model,
        {
          instances: [
            { Age: 30, Income: 4000, Dept: 'Sales', OverTime: 'Yes', Rating: 2 },
            { Age: 30, Income: 4000, Dept: 'Finance', OverTime: 'Yes', Rating: 2 },
          ],
        },
        options,
      ).predictions;
      expect(unknown!.contributions.Dept).toBe(0);
      expect(known!.contributions.Dept).not.toBe(0);
      expect(unknown!.contributions.Age).toBe(known!.contributions.Age);
    }
  });

  it('imputes a missing optional numeric with the training mean (zero after standardisation)', () => {
    const [absent, nullValue, empty] = scoreJson(
      logistic,
      {
        instances: [
          { Age: 30, Income: 4000, Dept: 'HR', OverTime: 'No' },
          { Age: 30, Income: 4000, Dept: 'HR', OverTime: 'No', Rating: null },
          { Age: '30', Income: '4000', Dept: 'HR', OverTime: 'No', Rating: '' },
        ],
      },
      options,
    ).predictions;
    expect(absent!.contributions.Rating).toBe(0);
    expect(nullValue!.probability).toBe(absent!.probability);
    expect(empty!.probability).toBe(absent!.probability);
    const mean = logistic.means[4]!;
    const atMean = scoreJson(
      logistic,
      { instances: [{ Age: 30, Income: 4000, Dept: 'HR', OverTime: 'No', Rating: mean }] },
      options,
    ).predictions[0]!;
    expect(atMean.probability).toBeCloseTo(absent!.probability, 15);
    const csv = scoreCsv(logistic, '30,4000,HR,No,', options).toString();
    expect(Number(csv.split(',')[0])).toBeCloseTo(absent!.probability, 11);
  });

  it('returns every contribution in JSON, adding up to logit(probability) with baseValue', () => {
    for (const model of [logistic, boosted]) {
      const instances = [
        { Age: 41, Income: 5123.5, Dept: 'R&D', OverTime: 'Yes', Rating: 3 },
        { Age: 23, Dept: 'Nope' },
      ];
      for (const p of scoreJson(model, { instances }, options).predictions) {
        expect(Object.keys(p.contributions)).toEqual([...model.inputColumns]);
        const sum = Object.values(p.contributions).reduce((a, b) => a + b, p.baseValue);
        expect(Math.abs(sum - logit(p.probability))).toBeLessThan(1e-9);
      }
    }
  });

  it('rejects malformed JSON instances with their number', () => {
    expect(() => scoreJson(logistic, { instances: [{ Age: 1 }, { Age: 'old' }] }, options)).toThrow(
      'instance 2: column Age: "old" is not a number',
    );
    expect(() => scoreJson(logistic, { instances: [{ Age: [1] }] }, options)).toThrow('instance 1: column Age');
    expect(() => scoreJson(logistic, { rows: [] }, options)).toThrow();
  });
});

describe('ByteOutput.number', () => {
  const write = (x: number) => {
    const out = new ByteOutput(4);
    out.number(x);
    return out.finish().toString();
  };

  it('writes at most 12 decimals without trailing zeros, and extreme values as JavaScript does', () => {
    expect([0, 1, -2, 0.5, 0.25, -1.5, 0.1 + 0.2, 123.000001, 998.9999999999999, 999.9999999999999].map(write)).toEqual(
      ['0', '1', '-2', '0.5', '0.25', '-1.5', '0.3', '123.000001', '999', '999.9999999999999'],
    );
    expect([1e-7, -3e-9, 1234.5, 1e21, NaN, -0].map(write)).toEqual(['1e-7', '-3e-9', '1234.5', '1e+21', 'NaN', '0']);
  });

  it('round-trips within 5e-13 absolute', () => {
    const random = mulberry32(5);
    for (let i = 0; i < 2000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 5);
      expect(Math.abs(Number(write(x)) - x)).toBeLessThanOrEqual(5e-13 * Math.max(1, Math.abs(x)));
    }
  });
});
