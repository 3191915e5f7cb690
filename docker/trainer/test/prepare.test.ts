import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '@mlops/core';
import { profileDataset, ProfileSchema } from '@mlops/data-quality';
import { describe, expect, it } from 'vitest';
import { csvLine, parseCsvText } from '../src/csv';
import { runPrepare } from '../src/prepare';
import { assignSplit } from '../src/split';
import { tempDir } from './helpers';
import { toyConfig, toyCsv } from './synthetic';

function setUp(dataset: string, score?: string): string {
  const root = tempDir('prepare-');
  mkdirSync(join(root, 'processing', 'input', 'data'), { recursive: true });
  mkdirSync(join(root, 'processing', 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'processing', 'input', 'data', 'employees.csv'), dataset);
  writeFileSync(join(root, 'processing', 'input', 'config', 'pipeline.json'), JSON.stringify(toyConfig()));
  if (score !== undefined) {
    mkdirSync(join(root, 'processing', 'input', 'score'), { recursive: true });
    writeFileSync(join(root, 'processing', 'input', 'score', 'new.csv'), score);
  }
  return root;
}

const output = (root: string, path: string) => readFileSync(join(root, 'processing', 'output', path), 'utf8');
const records = (text: string) => {
  const rows: string[][] = [];
  parseCsvText(text, (fields) => rows.push(fields));
  return rows;
};
const quiet = () => undefined;

describe('prepare', () => {
  it('splits by row key and writes every output of the contract', async () => {
    const source = '\ufeff' + toyCsv(3000).replace(/\n/g, '\r\n');
    const root = setUp(source);

    const summary = await runPrepare(root, quiet);

    const original = records(source);
    const header = original[0]!;
    // A line break inside a value reads as a space in every prepared file (batch transform splits on lines).
    const byKey = new Map(original.slice(1).map((r) => [r[0]!, r.map((v) => v.replace(/\r?\n/g, ' '))]));
    const seen = new Set<string>();
    for (const split of ['train', 'validation', 'test'] as const) {
      const rows = records(output(root, `${split}/data.csv`));
      expect(rows[0]).toEqual(header);
      expect(rows.length - 1).toBe(summary.rows[split]);
      for (const row of rows.slice(1)) {
        expect(row).toEqual(byKey.get(row[0]!));
        expect(assignSplit(row[0]!, toyConfig().split)).toBe(split);
        seen.add(row[0]!);
      }
      const positives = rows.slice(1).filter((r) => r[1] === 'Yes').length;
      expect(summary.positives[split]).toBe(positives);
      expect(summary.positiveRate[split]).toBe(positives / summary.rows[split]);
    }
    expect(seen.size).toBe(3000);
    expect(summary.featureColumns).toEqual(['Age', 'Income', 'Dept', 'OverTime', 'Rating']);
    expect(summary.scoreRows).toBe(3000);

    for (const split of ['validation', 'test'] as const) {
      const transform = records(output(root, `transform/eval/${split}.csv`));
      expect(transform).toHaveLength(summary.rows[split]);
      const labels = records(output(root, `labels/${split}.csv`));
      expect(labels[0]).toEqual(['key', 'label']);
      transform.forEach((row, i) => {
        const source = byKey.get(row[0]!)!;
        expect(row).toEqual([source[0], source[2], source[3], source[4], source[5], source[6]]);
        expect(labels[i + 1]).toEqual([row[0], source[1] === 'Yes' ? '1' : '0']);
      });
    }
    expect(records(output(root, 'transform/score/score.csv'))).toHaveLength(3000);
  });

  it('escapes formula-like cells in every file it writes, and the container reads back the original text', async () => {
    const root = setUp(toyCsv(600));

    await runPrepare(root, quiet);

    const files = ['train/data.csv', 'validation/data.csv', 'test/data.csv'];
    const texts = files.map((f) => output(root, f));
    for (const text of [...texts, output(root, 'transform/score/score.csv')]) {
      // No cell a spreadsheet would evaluate: every formula-like value is written "'=…".
      expect(text).not.toMatch(/(^|,)[=@]/m);
    }
    for (const text of texts) expect(text).toMatch(/,"'=SUM\(A1:A2\)"$/m);
    const notes = texts.flatMap((text) =>
      records(text)
        .slice(1)
        .map((r) => r[8]),
    );
    expect(notes).toContain('=SUM(A1:A2)');
    expect(notes).not.toContain("'=SUM(A1:A2)");
  });

  it('writes one record per line in the headerless transform inputs, whatever the line breaks inside values', async () => {
    const dataset =
      'Id,Left,Age,Income,Dept,OverTime,Rating,Ignored,Notes\n1,Yes,30,1,"Human\r\nResources",No,2,1,"a\nb"\n';
    const root = setUp(dataset + toyCsv(300).split('\n').slice(1).join('\n').replace(/^1,/, '9999,'));

    const summary = await runPrepare(root, quiet);

    const score = output(root, 'transform/score/score.csv');
    expect(score.trimEnd().split('\n')).toHaveLength(summary.scoreRows);
    expect(score.startsWith('1,30,1,Human Resources,No,2\n')).toBe(true);
  });

  it('writes the profile of the whole dataset, as the data-quality evaluator computes it', async () => {
    const text = toyCsv(800);
    const root = setUp(text);

    await runPrepare(root, quiet);

    const profile = ProfileSchema.parse(JSON.parse(output(root, 'profile.json')));
    expect(profile).toEqual(await profileDataset({ input: Readable.from([text]), config: toyConfig() }));
    expect(profile.rowCount).toBe(800);
    expect(profile.columns.Age).toMatchObject({ kind: 'numeric', count: 800 });
    expect(profile.columns.Dept).toMatchObject({ kind: 'categorical', distinct: 3 });
  });

  it('reports stratification: every split keeps about the overall positive rate', async () => {
    const summary = await runPrepare(setUp(toyCsv(4000, 2)), quiet);
    const total = summary.rows.train + summary.rows.validation + summary.rows.test;
    const overall = (summary.positives.train + summary.positives.validation + summary.positives.test) / total;
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(Math.abs(summary.positiveRate[split] - overall)).toBeLessThan(0.05);
      expect(summary.rows[split] / total).toBeCloseTo(toyConfig().split[split], 1);
    }
  });

  it('keeps every unchanged row in its split when rows are added or removed', async () => {
    const before = toyCsv(1000, 3);
    const kept = records(before).filter((_, i) => i % 10 !== 5);
    const added = records(toyCsv(500, 4, 5000)).slice(1);
    const after = [...kept, ...added].map(csvLine).join('\n');
    const first = setUp(before);
    const second = setUp(after);
    await runPrepare(first, quiet);
    await runPrepare(second, quiet);
    const splitOf = (root: string) => {
      const map = new Map<string, string>();
      for (const split of ['train', 'validation', 'test'])
        for (const row of records(output(root, `${split}/data.csv`)).slice(1)) map.set(row[0]!, split);
      return map;
    };
    const a = splitOf(first);
    const b = splitOf(second);
    let compared = 0;
    for (const [key, split] of b) {
      if (!a.has(key)) continue;
      expect(a.get(key)).toBe(split);
      compared++;
    }
    expect(compared).toBe(900);
  });

  it('scores the score input when there is one, with only the row key and features', async () => {
    const score = 'Notes,OverTime,Id,Age,Dept,Income\n"x, y",Yes,9001,33,HR,5000\nz,No,9002,51,Sales,7000.5\n';
    const root = setUp(toyCsv(500), score);
    const summary = await runPrepare(root, quiet);
    expect(summary.scoreRows).toBe(2);
    expect(output(root, 'transform/score/score.csv')).toBe('9001,33,5000,HR,Yes,\n9002,51,7000.5,Sales,No,\n');
  });

  it('fails when a split lacks a class', async () => {
    const tiny = 'Id,Left,Age,Income,Dept,OverTime\n1,Yes,30,1,HR,No\n2,No,31,2,HR,No\n3,No,40,3,HR,Yes\n';
    await expect(runPrepare(setUp(tiny), quiet)).rejects.toThrow(InputError);
    await expect(runPrepare(setUp(tiny), quiet)).rejects.toThrow(/every split needs at least one row of each class/);
  });

  it('fails on an unknown label or a required column missing, naming the file and line', async () => {
    await expect(runPrepare(setUp('Id,Left,Age,Income,Dept,OverTime\n1,Maybe,30,1,HR,No\n'), quiet)).rejects.toThrow(
      /employees.csv: line 2: target Left is "Maybe"/,
    );
    await expect(runPrepare(setUp('Id,Left,Age,Income,Dept\n1,Yes,30,1,HR\n'), quiet)).rejects.toThrow(
      /column OverTime is missing/,
    );
  });
});
