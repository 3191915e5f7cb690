import { describe, expect, it } from 'vitest';
import { HyperparameterError } from '../src/errors';
import { parseHyperparameters } from '../src/hyperparameters';

describe('parseHyperparameters', () => {
  it('applies defaults to an empty object', () => {
    expect(parseHyperparameters({})).toEqual({
      model: 'logistic',
      l2: 1,
      n_estimators: 100,
      max_depth: 3,
      learning_rate: 0.1,
      min_samples_leaf: 20,
      subsample: 1,
      seed: 42,
    });
  });

  it('reads SageMaker strings (numbers tolerated) and ignores platform names', () => {
    const h = parseHyperparameters({
      model: 'gbt',
      n_estimators: '250',
      learning_rate: 0.05,
      subsample: ' 0.8 ',
      _tuning_objective_metric: 'validation:auc',
      sagemaker_program: 'x',
    });
    expect(h).toMatchObject({ model: 'gbt', n_estimators: 250, learning_rate: 0.05, subsample: 0.8 });
  });

  it.each([
    [{ model: 'svm' }, /model/],
    [{ l2: '-1' }, /l2/],
    [{ l2: 'lots' }, /l2/],
    [{ max_depth: '2.5' }, /max_depth/],
    [{ subsample: '0' }, /subsample/],
    [{ n_estimator: '10' }, /n_estimator.*known: model, l2/],
    [{ l2: { value: 1 } }, /l2: expected a string/],
  ])('rejects %j with a message naming it', (raw, message) => {
    expect(() => parseHyperparameters(raw)).toThrow(HyperparameterError);
    expect(() => parseHyperparameters(raw)).toThrow(message);
  });

  it('rejects anything but an object', () => {
    expect(() => parseHyperparameters(['model'])).toThrow('must hold a JSON object');
  });
});
