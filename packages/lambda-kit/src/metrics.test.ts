import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { logMetrics, Metrics, MetricUnit } from './metrics';

interface Directive {
  Namespace: unknown;
  Dimensions: unknown;
  Metrics: unknown;
}

function dimensionProblems(doc: Record<string, unknown>, sets: unknown): string[] {
  if (!Array.isArray(sets)) return ['Dimensions'];
  return (sets as string[][]).flatMap((set) => [
    ...(set.length > 30 ? ['more than 30 dimensions'] : []),
    ...set.filter((key) => typeof doc[key] !== 'string').map((key) => `dimension ${key} has no string value`),
  ]);
}

function metricProblems(doc: Record<string, unknown>, metrics: unknown): string[] {
  if (!Array.isArray(metrics) || metrics.length > 100) return ['Metrics'];
  return (metrics as { Name: string; Unit: string }[]).flatMap((m) => {
    const value = doc[m.Name];
    const values = Array.isArray(value) ? value : [value];
    const numeric = values.length > 0 && values.length <= 100 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
    return [
      ...(numeric ? [] : [`metric ${m.Name} has no numeric value`]),
      ...(Object.values(MetricUnit).includes(m.Unit as MetricUnit) ? [] : [`unit ${m.Unit}`]),
    ];
  });
}

/** The rules of the EMF specification a CloudWatch Logs ingestion checks, as problems found in one document. */
function emfProblems(doc: Record<string, unknown>): string[] {
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: Directive[] } | undefined;
  const problems = Number.isInteger(aws?.Timestamp) ? [] : ['_aws.Timestamp'];
  const directives = aws?.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length !== 1) return [...problems, '_aws.CloudWatchMetrics'];
  for (const d of directives) {
    if (typeof d.Namespace !== 'string' || d.Namespace.length === 0 || d.Namespace.length > 255) problems.push('Namespace');
    problems.push(...dimensionProblems(doc, d.Dimensions), ...metricProblems(doc, d.Metrics));
  }
  return problems;
}

function collect(options: Partial<ConstructorParameters<typeof Metrics>[0]> = {}) {
  const lines: string[] = [];
  const metrics = new Metrics({ namespace: 'mlops-dev', serviceName: 'training', write: (l) => lines.push(l), disabled: false, now: () => 1767225600000, ...options });
  const docs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { metrics, lines, docs };
}

describe('EMF metrics', () => {
  it('publishes stored metrics as one valid EMF line with the service default dimension, then forgets them', () => {
    const { metrics, lines, docs } = collect();
    metrics.addDimension('function', 'finishRun');
    metrics.addMetric('Succeeded', MetricUnit.Count, 1);
    metrics.addMetric('DurationMs', MetricUnit.Milliseconds, 12);
    metrics.addMetric('DurationMs', MetricUnit.Milliseconds, 30);
    metrics.publish();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const [doc] = docs();
    expect(emfProblems(doc!)).toEqual([]);
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1767225600000,
        CloudWatchMetrics: [
          {
            Namespace: 'mlops-dev',
            Dimensions: [['service', 'function']],
            Metrics: [
              { Name: 'Succeeded', Unit: 'Count' },
              { Name: 'DurationMs', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'training',
      function: 'finishRun',
      Succeeded: 1,
      DurationMs: [12, 30],
    });
    // Nothing stored: nothing written; dimensions were cleared with the metrics.
    metrics.publish();
    metrics.addMetric('Failed', MetricUnit.Count, 1);
    metrics.publish();
    expect(docs()[1]).toMatchObject({ service: 'training', Failed: 1 });
    expect(docs()[1]).not.toHaveProperty('function');
  });

  it('writes a single metric at once with its own dimensions, as the dashboard searches them', () => {
    const { metrics, docs } = collect();
    metrics.addDimension('function', 'finishRun');
    const single = metrics.singleMetric();
    single.addDimensions({ pipeline: 'churn', outcome: 'published' });
    single.addMetric('PipelineRuns', MetricUnit.Count, 1);
    single.addMetric('RunDuration', MetricUnit.Seconds, 2.5);
    expect(docs()).toHaveLength(2);
    for (const doc of docs()) {
      expect(emfProblems(doc)).toEqual([]);
      expect((doc._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'pipeline', 'outcome']]);
    }
    expect(docs()[1]).toMatchObject({ RunDuration: 2.5, pipeline: 'churn', outcome: 'published' });
  });

  it('splits at the EMF limits: 100 metrics a document, 100 values a metric, each document with the dimensions', () => {
    const { metrics, docs } = collect();
    metrics.addDimension('function', 'finishRun');
    for (let i = 0; i < 150; i++) metrics.addMetric(`m${i}`, MetricUnit.Count, i);
    for (let i = 0; i < 120; i++) metrics.addMetric('m0', MetricUnit.Count, i);
    metrics.publish();
    for (const doc of docs()) expect(emfProblems(doc)).toEqual([]);
    expect(docs().length).toBeGreaterThan(2);
    for (const doc of docs()) expect(doc).toMatchObject({ service: 'training', function: 'finishRun' });
    const counted = docs().flatMap((d) => Object.entries(d).filter(([k]) => k.startsWith('m')).flatMap(([, v]) => (Array.isArray(v) ? v : [v])));
    expect(counted).toHaveLength(270);
  });

  it('drops a value that is not a finite number (CloudWatch would reject the document) and refuses bad names and units', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { metrics, docs } = collect();
    metrics.addMetric('CandidateRocAuc', MetricUnit.NoUnit, Number.NaN);
    metrics.addMetric('Rows', MetricUnit.Count, 3);
    metrics.publish();
    expect(docs()).toEqual([expect.not.objectContaining({ CandidateRocAuc: expect.anything() })]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('CandidateRocAuc'));
    warn.mockRestore();
    expect(() => metrics.addMetric('', MetricUnit.Count, 1)).toThrow(RangeError);
    metrics.addMetric('Rows', MetricUnit.Count, 1);
    expect(() => metrics.addMetric('Rows', MetricUnit.Seconds, 1)).toThrow(/added as Count/);
    for (let i = 0; i < 29; i++) metrics.addDimension(`d${i}`, 'x');
    expect(() => metrics.addDimension('one-too-many', 'x')).toThrow(/at most 29/);
  });

  it('follows Powertools: POWERTOOLS_METRICS_DISABLED, else POWERTOOLS_DEV, turns writing off', () => {
    const env = { ...process.env };
    try {
      for (const [vars, written] of [
        [{}, 1],
        [{ POWERTOOLS_DEV: 'true' }, 0],
        [{ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' }, 1],
        [{ POWERTOOLS_METRICS_DISABLED: 'true' }, 0],
      ] as const) {
        delete process.env.POWERTOOLS_DEV;
        delete process.env.POWERTOOLS_METRICS_DISABLED;
        Object.assign(process.env, vars);
        const lines: string[] = [];
        const metrics = new Metrics({ namespace: 'n', serviceName: 's', write: (l) => lines.push(l) });
        metrics.addMetric('Succeeded', MetricUnit.Count, 1);
        metrics.publish();
        expect(lines, JSON.stringify(vars)).toHaveLength(written);
      }
    } finally {
      process.env = env;
    }
  });

  it('as middleware: a ColdStart metric once per process, stored metrics published after success and failure', async () => {
    const { metrics, docs } = collect();
    let fail = false;
    const handler = middy(async () => {
      metrics.addMetric('Work', MetricUnit.Count, 1);
      if (fail) throw new Error('boom');
      return 'ok';
    }).use(logMetrics(metrics, { captureColdStartMetric: true }));
    const context = { functionName: 'mlops-dev-finishRun' } as Context;
    await handler({}, context);
    fail = true;
    await expect(handler({}, context)).rejects.toThrow('boom');
    expect(docs().map((d) => Object.keys(d).filter((k) => k !== '_aws'))).toEqual([
      ['service', 'function_name', 'ColdStart'],
      ['service', 'Work'],
      ['service', 'Work'],
    ]);
    for (const doc of docs()) expect(emfProblems(doc)).toEqual([]);
  });
});
