import * as z from 'zod/mini';
import { HyperparameterError } from './errors';
import '@mlops/core/messages';

const num = (...checks: z.core.$ZodCheck<number>[]) => z.coerce.number<string>().check(...checks);

/** hyperparameters.json as SageMaker writes it (every value a string), with defaults and ranges. */
export const HyperparametersSchema = z.strictObject({
  model: z._default(z.enum(['logistic', 'gbt']), 'logistic'),
  /** logistic: L2 penalty λ in Σ log-loss + λ/2 ‖w‖² (= 1 / C). */
  l2: z._default(num(z.positive()), 1),
  n_estimators: z._default(num(z.int(), z.minimum(1), z.maximum(5000)), 100),
  max_depth: z._default(num(z.int(), z.minimum(1), z.maximum(8)), 3),
  learning_rate: z._default(num(z.gt(0), z.maximum(1)), 0.1),
  min_samples_leaf: z._default(num(z.int(), z.minimum(1)), 20),
  subsample: z._default(num(z.gt(0), z.maximum(1)), 1),
  seed: z._default(num(z.int(), z.minimum(0)), 42),
});

export type Hyperparameters = z.infer<typeof HyperparametersSchema>;

/** Names SageMaker or the tuner add on their own (`_tuning_objective_metric`, `sagemaker_*`): ignored. */
function isPlatformName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('sagemaker_');
}

/**
 * Parses hyperparameters (strings, numbers tolerated). Unknown names and out-of-range values throw a
 * HyperparameterError naming them, so a typo fails the job instead of training with a default.
 * @example parseHyperparameters({ model: 'gbt', n_estimators: '200' })
 */
export function parseHyperparameters(raw: unknown): Hyperparameters {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HyperparameterError('hyperparameters.json must hold a JSON object');
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (isPlatformName(name)) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new HyperparameterError(`hyperparameter ${name}: expected a string, got ${JSON.stringify(value)}`);
    }
    values[name] = String(value).trim();
  }
  const parsed = HyperparametersSchema.safeParse(values);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
      return `${name}: ${issue.message}`;
    });
    const known = Object.keys(HyperparametersSchema.shape).join(', ');
    throw new HyperparameterError(`invalid hyperparameters: ${issues.join('; ')} (known: ${known})`);
  }
  return parsed.data;
}

/** The hyperparameters as strings, as stored in the model artifact. */
export function hyperparameterStrings(h: Hyperparameters): Record<string, string> {
  const all = Object.entries(h).map(([name, value]) => [name, String(value)] as const);
  const logisticOnly = new Set(['l2']);
  const gbtOnly = new Set(['n_estimators', 'max_depth', 'learning_rate', 'min_samples_leaf', 'subsample']);
  const skip = h.model === 'logistic' ? gbtOnly : logisticOnly;
  return Object.fromEntries(all.filter(([name]) => !skip.has(name)));
}
