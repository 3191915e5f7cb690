import { MlopsError } from '@mlops/core';

/** A CSV text cannot be read as records (unterminated quote, stray character after a closing quote). */
export class CsvFormatError extends MlopsError {
  override readonly name = 'CsvFormatError';
}

/** One input row cannot be scored or used (wrong column count, a value that is not a number). */
export class RowError extends MlopsError {
  override readonly name = 'RowError';
  constructor(
    readonly line: number,
    detail: string,
    unit: 'line' | 'instance' = 'line',
  ) {
    super(`${unit} ${line}: ${detail}`);
  }
}

/** hyperparameters.json holds an unknown name or a value out of range. */
export class HyperparameterError extends MlopsError {
  override readonly name = 'HyperparameterError';
}

/** model.json is missing or does not have the shape this container writes. */
export class ModelFormatError extends MlopsError {
  override readonly name = 'ModelFormatError';
}
