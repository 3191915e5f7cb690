import { MlopsError } from '@mlops/core';

/**
 * A tuning request SageMaker would refuse. The message reads like the ValidationException that
 * CreateHyperParameterTuningJob raises; `code` is that AWS error code, for the local backend to answer with.
 *
 * @example
 * try { validateTuningRequest(ranges, 'Grid', limits); }
 * catch (e) { if (e instanceof TuningValidationError) console.error(e.code, e.message); }
 */
export class TuningValidationError extends MlopsError {
  override readonly name = 'TuningValidationError';
  readonly code = 'ValidationException';
}
