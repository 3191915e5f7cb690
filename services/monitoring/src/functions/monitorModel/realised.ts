import { csvRecordBatches } from '@mlops/clients';
import { InputError, type MetricName, type ResolvedPipelineConfig } from '@mlops/core';
import { calibrationBins, evaluateScores, METRIC_DIRECTION } from '@mlops/metrics';
import type { Deps } from '@mlops/lambda-kit';

/** Ground truth: row key → 1 (positive class) / 0, read from one labels CSV (header with the row key and target). */
export async function readLabels(deps: Deps, bucket: string, key: string, config: ResolvedPipelineConfig): Promise<Map<string, number>> {
  const { rowKey, target, positiveLabel, negativeLabel } = config.dataset;
  const labels = new Map<string, number>();
  let keyAt = -1;
  let targetAt = -1;
  let line = 0;
  for await (const batch of csvRecordBatches(deps.clients.s3, bucket, key)) {
    for (const record of batch) {
      line += 1;
      if (line === 1) {
        keyAt = record.indexOf(rowKey);
        targetAt = record.indexOf(target);
        if (keyAt < 0 || targetAt < 0) {
          throw new InputError(`labels s3://${bucket}/${key} need the columns ${rowKey} and ${target}; the header has ${record.join(', ')}`);
        }
        continue;
      }
      const value = record[targetAt]?.trim();
      if (value !== positiveLabel && value !== negativeLabel) {
        throw new InputError(
          `labels s3://${bucket}/${key} line ${line}: ${target} is ${JSON.stringify(value)}, expected ${positiveLabel} or ${negativeLabel}`,
        );
      }
      labels.set(record[keyAt] as string, value === positiveLabel ? 1 : 0);
    }
  }
  return labels;
}

/** Labelled predictions of one model version. */
export interface Joined {
  modelVersion: number;
  labels: number[];
  scores: number[];
}

/**
 * Stream prediction files (headerless CSV: key, probability, label, model version, run id, contributions…) and keep
 * the rows that have ground truth, grouped by model version. Only the labels are held in memory.
 */
export async function joinPredictions(deps: Deps, bucket: string, files: string[], labels: Map<string, number>): Promise<Map<number, Joined>> {
  const byVersion = new Map<number, Joined>();
  for (const file of files) {
    for await (const batch of csvRecordBatches(deps.clients.s3, bucket, file)) {
      for (const record of batch) {
        const label = labels.get(record[0] as string);
        if (label === undefined) continue;
        const modelVersion = Number(record[3]);
        const score = Number(record[1]);
        if (!Number.isFinite(score) || !Number.isInteger(modelVersion)) {
          throw new InputError(`s3://${bucket}/${file}: row ${record[0]} is not a prediction (probability ${record[1]}, model version ${record[3]})`);
        }
        let group = byVersion.get(modelVersion);
        if (group === undefined) byVersion.set(modelVersion, (group = { modelVersion, labels: [], scores: [] }));
        group.labels.push(label);
        group.scores.push(score);
      }
    }
  }
  return byVersion;
}

/** Realised quality of one model version over one window. */
export interface RealisedMetrics {
  modelVersion: number;
  labelled: number;
  positives: number;
  /** Every metric the gate knows, at the model's operating threshold; null when one class is missing. */
  metrics: Partial<Record<MetricName, number>> | null;
  /** Expected calibration error: the count-weighted gap between mean score and observed rate over 10 bins. */
  calibrationError: number | null;
  calibration: ReturnType<typeof calibrationBins>;
}

/** Metrics of labelled predictions; AUC-like metrics need both classes, otherwise `metrics` is null. */
export function realisedMetrics(joined: Joined, threshold: number): RealisedMetrics {
  const labels = Uint8Array.from(joined.labels);
  const scores = Float64Array.from(joined.scores);
  const positives = joined.labels.reduce((a, b) => a + b, 0);
  const bothClasses = positives > 0 && positives < labels.length;
  const calibration = labels.length > 0 ? calibrationBins(labels, scores, 10) : [];
  const calibrationError =
    labels.length === 0
      ? null
      : calibration.reduce((sum, bin) => sum + (bin.count === 0 ? 0 : bin.count * Math.abs((bin.meanPredicted ?? 0) - (bin.observedRate ?? 0))), 0) /
        labels.length;
  return {
    modelVersion: joined.modelVersion,
    labelled: labels.length,
    positives,
    metrics: bothClasses ? evaluateScores({ labels, scores, threshold, bootstrap: { samples: 0 } }).metrics : null,
    calibrationError,
    calibration,
  };
}

/** How far `realised` fell below `evaluated` (positive = worse), whatever the metric's direction. */
export function metricDrop(metric: MetricName, evaluated: number, realised: number): number {
  return METRIC_DIRECTION[metric] === 'higher' ? evaluated - realised : realised - evaluated;
}
