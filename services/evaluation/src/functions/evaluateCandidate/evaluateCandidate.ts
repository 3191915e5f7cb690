import { DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import { CandidateSchema, ChampionSchema, InputError, JobRefSchema, layout, RunStateSchema, type EvaluationState, type RunState } from '@mlops/core';
import { csvRecordBatches, getJson, putJson, putText } from '@mlops/clients';
import { baselineScores, chooseThreshold, decide, evaluateScores, type MetricsReport } from '@mlops/metrics';
import { MetricUnit, runConfig, type Deps } from '@mlops/lambda-kit';

export const EvaluateCandidateEvent = z.extend(RunStateSchema, {
  scoring: z.extend(JobRefSchema, {
    candidate: z.catchall(z.partial(CandidateSchema, { modelName: true }), z.unknown()),
    champion: z.nullable(z.catchall(z.partial(ChampionSchema, { modelName: true }), z.unknown())),
    outputs: z.object({ candidate: z.string(), champion: z.nullable(z.string()) }),
  }),
});
export type EvaluateCandidateEvent = z.infer<typeof EvaluateCandidateEvent>;

interface Scored {
  keys: string[];
  labels: Uint8Array;
  candidate: Float64Array;
  champion: Float64Array | null;
}

async function readSplit(deps: Deps, bucket: string, state: EvaluateCandidateEvent, split: 'test' | 'validation'): Promise<Scored> {
  const { s3 } = deps.clients;
  const prepared = layout.prepared(state.pipeline, state.runId);
  const keys: string[] = [];
  const labels: number[] = [];
  for await (const batch of csvRecordBatches(s3, bucket, `${prepared}labels/${split}.csv`, { header: true })) {
    for (const [key, label] of batch) {
      keys.push(key as string);
      labels.push(label === '1' ? 1 : 0);
    }
  }
  const read = async (prefix: string) => {
    const scores = new Float64Array(keys.length);
    let i = 0;
    for await (const batch of csvRecordBatches(s3, bucket, `${prefix}${split}.csv.out`)) {
      for (const [key, score] of batch) {
        if (i >= keys.length) throw new InputError(`${prefix}${split}.csv.out has more rows than the ${split} split (${keys.length})`);
        if (key !== keys[i]) throw new InputError(`scored ${split} row ${i + 1} has key ${key}, expected ${keys[i]}: outputs are not aligned`);
        scores[i++] = Number(score);
      }
    }
    if (i !== keys.length) throw new InputError(`${prefix}${split}.csv.out has ${i} rows, the ${split} split has ${keys.length}`);
    return scores;
  };
  const candidate = await read(state.scoring.outputs.candidate);
  const champion = state.scoring.outputs.champion ? await read(state.scoring.outputs.champion) : null;
  return { keys, labels: Uint8Array.from(labels), candidate, champion };
}

function evidenceCsv(test: Scored): string {
  const lines = ['row_key,label,candidate_score,champion_score'];
  test.keys.forEach((key, i) => {
    const quoted = /[",\n\r]/.test(key) ? `"${key.replace(/"/g, '""')}"` : key;
    lines.push(`${quoted},${test.labels[i]},${test.candidate[i]},${test.champion ? test.champion[i] : ''}`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Batch scoring time of the candidate per 1,000 rows: its transform job's duration (container start included) over
 * the rows it scored. What the policy's `maxLatencyMsPer1000Rows` is checked against.
 */
async function latencyMsPer1000Rows(deps: Deps, jobName: string, rows: number): Promise<number | undefined> {
  const job = await deps.clients.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: jobName }));
  if (!job.TransformStartTime || !job.TransformEndTime || rows === 0) return undefined;
  return ((job.TransformEndTime.getTime() - job.TransformStartTime.getTime()) / rows) * 1000;
}

/**
 * Independent evaluation: the candidate's and the champion's scores on the same held-out test rows, the operating
 * threshold chosen on the validation rows, the prior (majority-class) model as the baseline, and the gate's
 * decision with every reason. Evidence (metrics JSON and per-row scores CSV) is stored next to the run.
 */
export async function evaluateCandidate(state: EvaluateCandidateEvent, deps: Deps): Promise<EvaluationState> {
  const { clients, env, logger } = deps;
  const config = await runConfig(state as RunState, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const summary = await getJson<{ rows: { train: number }; positives: { train: number } }>(
    clients.s3,
    artifacts,
    `${layout.prepared(state.pipeline, state.runId)}summary.json`,
  );
  const validation = await readSplit(deps, artifacts, state, 'validation');
  const test = await readSplit(deps, artifacts, state, 'test');
  const { threshold: rule, bootstrap, policy } = config.evaluation;

  const report = (scores: Float64Array, validationScores: Float64Array): MetricsReport =>
    evaluateScores({
      labels: test.labels,
      scores,
      threshold: chooseThreshold(rule, validation.labels, validationScores),
      bootstrap: { samples: bootstrap.samples, confidence: bootstrap.confidence, seed: 42 },
    });
  const candidate = report(test.candidate, validation.candidate);
  const champion = test.champion && validation.champion ? report(test.champion, validation.champion) : undefined;
  const prior = summary.positives.train / summary.rows.train;
  const baseline = evaluateScores({ labels: test.labels, scores: baselineScores(prior, test.keys.length), threshold: 0.5, bootstrap: { samples: 0 } });
  const latency = policy.maxLatencyMsPer1000Rows === undefined
    ? undefined
    : await latencyMsPer1000Rows(deps, state.scoring.names[0] as string, test.keys.length + validation.keys.length);
  const gate = decide({ policy, candidate, champion, baseline, latencyMsPer1000Rows: latency });

  const evidenceKey = layout.evidence(state.pipeline, state.runId);
  await putText(clients.s3, artifacts, layout.evidenceRows(state.pipeline, state.runId), evidenceCsv(test), 'text/csv');
  await putJson(clients.s3, artifacts, evidenceKey, {
    runId: state.runId,
    rows: { test: test.keys.length, validation: validation.keys.length },
    baselinePrior: prior,
    candidate: { trainingJobName: state.scoring.candidate.trainingJobName, report: candidate },
    champion: state.scoring.champion && champion ? { modelPackageArn: state.scoring.champion.modelPackageArn, report: champion } : null,
    baseline,
    latencyMsPer1000Rows: latency ?? null,
    gate,
  });
  const metric = policy.nonInferiority.metric;
  const qualityMetric = deps.metrics.singleMetric();
  qualityMetric.addDimensions({ pipeline: state.pipeline });
  if (candidate.metrics.roc_auc !== undefined) qualityMetric.addMetric('CandidateRocAuc', MetricUnit.NoUnit, candidate.metrics.roc_auc);
  const gateMetric = deps.metrics.singleMetric();
  gateMetric.addDimensions({ pipeline: state.pipeline, decision: gate.decision });
  gateMetric.addMetric('GateDecisions', MetricUnit.Count, 1);
  logger.info('candidate evaluated', { decision: gate.decision, [metric]: candidate.metrics[metric] ?? null });
  return {
    decision: gate.decision,
    evidenceKey,
    threshold: candidate.threshold.value,
    headline: { metric, candidate: candidate.metrics[metric] as number, champion: champion?.metrics[metric] ?? null },
    reasons: gate.reasons.map((r) => `${r.passed ? 'PASS' : 'FAIL'} ${r.check}: ${r.detail}`),
  };
}
