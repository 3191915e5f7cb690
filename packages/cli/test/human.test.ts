import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@mlops/local-runner';
import { humanSummary } from '../src/human';

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
