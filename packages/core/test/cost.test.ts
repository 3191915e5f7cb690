import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ConfigError, nextWait, parsePipelineConfig, pollsUntil, POLLING, type PipelineConfig } from '../src';
import { assertWithinBudget, estimateRunCost } from '../src/cost/estimate';
import prices from '../src/cost/prices.json';

const config = (changes: Record<string, unknown> = {}): PipelineConfig =>
  parsePipelineConfig(
    {
      name: 'attrition',
      dataset: { target: 'Attrition', rowKey: 'Id', positiveLabel: 'Yes', negativeLabel: 'No', columns: { Id: { type: 'integer' }, Attrition: { type: 'string' }, Age: { type: 'integer' } } },
      validation: { rules: 'Rules = [ RowCount > 0 ]' },
      tuning: { maxJobs: 8, maxParallelJobs: 2, ranges: { continuous: [{ name: 'l2', min: 0.001, max: 10 }] } },
      ...changes,
    },
    'test config',
  );

describe('estimateRunCost', () => {
  it('prices tuning as trials × (start-up + seconds per million train rows) × the instance price', () => {
    // Act
    const estimate = estimateRunCost(config(), { rows: 1_000_000 });

    // Assess
    const seconds = 120 + 120 * 0.7;
    expect(estimate.basis).toMatchObject({ rows: 1_000_000, rowsAssumed: false, trainRows: 700_000, secondsPerTrial: seconds, tuningWallSeconds: 4 * seconds });
    const tuning = estimate.lines.find((l) => l.stage === 'tuning');
    expect(tuning?.quantity).toBe(8 * seconds);
    expect(estimate.stages.tuning).toBeCloseTo(((8 * seconds) / 3600) * prices.sagemakerInstanceHour['ml.m5.large'], 4);
  });

  it('grows tuning with the train rows and is capped by the container runtime limit', () => {
    // Act
    const small = estimateRunCost(config(), { trainRows: 1_000 });
    const large = estimateRunCost(config(), { trainRows: 10_000_000 });
    const capped = estimateRunCost(config({ container: { maxRuntimeSeconds: 300 } }), { trainRows: 10_000_000 });

    // Assess
    expect(large.stages.tuning).toBeGreaterThan(5 * small.stages.tuning);
    expect(capped.basis.secondsPerTrial).toBe(300);
  });

  it('has a figure for every budgeted stage and orchestration, adding up to the total', () => {
    // Act
    const estimate = estimateRunCost(config());

    // Assess
    expect(estimate.basis.rowsAssumed).toBe(true);
    expect(Object.keys(estimate.stages).sort()).toEqual(['evaluation', 'orchestration', 'preparation', 'publishing', 'tuning', 'validation']);
    for (const value of Object.values(estimate.stages)) expect(value).toBeGreaterThan(0);
    const sum = Object.values(estimate.stages).reduce((a, b) => a + b, 0);
    expect(estimate.totalUsd).toBeCloseTo(sum, 3);
    expect(estimate.pricesAsOf).toBe(prices.asOf);
  });

  it('charges the endpoint for its first day, per instance, when publishing to one', () => {
    // Act
    const batch = estimateRunCost(config());
    const endpoint = estimateRunCost(config({ publish: { mode: 'endpoint', endpoint: { instanceType: 'ml.c5.xlarge', initialInstanceCount: 2 } } }));

    // Assess
    expect(batch.basis.endpointHours).toBeNull();
    const line = endpoint.lines.find((l) => l.item.startsWith('SageMaker endpoint'));
    expect(line).toMatchObject({ stage: 'publishing', quantity: 48, unit: 'ml.c5.xlarge instance-hours' });
    expect(line?.usd).toBeCloseTo(48 * prices.sagemakerInstanceHour['ml.c5.xlarge'], 6);
    expect(endpoint.lines.some((l) => l.item === 'SageMaker batch transform (scoring)')).toBe(false);
  });

  it('refuses an instance type the price table does not know', () => {
    expect(() => estimateRunCost(config({ container: { instanceType: 'ml.p5.48xlarge' } }))).toThrow(ConfigError);
  });
});

describe('assertWithinBudget', () => {
  const estimate = estimateRunCost(config(), { rows: 1_000_000 });

  it('passes within every budget and names each stage and the run total that are over', () => {
    expect(() => assertWithinBudget(estimate, { maxRunUsd: 10, stages: { tuning: 1 } }, ['tuning'], 'before tuning')).not.toThrow();
    expect(() => assertWithinBudget(estimate, { maxRunUsd: 0.01, stages: { tuning: 0.001 } }, ['tuning'], 'before tuning')).toThrow(
      /^before tuning: the tuning stage is estimated at \$0\.\d{4}, over budget\.stages\.tuning of \$0\.0010; the run is estimated at .* over budget\.maxRunUsd of \$0\.0100 \(1000000 rows, 700000 to train on, 204 s per trial/,
    );
  });

  it('checks only the stages it is asked about', () => {
    expect(() => assertWithinBudget(estimate, { maxRunUsd: 10, stages: { tuning: 0.001 } }, ['validation'], 'StartRun')).not.toThrow();
    expect(() => assertWithinBudget(estimate, { maxRunUsd: 10, stages: { validation: 0.0001 } }, ['validation'], 'StartRun')).toThrow(BudgetExceededError);
  });
});

describe('polling back-off', () => {
  it('waits 1.5× longer per poll up to the cap, so a 2-hour tuning job costs at most 60 transitions', () => {
    expect([0, 1, 2, 3, 20].map((attempt) => nextWait(attempt, POLLING.tuning))).toEqual([60, 90, 135, 203, 900]);
    const twoHours = pollsUntil(7200, POLLING.tuning);
    expect(1 + 3 * twoHours.polls).toBeLessThanOrEqual(60);
    expect(twoHours.lateSeconds).toBeLessThan(POLLING.tuning.cap);
  });

  it('sees a job of 10 minutes or more at most 60% of its running time late, and never more than the cap', () => {
    for (let seconds = 60; seconds <= 6 * 3600; seconds += 7) {
      const { lateSeconds } = pollsUntil(seconds, POLLING.tuning);
      expect(lateSeconds).toBeLessThanOrEqual(POLLING.tuning.cap);
      if (seconds >= 600) expect(lateSeconds).toBeLessThanOrEqual(0.6 * seconds);
    }
  });
});
