export * from './types';
export { TuningValidationError } from './errors';
export { validateTuningRequest } from './validate';
export { createSearch } from './search';
export { bestTrial } from './best';
export { resolveScaling, SearchSpace } from './space';
export { parameterRangesFromConfig, type TuningRangesConfig } from './config';
