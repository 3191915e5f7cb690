import { featureColumns, parsePipelineConfig, type PipelineConfig, type PipelineConfigInput } from '@mlops/core';
import { LineWriter } from '../src/csv';
import { mulberry32 } from '../src/gbt';

/** A small pipeline config: numeric, category, optional and free-text columns. */
export function toyConfigInput(): PipelineConfigInput {
  return {
    name: 'toy',
    dataset: {
      target: 'Left',
      positiveLabel: 'Yes',
      negativeLabel: 'No',
      rowKey: 'Id',
      ignore: ['Ignored'],
      columns: {
        Id: { type: 'integer' },
        Left: { type: 'category' },
        Age: { type: 'integer' },
        Income: { type: 'number' },
        Dept: { type: 'category' },
        OverTime: { type: 'category' },
        Rating: { type: 'integer', required: false },
        Ignored: { type: 'integer', required: false },
        Notes: { type: 'string', required: false },
      },
    },
    split: { train: 0.6, validation: 0.2, test: 0.2, salt: 'toy-v1' },
    tuning: { ranges: {} },
  };
}

export function toyConfig(): PipelineConfig {
  return parsePipelineConfig(toyConfigInput());
}

const DEPTS = ['Sales', 'R&D', 'HR'];
const NOTES = ['', 'plain note', 'has, a comma', 'says "hi"', '=SUM(A1:A2)', 'two\nlines'];

function quote(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Toy attrition rows with a known logistic ground truth; every 7th row misses Rating, notes hold commas,
 * quotes and line breaks. Returns the CSV text (header first, '\n' line ends).
 */
export function toyCsv(rows: number, seed = 1, firstId = 1): string {
  const random = mulberry32(seed);
  const lines = ['Id,Left,Age,Income,Dept,OverTime,Rating,Ignored,Notes'];
  for (let i = 0; i < rows; i++) {
    const age = 20 + Math.floor(random() * 40);
    const income = Math.round((2000 + random() * 8000) * 100) / 100;
    const dept = DEPTS[Math.floor(random() * DEPTS.length)] as string;
    const overtime = random() < 0.3 ? 'Yes' : 'No';
    const rating = 1 + Math.floor(random() * 4);
    const logit =
      -1 -
      0.06 * (age - 40) -
      0.0003 * (income - 6000) +
      (overtime === 'Yes' ? 1.6 : 0) +
      (dept === 'Sales' ? 0.7 : 0) -
      0.3 * (rating - 2.5);
    const left = random() < 1 / (1 + Math.exp(-logit)) ? 'Yes' : 'No';
    const note = NOTES[i % NOTES.length] as string;
    const ratingText = i % 7 === 3 ? '' : String(rating);
    lines.push(`${firstId + i},${left},${age},${income},${dept},${overtime},${ratingText},1,${quote(note)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Streams `rows` synthetic rows for any pipeline config to `path` (constant memory): integers 0..99,
 * numbers ~ N(50, 15), categories with 2-9 levels, target from a random logistic model over the features.
 */
export function writeSyntheticDataset(path: string, config: PipelineConfig, rows: number, seed = 7): void {
  const random = mulberry32(seed);
  const { dataset } = config;
  const names = Object.keys(dataset.columns);
  const features = new Set(featureColumns(config));
  const levels = new Map(
    names.map((n, k) => [n, Array.from({ length: 2 + (k % 8) }, (_, l) => `${n.slice(0, 3)}${l}`)]),
  );
  const effects = new Map(names.map((n) => [n, Array.from({ length: 10 }, () => (random() - 0.5) * 0.8)]));
  /** A value for column `name` and its effect on the logit. */
  const draw = (name: string): [string, number] => {
    const effect = effects.get(name) as number[];
    const weight = features.has(name) ? 1 : 0;
    if (dataset.columns[name]?.type === 'category') {
      const options = levels.get(name) as string[];
      const k = Math.floor(random() * options.length);
      return [options[k] as string, weight * (effect[k] as number)];
    }
    const x =
      dataset.columns[name]?.type === 'integer'
        ? Math.floor(random() * 100)
        : Math.round((50 + 15 * gaussian(random)) * 1000) / 1000;
    return [String(x), (weight * (effect[0] as number) * (x - 50)) / 25];
  };
  const out = new LineWriter(path);
  out.write(names.join(','));
  for (let i = 0; i < rows; i++) {
    const values: string[] = [];
    let logit = -1.2;
    for (const name of names) {
      if (name === dataset.rowKey || name === dataset.target) {
        values.push(name === dataset.rowKey ? String(100000 + i) : '');
        continue;
      }
      const [value, effect] = draw(name);
      values.push(value);
      logit += effect;
    }
    values[names.indexOf(dataset.target)] =
      random() < 1 / (1 + Math.exp(-logit)) ? dataset.positiveLabel : dataset.negativeLabel;
    out.write(values.join(','));
  }
  out.close();
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
