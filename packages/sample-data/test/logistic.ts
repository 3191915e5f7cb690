/**
 * A deliberately small logistic regression (standardised numeric + one-hot features, full-batch gradient descent)
 * and a rank-based ROC AUC: enough to check that a generated problem is learnable without a model library.
 */
import type { Table } from './helpers';

type Encoder = (row: Record<string, string>) => number[];

function buildEncoder(rows: Record<string, string>[], columns: string[]): Encoder {
  const parts = columns.map((column) => {
    const values = rows.map((r) => r[column] ?? '');
    const numeric = values.every((v) => v === '' || Number.isFinite(Number(v)));
    if (numeric) {
      const xs = values.map((v) => (v === '' ? 0 : Number(v)));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
      return (r: Record<string, string>) => [((r[column] === '' ? 0 : Number(r[column])) - mean) / sd];
    }
    const levels = [...new Set(values)].sort().slice(1);
    return (r: Record<string, string>) => levels.map((level) => (r[column] === level ? 1 : 0));
  });
  return (row) => [1, ...parts.flatMap((encode) => encode(row))];
}

/** ROC AUC by the rank-sum formula (ties get the average rank). */
export function rocAuc(scores: number[], labels: number[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] ?? 0] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  const rankSum = labels.reduce((acc, y, i) => acc + (y === 1 ? (ranks[i] ?? 0) : 0), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Train on the first `trainShare` of rows, return the test ROC AUC. */
export function holdoutAuc(table: Table, target: string, positive: string, drop: string[], trainShare = 0.8): number {
  const features = table.header.filter((c) => c !== target && !drop.includes(c));
  const cut = Math.floor(table.rows.length * trainShare);
  const train = table.rows.slice(0, cut);
  const test = table.rows.slice(cut);
  const encode = buildEncoder(train, features);
  const x = train.map(encode);
  const y = train.map((r) => (r[target] === positive ? 1 : 0));
  const w = new Array<number>(x[0]?.length ?? 0).fill(0);
  for (let iter = 0; iter < 300; iter++) {
    const grad = new Array<number>(w.length).fill(0);
    x.forEach((xi, i) => {
      const p = 1 / (1 + Math.exp(-xi.reduce((acc, v, k) => acc + v * (w[k] ?? 0), 0)));
      const err = p - (y[i] ?? 0);
      xi.forEach((v, k) => (grad[k] = (grad[k] ?? 0) + err * v));
    });
    grad.forEach((g, k) => (w[k] = (w[k] ?? 0) - (0.5 * g) / x.length));
  }
  const scores = test.map((r) => encode(r).reduce((acc, v, k) => acc + v * (w[k] ?? 0), 0));
  return rocAuc(
    scores,
    test.map((r) => (r[target] === positive ? 1 : 0)),
  );
}
