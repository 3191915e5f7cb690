import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodedFeatureNames } from '../src/encoder';
import { fitLogistic, sigmoid, solveCholesky } from '../src/logistic';
import { rocAuc, logLossFromLogits } from '../src/metrics';
import { CompiledModel } from '../src/model';
import { parseHyperparameters } from '../src/hyperparameters';
import { scoreEncoded, trainModel } from '../src/train';
import { encoded, referenceSpec, tableFromCsv } from './helpers';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const reference = JSON.parse(fixture('logistic_reference.json')) as {
  features: string[];
  fits: Record<string, { intercept: number; weights: number[] }>;
};

describe('fitLogistic', () => {
  it.each(['0.1', '2.0'])('matches scikit-learn LogisticRegression(C = 1 / l2) at l2 = %s', async (l2) => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { encoders, rows } = encoded(table);
    expect(encodedFeatureNames(encoders)).toEqual(reference.features);

    const fit = fitLogistic(rows, table.labels, reference.features.length, Number(l2));

    const expected = reference.fits[l2]!;
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(expected.intercept, 6);
    fit.weights.forEach((w, k) => expect(w).toBeCloseTo(expected.weights[k]!, 6));
  });

  it('reaches the same solution with a subsampled Hessian (only the path changes)', async () => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { rows } = encoded(table);
    const exact = fitLogistic(rows, table.labels, 8, 0.5);
    const subsampled = fitLogistic(rows, table.labels, 8, 0.5, { hessianRows: 37 });
    expect(subsampled.converged).toBe(true);
    expect(Math.abs(subsampled.intercept - exact.intercept)).toBeLessThan(1e-8);
    subsampled.weights.forEach((w, k) => expect(Math.abs(w - exact.weights[k]!)).toBeLessThan(1e-8));
  });

  it('converges with a tiny l2, where only the penalty separates the intercept from the one-hot levels', async () => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { rows } = encoded(table);
    const fit = fitLogistic(rows, table.labels, 8, 1e-6);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(30);
    const loose = fitLogistic(rows, table.labels, 8, 1e-6, { tolerance: 1e-6 });
    // Predictions agree even if the collinear direction (intercept + c, levels of c − c) is pinned down loosely.
    const logits = (f: typeof fit) => [0, 1, 2].map((i) => f.intercept + f.weights[3 + i]! + f.weights[6]!);
    logits(fit).forEach((l, i) => expect(l).toBeCloseTo(logits(loose)[i]!, 5));
  });

  it('does not penalise the intercept: with a huge l2 it still matches the base rate', async () => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { rows } = encoded(table);
    const fit = fitLogistic(rows, table.labels, 8, 1e9);
    const rate = table.labels.reduce((a, b) => a + b, 0) / table.rows;
    expect(sigmoid(fit.intercept)).toBeCloseTo(rate, 6);
    fit.weights.forEach((w) => expect(Math.abs(w)).toBeLessThan(1e-6));
  });
});

describe('scoreEncoded', () => {
  it.each(['logistic', 'gbt'])('gives each row exactly the logit explain gives (%s)', async (kind) => {
    // Prepare
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const hp = parseHyperparameters(kind === 'gbt' ? { model: 'gbt', n_estimators: '5' } : { model: 'logistic' });
    const model = new CompiledModel(trainModel(table, table, referenceSpec, hp).artifact);
    const { rows } = encoded(table);
    // Act
    const logits = scoreEncoded(model, rows);
    // Assess: bit for bit, the batch path and the per-row server path agree.
    const contributions = new Float64Array(model.width);
    for (let i = 0; i < rows.rows; i++) {
      const at = i * rows.width;
      const one = model.explain(
        rows.index.subarray(at, at + rows.width),
        rows.value.subarray(at, at + rows.width),
        contributions,
      );
      expect(Object.is(logits[i], one)).toBe(true);
    }
  });
});

describe('logistic contributions', () => {
  it('baseValue + Σ contributions = logit(p) within 1e-9 on every row', async () => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { artifact } = trainModel(table, table, referenceSpec, parseHyperparameters({ model: 'logistic', l2: '1' }));
    const model = new CompiledModel(artifact);
    const { rows } = encoded(table);
    const contributions = new Float64Array(model.width);
    for (let i = 0; i < rows.rows; i++) {
      const at = i * rows.width;
      const logit = model.explain(
        rows.index.subarray(at, at + rows.width),
        rows.value.subarray(at, at + rows.width),
        contributions,
      );
      const p = sigmoid(logit);
      const sum = contributions.reduce((a, b) => a + b, artifact.baseValue);
      expect(Math.abs(sum - Math.log(p / (1 - p)))).toBeLessThan(1e-9);
    }
  });

  it('reports train and validation metrics consistent with the scores', async () => {
    const table = await tableFromCsv(fixture('logistic_reference.csv'), referenceSpec);
    const { artifact, metrics } = trainModel(table, table, referenceSpec, parseHyperparameters({}));
    const logits = scoreEncoded(new CompiledModel(artifact), encoded(table).rows);
    expect(metrics['train:auc']).toBe(rocAuc(logits, table.labels));
    expect(metrics['validation:logloss']).toBe(logLossFromLogits(logits, table.labels));
    expect(metrics['train:auc']).toBeGreaterThan(0.7);
  });
});

describe('solveCholesky', () => {
  it('solves a symmetric positive-definite system given by its upper triangle', () => {
    // A = [[4, 2], [2, 3]] stored with a garbage lower triangle: only the upper one is read.
    const x = solveCholesky(Float64Array.of(4, 2, 99, 3), Float64Array.of(2, 5));
    expect(x[0]).toBeCloseTo(-0.5, 12);
    expect(x[1]).toBeCloseTo(2, 12);
  });
});
