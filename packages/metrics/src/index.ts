export * from './schema';
export { checkPairs } from './input';
export { rankScores, forEachThreshold, rocAuc, prAuc, type Ranking, type ThresholdVisitor } from './ranking';
export { rocCurve, prCurve, downsample, DEFAULT_CURVE_POINTS, type CurveOptions } from './curves';
export { confusionAt, ratesOf } from './confusion';
export { logLoss, brier, calibrationBins, scoreHistogram, LOG_LOSS_EPS } from './probability';
export { chooseThreshold } from './threshold';
export { bootstrapCi, mulberry32, type BootstrapOptions, type MetricFn } from './bootstrap';
export { baselineScores } from './baseline';
export { evaluateScores, DEFAULT_BOOTSTRAP, type EvaluateInput } from './evaluate';
export {
  decide,
  METRIC_DIRECTION,
  BASELINE_METRICS,
  NON_INFERIORITY_TOLERANCE,
  type DecideInput,
  type MetricDirection,
} from './decide';
