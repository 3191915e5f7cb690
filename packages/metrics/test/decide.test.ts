import { PolicySchema, type GatePolicy } from '@mlops/core';
import { describe, expect, it } from 'vitest';
import { baselineScores, decide, evaluateScores, GateDecisionSchema, type MetricsReport } from '../src';
import { synthetic } from './helpers';

// 1000 test rows, 16.1% positive: "always No" scores 0.839 accuracy on them.
const ROWS = 1_000;
const labels = Uint8Array.from({ length: ROWS }, (_, i) => (i < 161 ? 1 : 0));
const prior = 0.161;

/** Scores of a model of the given strength on the fixed labels (scores from a seeded synthetic model). */
function reportFor(scores: Float64Array): MetricsReport {
  return evaluateScores({ labels, scores, threshold: 0.5, bootstrap: { samples: 0 } });
}

function modelScores(shift: number, seed: number): Float64Array {
  const noise = synthetic(ROWS, 0.5, 0, seed).scores;
  // Push positives up by `shift` on the logit scale: larger shift, better ranking.
  return noise.map((s, i) => 1 / (1 + Math.exp(-(Math.log(s / (1 - s)) - 0.3 + (labels[i] === 1 ? shift : -shift)))));
}

const baseline = reportFor(baselineScores(prior, ROWS));
const strong = reportFor(modelScores(1.2, 1));
const weak = reportFor(modelScores(0.6, 1));
const policy: GatePolicy = PolicySchema.parse({});

function reason(decision: ReturnType<typeof decide>, check: string) {
  const found = decision.reasons.find((r) => r.check === check);
  if (!found) throw new Error(`no reason ${check} in ${JSON.stringify(decision.reasons)}`);
  return found;
}

describe('decide', () => {
  it('first run: floors and baseline decide, and a reason says there is no champion', () => {
    // Act
    const decision = decide({ policy, candidate: strong, baseline });
    // Assess
    expect(GateDecisionSchema.parse(decision)).toEqual(decision);
    expect(decision.decision).toBe('accept');
    expect(reason(decision, 'champion')).toMatchObject({ passed: true, detail: expect.stringMatching(/no champion/) });
    expect(reason(decision, 'floor:roc_auc').detail).toMatch(/^roc_auc 0\.\d+ > floor \(higher is better\) 0\.7$/);
    expect(reason(decision, 'baseline:roc_auc').passed).toBe(true);
    expect(reason(decision, 'baseline:log_loss').passed).toBe(true);
    expect(decision.reasons.map((r) => r.check)).toEqual([
      'floor:roc_auc',
      'same-rows:baseline',
      'baseline:roc_auc',
      'baseline:log_loss',
      'champion',
    ]);
  });

  it('accepts a candidate equal to the champion (non-inferior by construction)', () => {
    const decision = decide({ policy, candidate: strong, champion: structuredClone(strong), baseline });
    expect(decision.decision).toBe('accept');
    expect(reason(decision, 'champion:roc_auc').detail).toMatch(/\(\+0\); allowed drop of at most 0\.01$/);
  });

  it('rejects a candidate worse than the champion by more than the margin, with the numbers', () => {
    expect(strong.metrics.roc_auc - weak.metrics.roc_auc).toBeGreaterThan(0.01);
    const decision = decide({ policy, candidate: weak, champion: strong, baseline });
    expect(decision.decision).toBe('reject');
    const check = reason(decision, 'champion:roc_auc');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain(`vs champion ${Number(strong.metrics.roc_auc.toPrecision(6))}`);
    // Every other check still passed: the champion comparison alone rejected it.
    expect(decision.reasons.filter((r) => !r.passed)).toHaveLength(1);
  });

  it('accepts a drop exactly equal to the margin despite float noise', () => {
    const champion = structuredClone(strong);
    const candidate = structuredClone(strong);
    champion.metrics.roc_auc = 0.81;
    candidate.metrics.roc_auc = 0.8;
    expect(decide({ policy, candidate, champion, baseline }).decision).toBe('accept');
  });

  it('rejects a constant "always No" model that clears an accuracy floor but not the prior model', () => {
    // Prepare: a policy that only asks for 80% accuracy, and a model that scores every row 0.05.
    const naive = PolicySchema.parse({ floors: { accuracy: 0.8 } });
    const alwaysNo = reportFor(new Float64Array(ROWS).fill(0.05));
    // Act
    const decision = decide({ policy: naive, candidate: alwaysNo, baseline });
    // Assess
    expect(alwaysNo.metrics.accuracy).toBeCloseTo(0.839, 12);
    expect(reason(decision, 'floor:accuracy').passed).toBe(true);
    expect(decision.decision).toBe('reject');
    expect(reason(decision, 'baseline:roc_auc')).toMatchObject({
      passed: false,
      detail: 'roc_auc 0.5 vs prior model 0.5 (+0); must be strictly higher',
    });
    expect(reason(decision, 'baseline:log_loss').passed).toBe(false);
    expect(reason(decision, 'baseline:log_loss').detail).toMatch(/must be strictly lower$/);
  });

  it('treats floors on log_loss and brier as ceilings', () => {
    const loose = PolicySchema.parse({ floors: { log_loss: 0.6, brier: 0.2 } });
    const tight = PolicySchema.parse({ floors: { log_loss: strong.metrics.log_loss / 2, brier: 0.2 } });
    const accepted = decide({ policy: loose, candidate: strong, baseline });
    const rejected = decide({ policy: tight, candidate: strong, baseline });
    expect(accepted.decision).toBe('accept');
    expect(reason(accepted, 'floor:log_loss').detail).toMatch(/< ceiling \(lower is better\) 0\.6$/);
    expect(rejected.decision).toBe('reject');
    expect(reason(rejected, 'floor:log_loss')).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/> ceiling/),
    });
    expect(reason(rejected, 'floor:brier').passed).toBe(true);
  });

  it('checks non-inferiority on a lower-is-better metric as candidate ≤ champion + margin', () => {
    const byLogLoss = PolicySchema.parse({ nonInferiority: { metric: 'log_loss', margin: 0.001 } });
    expect(decide({ policy: byLogLoss, candidate: strong, champion: weak, baseline }).decision).toBe('accept');
    const decision = decide({ policy: byLogLoss, candidate: weak, champion: strong, baseline });
    expect(reason(decision, 'champion:log_loss')).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/allowed rise of at most 0\.001$/),
    });
  });

  it('limits latency when the policy does, and fails when nothing was measured', () => {
    const limited = PolicySchema.parse({ maxLatencyMsPer1000Rows: 50 });
    expect(
      reason(decide({ policy: limited, candidate: strong, baseline, latencyMsPer1000Rows: 12 }), 'latency'),
    ).toEqual({
      check: 'latency',
      passed: true,
      detail: '12 ms per 1000 rows < limit 50 ms',
    });
    expect(decide({ policy: limited, candidate: strong, baseline, latencyMsPer1000Rows: 80 }).decision).toBe('reject');
    expect(reason(decide({ policy: limited, candidate: strong, baseline }), 'latency').passed).toBe(false);
  });

  it('refuses to compare reports from different rows', () => {
    const other = { ...strong, rows: strong.rows - 1 };
    const decision = decide({ policy, candidate: strong, champion: other, baseline });
    expect(decision.decision).toBe('reject');
    expect(reason(decision, 'same-rows:champion').detail).toMatch(/999 rows .* not comparable/);
  });

  it('skips the baseline comparison only when the policy says so', () => {
    const lenient = PolicySchema.parse({ mustBeatBaseline: false, floors: {} });
    const alwaysNo = reportFor(new Float64Array(ROWS).fill(0.05));
    const decision = decide({ policy: lenient, candidate: alwaysNo, baseline });
    expect(decision.decision).toBe('accept');
    expect(reason(decision, 'baseline').detail).toMatch(/not required/);
  });
});
