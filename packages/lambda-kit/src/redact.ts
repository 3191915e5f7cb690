/** What a redacted value is logged as. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are secrets wherever they appear. Step Functions task tokens match too, on purpose: whoever holds
 * one can complete or fail the waiting task (approve a model), so a token is a bearer credential and stays out of
 * logs; the approval request object in S3 is where it is kept.
 */
const SECRET_KEY = /secret|passw(or)?d|passphrase|token|api[-_]?key|credential|authorization|private[-_]?key/i;

/** Fields of an object that describes one column (`{ column: 'MonthlyIncome', value: 5400 }`) holding its values. */
const VALUE_FIELDS = ['value', 'values', 'example', 'examples', 'min', 'max', 'minimum', 'maximum'];

const sensitiveColumns = new Set<string>();

/**
 * Declare columns whose values must never be logged (a pipeline's `dataset.sensitive`); `runConfig` does it for every
 * config a function loads. The set only grows in a Lambda container: redacting too much is the safe side.
 * @example registerSensitiveColumns(config.dataset.sensitive ?? [])
 */
export function registerSensitiveColumns(columns: Iterable<string>): void {
  for (const column of columns) sensitiveColumns.add(column);
}

function describesSensitiveColumn(value: Record<string, unknown>): boolean {
  const name = value.column ?? value.name;
  return typeof name === 'string' && sensitiveColumns.has(name);
}

/**
 * A JSON replacer for the Powertools logger: values under secret-looking keys and under sensitive column names are
 * replaced by `[redacted]`, as are the value fields of an object describing a sensitive column.
 * @example new Logger({ jsonReplacerFn: redactingReplacer })
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && (SECRET_KEY.test(key) || sensitiveColumns.has(key))) return value === undefined || value === null ? value : REDACTED;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && describesSensitiveColumn(value as Record<string, unknown>)) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const field of VALUE_FIELDS) if (field in copy) copy[field] = REDACTED;
    return copy;
  }
  return value;
}
