import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { InputError } from '@mlops/core';
import { encodedFeatureNames, encodeTable, featureToInput, fitEncoders, type EncodedRows } from './encoder';
import { RowError } from './errors';
import { fitGbt, gbtBaseValue } from './gbt';
import { hyperparameterStrings, parseHyperparameters, type Hyperparameters } from './hyperparameters';
import { fitLogistic } from './logistic';
import { logLossFromLogits, rocAuc } from './metrics';
import { CompiledModel, MODEL_FORMAT, type ModelArtifact } from './model';
import { channelCsv, mlPaths, readPipelineConfig } from './paths';
import { datasetSpec, loadTable, type DatasetSpec, type RawTable } from './table';

export interface TrainMetrics {
  'train:auc': number;
  'train:logloss': number;
  'validation:auc': number;
  'validation:logloss': number;
}

export interface TrainOutcome {
  artifact: ModelArtifact;
  metrics: TrainMetrics;
}

/** Logits of encoded rows through the same code path the server uses. */
export function scoreEncoded(model: CompiledModel, rows: EncodedRows): Float64Array {
  if (rows.width !== model.width) throw new Error(`rows have ${rows.width} slots, the model ${model.width}`);
  return model.logits(rows.index, rows.value, rows.rows);
}

function countPositives(labels: Uint8Array): number {
  let n = 0;
  for (const y of labels) n += y;
  return n;
}

type ModelPart =
  | Pick<Extract<ModelArtifact, { modelType: 'logistic' }>, 'modelType' | 'baseValue' | 'logistic'>
  | Pick<Extract<ModelArtifact, { modelType: 'gbt' }>, 'modelType' | 'baseValue' | 'gbt'>;

function fitModelPart(encoded: EncodedRows, table: RawTable, hp: Hyperparameters, slotOf: Int32Array): ModelPart {
  if (hp.model === 'logistic') {
    const fit = fitLogistic(encoded, table.labels, slotOf.length, hp.l2);
    const weights = Array.from(fit.weights);
    return {
      modelType: 'logistic',
      baseValue: fit.intercept,
      logistic: { intercept: fit.intercept, weights, l2: hp.l2, iterations: fit.iterations },
    };
  }
  const fit = fitGbt(encoded, table.labels, slotOf, {
    nEstimators: hp.n_estimators,
    maxDepth: hp.max_depth,
    learningRate: hp.learning_rate,
    minSamplesLeaf: hp.min_samples_leaf,
    subsample: hp.subsample,
    seed: hp.seed,
  });
  return {
    modelType: 'gbt',
    baseValue: gbtBaseValue(fit.prior, fit.trees),
    gbt: { prior: fit.prior, learningRate: hp.learning_rate, trees: fit.trees },
  };
}

/**
 * Fits encoders and the model on `train`, scores `validation`, and returns the artifact with its metrics. Pure (no I/O).
 * @example const { artifact, metrics } = trainModel(train, validation, spec, parseHyperparameters({ model: 'gbt' }))
 */
export function trainModel(
  train: RawTable,
  validation: RawTable,
  spec: DatasetSpec,
  hp: Hyperparameters,
): TrainOutcome {
  const positives = countPositives(train.labels);
  if (positives === 0 || positives === train.rows) throw new InputError('the training data holds only one class');
  const encoders = fitEncoders(train);
  const featureNames = encodedFeatureNames(encoders);
  if (featureNames.length === 0) throw new InputError('there is no feature to train on');
  const encodedTrain = encodeTable(train, encoders);
  const part = fitModelPart(encodedTrain, train, hp, featureToInput(encoders));
  const artifact = {
    format: MODEL_FORMAT,
    ...part,
    inputColumns: spec.columns.map((c) => c.name),
    featureNames,
    encoders,
    target: { name: spec.target, positiveLabel: spec.positiveLabel, negativeLabel: spec.negativeLabel },
    hyperparameters: hyperparameterStrings(hp),
    metrics: {},
    training: { rows: train.rows, positives, validationRows: validation.rows },
  } as ModelArtifact;
  const model = new CompiledModel(artifact);
  const trainLogits = scoreEncoded(model, encodedTrain);
  const validationLogits = scoreEncoded(model, encodeTable(validation, encoders));
  const metrics: TrainMetrics = {
    'train:auc': rocAuc(trainLogits, train.labels),
    'train:logloss': logLossFromLogits(trainLogits, train.labels),
    'validation:auc': rocAuc(validationLogits, validation.labels),
    'validation:logloss': logLossFromLogits(validationLogits, validation.labels),
  };
  if (Number.isNaN(metrics['validation:auc'])) throw new InputError('the validation data must hold both classes');
  return { artifact: { ...artifact, metrics: { ...metrics } }, metrics };
}

async function readHyperparameters(path: string): Promise<Hyperparameters> {
  if (!existsSync(path)) return parseHyperparameters({});
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseHyperparameters(raw);
}

async function loadChannel(dir: string, spec: DatasetSpec): Promise<RawTable> {
  const path = channelCsv(dir, { preferred: 'data.csv' }) as string;
  try {
    return await loadTable(path, spec);
  } catch (error) {
    if (error instanceof RowError) throw new InputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The `train` command: reads the SageMaker training layout under `mlRoot`, writes `model/model.json`,
 * prints `train:auc=`, `validation:auc=`, `validation:logloss=` lines through `print`.
 */
export async function runTrain(mlRoot: string, print: (line: string) => void): Promise<TrainOutcome> {
  const paths = mlPaths(mlRoot);
  const hp = await readHyperparameters(paths.training.hyperparameters);
  const spec = datasetSpec(await readPipelineConfig(paths.training.config));
  const started = Date.now();
  const train = await loadChannel(paths.training.train, spec);
  const validation = await loadChannel(paths.training.validation, spec);
  print(`loaded train=${train.rows} validation=${validation.rows} rows in ${Date.now() - started} ms`);
  const fitStarted = Date.now();
  const outcome = trainModel(train, validation, spec, hp);
  const { artifact, metrics } = outcome;
  print(`model=${artifact.modelType} features=${artifact.featureNames.length} fitted in ${Date.now() - fitStarted} ms`);
  for (const [name, value] of Object.entries(metrics)) print(`${name}=${value}`);
  await mkdir(paths.model, { recursive: true });
  await writeFile(paths.modelFile, JSON.stringify(artifact));
  return outcome;
}
