import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { EvaluationStateSchema, InputError } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { evaluateCandidate, type EvaluateCandidateEvent } from './evaluateCandidate';

const ROWS = 80;
type Scorer = (i: number, positive: boolean) => number;

/** Separates the classes well, with some overlap (ROC AUC 0.91 on these rows). */
const strong: Scorer = (i, positive) => (positive ? 0.9 - (i % 7) * 0.08 : 0.1 + (i % 9) * 0.06);
/** Weaker but still above the floors (ROC AUC 0.87): worse than `strong` by more than the 0.02 margin. */
const fair: Scorer = (i, positive) => (positive ? 0.8 - (i % 5) * 0.1 : 0.1 + (i % 11) * 0.05);
/** Unrelated to the label (ROC AUC 0.53). */
const noise: Scorer = (i) => ((i * 37) % 100) / 100;

const keyOf = (split: string, i: number) => `${split === 'test' ? 1 : 5}${String(i).padStart(4, '0')}`;
const isPositive = (i: number) => i % 4 === 0;

function labels(split: string, rows = ROWS, key = keyOf): string {
  const lines = ['key,label'];
  for (let i = 0; i < rows; i++) lines.push(`${key(split, i)},${isPositive(i) ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}

/** What the batch transform writes: `rowKey, probability, label, model_version, run_id`, headerless. */
function scored(split: string, scorer: Scorer, version: string, rows = ROWS, key = keyOf): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const p = scorer(i, isPositive(i));
    lines.push(`${key(split, i)},${p.toFixed(6)},${p >= 0.5 ? 1 : 0},${version},20260302T093000Z-3fa9c1`);
  }
  return `${lines.join('\n')}\n`;
}

async function evaluate(options: {
  candidate: Scorer;
  champion?: Scorer;
  overrides?: Record<string, string>;
  key?: typeof keyOf;
  maxLatencyMsPer1000Rows?: number;
}) {
  const t = testDeps();
  const base = runState();
  const run = `runs/attrition/${base.runId}`;
  const state: EvaluateCandidateEvent = {
    ...base,
    scoring: {
      kind: 'transform',
      names: ['mlops-attrition-cand-score-db2e28f8'],
      status: 'Completed',
      attempt: 4,
      waitSeconds: 0,
      candidate: {
        trainingJobName: 'mlops-attrition-hpo-63dd53e6-006-5d1e0a7c',
        modelDataUrl: 's3://x/model.tar.gz',
        hyperparameters: {},
        objective: 0.84,
      },
      champion: options.champion
        ? {
            modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/3',
            version: 3,
            modelDataUrl: 's3://x/champion.tar.gz',
          }
        : null,
      outputs: {
        candidate: `${run}/scoring/candidate/`,
        champion: options.champion ? `${run}/scoring/champion/` : null,
      },
    },
  };
  const key = options.key ?? keyOf;
  const objects: Record<string, string | object> = {
    [`s3://${ARTIFACTS}/${run}/prepared/summary.json`]: {
      rows: { train: 1029, validation: ROWS, test: ROWS },
      positives: { train: 166, validation: 20, test: 20 },
    },
    [`s3://${ARTIFACTS}/${run}/prepared/labels/test.csv`]: labels('test', ROWS, key),
    [`s3://${ARTIFACTS}/${run}/prepared/labels/validation.csv`]: labels('validation', ROWS, key),
    [`s3://${ARTIFACTS}/${run}/scoring/candidate/test.csv.out`]: scored(
      'test',
      options.candidate,
      'candidate',
      ROWS,
      key,
    ),
    [`s3://${ARTIFACTS}/${run}/scoring/candidate/validation.csv.out`]: scored(
      'validation',
      options.candidate,
      'candidate',
      ROWS,
      key,
    ),
  };
  if (options.champion) {
    objects[`s3://${ARTIFACTS}/${run}/scoring/champion/test.csv.out`] = scored(
      'test',
      options.champion,
      '3',
      ROWS,
      key,
    );
    objects[`s3://${ARTIFACTS}/${run}/scoring/champion/validation.csv.out`] = scored(
      'validation',
      options.champion,
      '3',
      ROWS,
      key,
    );
  }
  for (const [name, body] of Object.entries(options.overrides ?? {}))
    objects[`s3://${ARTIFACTS}/${run}/${name}`] = body;
  const config = await sampleConfig();
  if (options.maxLatencyMsPer1000Rows !== undefined) config.evaluation.policy.maxLatencyMsPer1000Rows = options.maxLatencyMsPer1000Rows;
  serveRunConfig(t.mocks.s3, state, config, objects);
  const written = (name: string) => writtenObjects(t.mocks.s3).get(`s3://${ARTIFACTS}/${run}/${name}`);
  return { ...t, state, written };
}

describe('evaluateCandidate', () => {
  it('accepts a strong first candidate and explains every check', async () => {
    // Prepare
    const { deps, state } = await evaluate({ candidate: strong });

    // Act
    const result = await evaluateCandidate(state, deps);

    // Assess
    expect(EvaluationStateSchema.parse(result)).toEqual({
      decision: 'accept',
      evidenceKey: `runs/attrition/${state.runId}/evaluation/evidence.json`,
      threshold: expect.any(Number),
      headline: { metric: 'roc_auc', candidate: expect.any(Number), champion: null },
      reasons: expect.arrayContaining([
        expect.stringMatching(/^PASS floor:roc_auc: /),
        expect.stringMatching(/^PASS champion: no champion yet/),
      ]),
    });
    expect(result.headline.candidate).toBeGreaterThan(0.9);
    expect(result.threshold).toBeGreaterThan(0);
    expect(result.threshold).toBeLessThan(1);
    expect(result.reasons.every((r) => r.startsWith('PASS'))).toBe(true);
  });

  it('reads the prepared labels and both splits of scores, then writes the evidence', async () => {
    // Prepare
    const { deps, sent, state } = await evaluate({ candidate: strong, champion: fair });
    const run = `runs/attrition/${state.runId}`;

    // Act
    await evaluateCandidate(state, deps);

    // Assess
    expect(sent().map((c) => `${c.command} ${String(c.input.Key).replace(`${run}/`, '')}`)).toEqual([
      'GetObjectCommand config/pipeline.json',
      'GetObjectCommand prepared/summary.json',
      'GetObjectCommand prepared/labels/validation.csv',
      'GetObjectCommand scoring/candidate/validation.csv.out',
      'GetObjectCommand scoring/champion/validation.csv.out',
      'GetObjectCommand prepared/labels/test.csv',
      'GetObjectCommand scoring/candidate/test.csv.out',
      'GetObjectCommand scoring/champion/test.csv.out',
      'PutObjectCommand evaluation/evidence.csv',
      'PutObjectCommand evaluation/evidence.json',
    ]);
  });

  it('stores per-row test scores of both models and the metrics of candidate, champion and baseline', async () => {
    // Prepare
    const { deps, state, written } = await evaluate({ candidate: strong, champion: fair });

    // Act
    const result = await evaluateCandidate(state, deps);

    // Assess
    const rows = (written('evaluation/evidence.csv') ?? '').trim().split('\n');
    expect(rows[0]).toBe('row_key,label,candidate_score,champion_score');
    expect(rows).toHaveLength(ROWS + 1);
    expect(rows[1]).toBe(`10000,1,${strong(0, true)},${Number(fair(0, true).toFixed(6))}`);
    const evidence = JSON.parse(written('evaluation/evidence.json') ?? 'null');
    expect(evidence).toMatchObject({
      runId: state.runId,
      rows: { test: ROWS, validation: ROWS },
      baselinePrior: 166 / 1029,
      candidate: { trainingJobName: 'mlops-attrition-hpo-63dd53e6-006-5d1e0a7c' },
      champion: { modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-attrition/3' },
      gate: { decision: result.decision },
    });
    expect(result.headline.champion).toBeLessThan(result.headline.candidate);
  });

  it('rejects a candidate that is worse than the champion beyond the margin', async () => {
    // Prepare
    const { deps, state } = await evaluate({ candidate: fair, champion: strong });

    // Act
    const result = await evaluateCandidate(state, deps);

    // Assess
    expect(result.decision).toBe('reject');
    expect(result.reasons.filter((r) => r.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL champion:roc_auc: /),
    ]);
    expect(result.headline.champion).toBeGreaterThan(result.headline.candidate);
  });

  it('rejects a candidate no better than chance, on the floor', async () => {
    // Prepare
    const { deps, state } = await evaluate({ candidate: noise });

    // Act
    const result = await evaluateCandidate(state, deps);

    // Assess
    expect(result.decision).toBe('reject');
    expect(result.reasons).toContainEqual(expect.stringMatching(/^FAIL floor:roc_auc: /));
  });

  it('quotes row keys that hold a comma in the evidence file', async () => {
    // Prepare
    const key = (split: string, i: number) => `"${split},${i}"`;
    const { deps, state, written } = await evaluate({ candidate: strong, key });

    // Act
    await evaluateCandidate(state, deps);

    // Assess
    expect((written('evaluation/evidence.csv') ?? '').split('\n')[1]).toBe(`"test,0",1,${strong(0, true)},`);
  });

  it('refuses scores that are not aligned with the labels, writing no evidence', async () => {
    // Prepare
    const shuffled = scored('test', strong, 'candidate').split('\n');
    [shuffled[0], shuffled[1]] = [shuffled[1] as string, shuffled[0] as string];
    const { deps, mocks, state } = await evaluate({
      candidate: strong,
      overrides: { 'scoring/candidate/test.csv.out': shuffled.join('\n') },
    });

    // Act
    const result = evaluateCandidate(state, deps);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InputError);
    await expect(result).rejects.toThrow(/not aligned/);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('refuses a scored file with missing rows', async () => {
    // Prepare
    const partial = scored('validation', strong, 'candidate', ROWS - 3);
    const { deps, mocks, state } = await evaluate({
      candidate: strong,
      overrides: { 'scoring/candidate/validation.csv.out': partial },
    });

    // Act
    const result = evaluateCandidate(state, deps);

    // Assess
    await expect(result).rejects.toThrow(`has ${ROWS - 3} rows, the validation split has ${ROWS}`);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('checks the policy\'s latency limit against the candidate\'s scoring time per 1,000 rows', async () => {
    // Prepare: the transform scored 2 × ROWS rows in 3 s
    const slow = await evaluate({ candidate: strong, maxLatencyMsPer1000Rows: 1 });
    const started = new Date('2026-01-01T00:00:00Z');
    slow.mocks.sagemaker.on(DescribeTransformJobCommand).resolves({
      TransformStartTime: started,
      TransformEndTime: new Date(started.getTime() + 3000),
    });

    // Act
    const result = await evaluateCandidate(slow.state, slow.deps);

    // Assess
    expect(result.decision).toBe('reject');
    expect(result.reasons.join('\n')).toMatch(/FAIL latency: [\d.]+ ms per 1000 rows .* limit 1 ms/);
  });

  it('does not ask for the scoring time when the policy sets no latency limit', async () => {
    const { deps, state, mocks } = await evaluate({ candidate: strong });
    await evaluateCandidate(state, deps);
    expect(mocks.sagemaker).not.toHaveReceivedCommand(DescribeTransformJobCommand);
  });
});
