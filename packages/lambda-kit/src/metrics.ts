import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * CloudWatch metrics as embedded metric format (EMF) log lines: CloudWatch Logs turns each line into metrics,
 * no API call and no extra permission. A small writer of its own rather than Powertools Metrics, which is about
 * 11 KiB of every bundle (issue 8's 100 KiB budget); it keeps Powertools' behaviour the dashboards rely on:
 * the `service` default dimension, `singleMetric()`, a cold-start metric and the POWERTOOLS_* variables.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const MetricUnit = {
  Seconds: 'Seconds',
  Milliseconds: 'Milliseconds',
  Bytes: 'Bytes',
  Count: 'Count',
  Percent: 'Percent',
  CountPerSecond: 'Count/Second',
  NoUnit: 'None',
} as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** EMF limits: 100 metrics per document, 30 dimensions per dimension set, 100 values per metric. */
const MAX_METRICS = 100;
const MAX_DIMENSIONS = 30;
const MAX_VALUES = 100;

export interface MetricsOptions {
  namespace: string;
  serviceName: string;
  /** Where a document goes (one line each); the process's stdout by default, as Lambda collects it. */
  write?: (line: string) => void;
  /** Nothing is written (Powertools' rule: POWERTOOLS_METRICS_DISABLED, or POWERTOOLS_DEV unless told otherwise). */
  disabled?: boolean;
  /** Milliseconds since the epoch, for the documents' timestamps. */
  now?: () => number;
}

interface Stored {
  unit: MetricUnit;
  values: number[];
}

function disabledByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase();
  if (flag !== undefined && flag !== '') return flag === 'true' || flag === '1';
  return ['true', '1'].includes(env.POWERTOOLS_DEV?.trim().toLowerCase() ?? '');
}

function checkName(kind: string, name: string, max: number): void {
  if (name.length === 0 || name.length > max) throw new RangeError(`${kind} name must be 1-${max} characters: "${name}"`);
}

/**
 * Metrics of one handler: dimensions and values are stored until `publish()` (the middleware calls it after each
 * invocation), or written at once for a `singleMetric()`.
 */
export class Metrics {
  readonly #options: Required<MetricsOptions>;
  readonly #single: boolean;
  #dimensions: Record<string, string> = {};
  #metrics = new Map<string, Stored>();

  constructor(options: MetricsOptions, single = false) {
    this.#options = {
      write: (line) => process.stdout.write(`${line}\n`),
      disabled: disabledByEnv(),
      now: Date.now,
      ...options,
    };
    this.#single = single;
  }

  addDimension(name: string, value: string): void {
    checkName('dimension', name, 250);
    if (!(name in this.#dimensions) && Object.keys(this.#dimensions).length + 1 >= MAX_DIMENSIONS) {
      throw new RangeError(`at most ${MAX_DIMENSIONS - 1} dimensions besides service`);
    }
    this.#dimensions[name] = value;
  }

  addDimensions(dimensions: Record<string, string>): void {
    for (const [name, value] of Object.entries(dimensions)) this.addDimension(name, value);
  }

  /**
   * Store one value. A value that is not a finite number is dropped with a warning: CloudWatch would reject the
   * whole document, and telemetry must never fail the work it describes.
   */
  addMetric(name: string, unit: MetricUnit, value: number): void {
    checkName('metric', name, 255);
    if (!Number.isFinite(value)) {
      console.warn(`metric ${name} dropped: ${value} is not a finite number`);
      return;
    }
    const stored = this.#metrics.get(name);
    if (stored && stored.unit !== unit) throw new RangeError(`metric ${name} was added as ${stored.unit}, now as ${unit}`);
    if (!stored && this.#metrics.size >= MAX_METRICS) this.#flush();
    const entry = stored ?? { unit, values: [] };
    entry.values.push(value);
    this.#metrics.set(name, entry);
    if (this.#single || entry.values.length >= MAX_VALUES) this.#flush();
  }

  /** Metrics written at once, with their own dimensions (besides `service`). */
  singleMetric(): Metrics {
    return new Metrics(this.#options, true);
  }

  /** The stored metrics as one EMF document, or undefined when none is stored. */
  serialize(): Record<string, unknown> | undefined {
    if (this.#metrics.size === 0) return undefined;
    const dimensions = { service: this.#options.serviceName, ...this.#dimensions };
    const values = Object.fromEntries([...this.#metrics].map(([name, m]) => [name, m.values.length === 1 ? m.values[0] : m.values]));
    return {
      _aws: {
        Timestamp: this.#options.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#options.namespace,
            Dimensions: [Object.keys(dimensions)],
            Metrics: [...this.#metrics].map(([name, m]) => ({ Name: name, Unit: m.unit })),
          },
        ],
      },
      ...dimensions,
      ...values,
    };
  }

  /** Write the stored metrics (if any) and forget them and the dimensions added since the last publish. */
  publish(): void {
    this.#flush();
    if (!this.#single) this.#dimensions = {};
  }

  /** Write the stored metrics (if any) and forget them; the dimensions stay (a document full before the invocation ends). */
  #flush(): void {
    const document = this.serialize();
    this.#metrics = new Map();
    if (document && !this.#options.disabled) this.#options.write(JSON.stringify(document));
  }
}

/**
 * Middy middleware: a `ColdStart` metric (dimensions service and function_name) on the first invocation of the
 * process, and the stored metrics published after every invocation, failed ones included.
 */
export function logMetrics(metrics: Metrics, options: { captureColdStartMetric: boolean }): MiddlewareObj<unknown, unknown, Error, Context> {
  let cold = true;
  const flush = async () => metrics.publish();
  return {
    before: async (request) => {
      if (!cold) return;
      cold = false;
      if (!options.captureColdStartMetric) return;
      const coldStart = metrics.singleMetric();
      if (request.context?.functionName) coldStart.addDimension('function_name', request.context.functionName);
      coldStart.addMetric('ColdStart', MetricUnit.Count, 1);
    },
    after: flush,
    onError: flush,
  };
}
