export { CsvParser, csvField, csvLine, LineWriter, parseCsvText, readCsvFile, type RecordHandler } from './csv';
export { encodedFeatureNames, encodedOffsets, encodeTable, featureToInput, fitEncoders } from './encoder';
export type { EncodedRows, FeatureEncoder } from './encoder';
export { CsvFormatError, HyperparameterError, ModelFormatError, RowError } from './errors';
export { fitGbt, gbtBaseValue, gbtExplain, mulberry32, type GbtFit, type GbtParams, type Tree } from './gbt';
export { HyperparametersSchema, parseHyperparameters, type Hyperparameters } from './hyperparameters';
export { scoreCsv, scoreJson, type JsonPrediction, type ScoringOptions } from './invocations';
export {
  fitLogistic,
  HESSIAN_ROWS,
  logisticLogits,
  sigmoid,
  softplus,
  solveCholesky,
  type LogisticModelFit,
  type LogisticOptions,
} from './logistic';
export { logLossFromLogits, rocAuc } from './metrics';
export { CompiledModel, loadModel, MODEL_FORMAT, ModelArtifactSchema, type ModelArtifact } from './model';
export { channelCsv, mlPaths, readPipelineConfig } from './paths';
export { runPrepare, type PrepareSummary } from './prepare';
export { runServe, serveOptionsFromEnv, startServer, type ServeOptions } from './serve';
export { assignSplit, SPLIT_NAMES, splitPosition, stableHash32, type SplitName, type SplitRatios } from './split';
export { datasetSpec, loadTable, parseNumber, type ColumnSpec, type DatasetSpec, type RawTable } from './table';
export { runTrain, scoreEncoded, trainModel, type TrainMetrics, type TrainOutcome } from './train';
