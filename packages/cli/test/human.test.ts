import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@mlops/local-runner';
import { estimateRunCost, parsePipelineConfig, type PipelineConfig } from '@mlops/core';
import { costEstimateLines, humanSummary } from '../src/human';

const summary = (extra: Partial<RunSummary> = {}): RunSummary => ({
  runId: '20260302T093000Z-3fa9c1',
  pipeline: 'attrition',
  status: 'published',
  dataset: null,
  approval: null,
  stages: [],
  validation: null,
  tuning: null,
  evaluation: null,
  model: null,
  predictions: null,
  error: null,
  cost: null,
  recordUri: null,
  workdir: '/tmp/w',
  stateTransitions: null,
  lambdaInvocations: 0,
  notifications: [],
  ...extra,
});

describe('humanSummary', () => {
  it('prints every notification the run published, subject then message', () => {
    // Prepare
    const notifications = [
      {
        topicArn: 'arn:aws:sns:eu-west-1:000000000000:mlops-local-notifications',
        subject: '[mlops/local] attrition published',
        message: 'Pipeline attrition run 20260302T093000Z-3fa9c1: published.\nRun record: s3://x/record.json',
        at: '2026-03-02T09:40:00.000Z',
        attributes: {},
      },
    ];

    // Act
    const text = humanSummary(summary({ notifications }));

    // Assess
    expect(text).toContain(
      [
        'notifications published (1):',
        '  [mlops/local] attrition published',
        '    Pipeline attrition run 20260302T093000Z-3fa9c1: published.',
        '    Run record: s3://x/record.json',
      ].join('\n'),
    );
  });

  it('prints the dataset version with its content hash, and who approved', () => {
    // Act
    const text = humanSummary(
      summary({
        dataset: { bucket: 'data', key: 'attrition/incoming/hr.csv', versionId: 'v1', etag: '"e1"', sha256: 'ab12' },
        approval: { status: 'approved', decidedBy: 'jane', reason: 'ok' },
      }),
    );

    // Assess
    expect(text).toContain('dataset: s3://data/attrition/incoming/hr.csv version v1 etag "e1" sha256 ab12');
    expect(text).toContain('approval: approved by jane: ok');
    expect(text).not.toContain('notifications published');
  });
});

describe('costEstimateLines', () => {
  const config = {
    budget: { maxRunUsd: 0.05, stages: { tuning: 0.001 } },
  } as Pick<PipelineConfig, 'budget'>;

  it('prints every stage with its budget, flags the ones over it, and says what the figures rest on', () => {
    // Prepare
    const estimate = estimateRunCost(
      parsePipelineConfig(
        {
          name: 'attrition',
          dataset: { target: 'A', rowKey: 'Id', positiveLabel: 'Yes', negativeLabel: 'No', columns: { Id: { type: 'integer' }, A: { type: 'string' }, X: { type: 'number' } } },
          validation: { rules: 'Rules = [ RowCount > 0 ]' },
          tuning: { maxJobs: 8, maxParallelJobs: 2, ranges: { continuous: [{ name: 'l2', min: 0.001, max: 10 }] } },
        },
        'test',
      ),
      { rows: 1470 },
    );

    // Act
    const text = costEstimateLines(estimate, config.budget);

    // Assess
    expect(text).toMatch(/^estimated AWS cost \(eu-west-1 list prices of \d{4}-\d\d-\d\d; 1470 rows, 120 s per trial, ~\d+ state transitions\):/);
    expect(text).toMatch(/tuning +\$0\.\d{4} +\$0\.0010 {2}OVER/);
    expect(text).toMatch(/validation +\$0\.\d{4} +-/);
    expect(text).toMatch(new RegExp(`run total +\\$${estimate.totalUsd.toFixed(4).replace('.', '\\.')} +\\$0\\.0500 {2}OVER`));
  });
});
