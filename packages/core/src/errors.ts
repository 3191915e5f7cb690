/**
 * Every error the pipeline raises on purpose. The `name` of each class is what the state machine's
 * `ErrorEquals` matches (Lambda reports it as the error type), so names are part of the contract. Each class
 * spells its name as a string: bundles are minified without keepNames, so class names do not survive
 * (test/infra/config.test.ts checks every class in a minified bundle).
 */
export class MlopsError extends Error {
  override readonly name: string = 'MlopsError';
}

/** The pipeline config file is missing, unreadable or does not match the schema. */
export class ConfigError extends MlopsError {
  override readonly name = 'ConfigError';
}

/** An event or a state payload does not have the expected shape. */
export class InvalidEventError extends MlopsError {
  override readonly name = 'InvalidEventError';
}

/** A stage could not run because its input (dataset, split, model) is missing or unusable. */
export class InputError extends MlopsError {
  override readonly name = 'InputError';
}

/** A SageMaker or Glue job ended in Failed or Stopped. */
export class JobFailedError extends MlopsError {
  override readonly name = 'JobFailedError';
  constructor(
    readonly jobName: string,
    readonly jobType: string,
    readonly reason: string,
  ) {
    super(`${jobType} ${jobName} failed: ${reason}`);
  }
}

/** The run's cost estimate is above the pipeline's budget. */
export class BudgetExceededError extends MlopsError {
  override readonly name = 'BudgetExceededError';
}

/** A retryable fault (throttling, a dependency briefly unavailable): the state machine retries it. */
export class TransientError extends MlopsError {
  override readonly name = 'TransientError';
}

/** A path or key would leave the area it must stay in (pipeline prefix, workdir). */
export class UnsafePathError extends MlopsError {
  override readonly name = 'UnsafePathError';
}

/**
 * The dataset moved too far from the last accepted one: a column's population stability index reached
 * `validation.drift.psiFail` and the pipeline sets `failOnDrift`. The message names the columns and their PSI.
 */
export class DataDriftError extends MlopsError {
  override readonly name = 'DataDriftError';
}

/** Short text for logs and records from anything thrown. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
