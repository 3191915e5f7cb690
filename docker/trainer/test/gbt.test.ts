import { describe, expect, it } from 'vitest';
import { featureToInput } from '../src/encoder';
import { fitGbt, gbtBaseValue, mulberry32 } from '../src/gbt';
import { parseHyperparameters } from '../src/hyperparameters';
import { sigmoid } from '../src/logistic';
import { logLossFromLogits, rocAuc } from '../src/metrics';
import { CompiledModel } from '../src/model';
import type { DatasetSpec } from '../src/table';
import { scoreEncoded, trainModel } from '../src/train';
import { encoded, tableFromCsv } from './helpers';

const spec: DatasetSpec = {
  target: 'y',
  positiveLabel: '1',
  negativeLabel: '0',
  columns: [
    { name: 'x', kind: 'numeric', required: true },
    { name: 'z', kind: 'numeric', required: true },
    { name: 'colour', kind: 'category', required: true },
  ],
};

/** XOR-like: positive when x and z share a sign (no linear model can see it), 10% label noise. */
function xorCsv(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const lines = ['x,z,colour,y'];
  for (let i = 0; i < rows; i++) {
    const x = random() * 2 - 1;
    const z = random() * 2 - 1;
    const colour = ['red', 'green', 'blue'][i % 3] as string;
    const y = x * z > 0 !== random() < 0.1 ? 1 : 0;
    lines.push(`${x.toFixed(4)},${z.toFixed(4)},${colour},${y}`);
  }
  return lines.join('\n');
}

const gbt = (extra: Record<string, string> = {}) =>
  parseHyperparameters({
    model: 'gbt',
    n_estimators: '60',
    max_depth: '3',
    learning_rate: '0.2',
    min_samples_leaf: '10',
    ...extra,
  });

describe('gradient-boosted trees', () => {
  it('learns a nonlinear problem a linear model cannot, beating the prior on validation', async () => {
    const train = await tableFromCsv(xorCsv(3000, 1), spec);
    const validation = await tableFromCsv(xorCsv(1000, 2), spec);

    const boosted = trainModel(train, validation, spec, gbt());
    const linear = trainModel(train, validation, spec, parseHyperparameters({ model: 'logistic' }));

    const rate = validation.labels.reduce((a, b) => a + b, 0) / validation.rows;
    const priorLogLoss = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
    expect(boosted.metrics['validation:auc']).toBeGreaterThan(0.85);
    expect(boosted.metrics['validation:logloss']).toBeLessThan(priorLogLoss - 0.1);
    expect(linear.metrics['validation:auc']).toBeLessThan(0.6);
  });

  it('gives Saabas contributions that add up to the raw score within 1e-9', async () => {
    const train = await tableFromCsv(xorCsv(2000, 3), spec);
    const { artifact } = trainModel(train, train, spec, gbt({ subsample: '0.8' }));
    const model = new CompiledModel(artifact);
    const { rows } = encoded(train);
    const contributions = new Float64Array(model.width);
    const magnitude = new Float64Array(model.width);
    for (let i = 0; i < 300; i++) {
      const at = i * rows.width;
      const raw = model.explain(
        rows.index.subarray(at, at + rows.width),
        rows.value.subarray(at, at + rows.width),
        contributions,
      );
      const sum = contributions.reduce((a, b) => a + b, artifact.baseValue);
      expect(Math.abs(sum - raw)).toBeLessThan(1e-9);
      const p = sigmoid(raw);
      expect(Math.abs(sum - Math.log(p / (1 - p)))).toBeLessThan(1e-9);
      contributions.forEach((c, s) => (magnitude[s] = (magnitude[s] as number) + Math.abs(c)));
    }
    // The colour column carries no signal: its attributions stay small next to x and z.
    expect(magnitude[2]).toBeLessThan(magnitude[0]! / 3);
    expect(magnitude[2]).toBeLessThan(magnitude[1]! / 3);
  });

  it('scores the training rows exactly as boosting saw them (binned and raw thresholds agree)', async () => {
    const train = await tableFromCsv(xorCsv(1500, 4), spec);
    const { encoders, rows } = encoded(train);
    const fit = fitGbt(rows, train.labels, featureToInput(encoders), {
      nEstimators: 20,
      maxDepth: 3,
      learningRate: 0.3,
      minSamplesLeaf: 5,
      subsample: 0.7,
      seed: 9,
    });
    const { artifact } = trainModel(
      train,
      train,
      spec,
      gbt({ n_estimators: '20', learning_rate: '0.3', min_samples_leaf: '5', subsample: '0.7', seed: '9' }),
    );
    const served = scoreEncoded(new CompiledModel(artifact), rows);
    served.forEach((logit, i) => expect(logit).toBeCloseTo(fit.trainLogits[i]!, 10));
    expect(gbtBaseValue(fit.prior, fit.trees)).toBeCloseTo(artifact.baseValue, 12);
  });

  it('is deterministic for a seed and changes with it when subsampling', async () => {
    const train = await tableFromCsv(xorCsv(800, 5), spec);
    const a = trainModel(train, train, spec, gbt({ subsample: '0.5', seed: '1' })).artifact;
    const b = trainModel(train, train, spec, gbt({ subsample: '0.5', seed: '1' })).artifact;
    const c = trainModel(train, train, spec, gbt({ subsample: '0.5', seed: '2' })).artifact;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('improves the training log loss tree after tree', async () => {
    const train = await tableFromCsv(xorCsv(1000, 6), spec);
    const { encoders, rows } = encoded(train);
    const params = { maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 10, subsample: 1, seed: 1 };
    const losses = [1, 10, 40].map((n) =>
      logLossFromLogits(
        fitGbt(rows, train.labels, featureToInput(encoders), { ...params, nEstimators: n }).trainLogits,
        train.labels,
      ),
    );
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(losses[2]).toBeLessThan(losses[1]!);
    expect(
      rocAuc(
        fitGbt(rows, train.labels, featureToInput(encoders), { ...params, nEstimators: 40 }).trainLogits,
        train.labels,
      ),
    ).toBeGreaterThan(0.8);
  });
});
