import type { Evidence, MetricsReport } from '../types';
import { chart, MODEL_COLORS, type Chart, type CaptionedSpec } from './vega';

type Who = keyof typeof MODEL_COLORS;
interface Series {
  who: Who;
  report: MetricsReport;
}

/** Class names for the score charts: the target's labels when the model says them. */
export interface ClassNames {
  positive: string;
  negative: string;
}

const SIZE = { width: 300, height: 260 };

function seriesOf(evidence: Evidence, withBaseline: boolean): Series[] {
  const series: Series[] = [{ who: 'candidate', report: evidence.candidate.report }];
  if (evidence.champion) series.push({ who: 'champion', report: evidence.champion.report });
  if (withBaseline) series.push({ who: 'baseline', report: evidence.baseline });
  return series;
}

function modelColor(series: Series[]) {
  return {
    field: 'model',
    type: 'nominal',
    title: null,
    scale: { domain: series.map((s) => s.who), range: series.map((s) => MODEL_COLORS[s.who]) },
  } as const;
}

const unit = (field: string, title: string) => ({
  field,
  type: 'quantitative' as const,
  title,
  scale: { domain: [0, 1] },
});
const diagonal = {
  mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#cbd5e1' },
  encoding: { x: { datum: 0 }, y: { datum: 0 }, x2: { datum: 1 }, y2: { datum: 1 } },
};

function operatingPoints(series: Series[]) {
  return series
    .filter((s) => s.who !== 'baseline')
    .map(({ who, report }) => {
      const { tp, fp, tn, fn } = report.confusion;
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      return {
        model: who,
        fpr: fp / Math.max(1, fp + tn),
        tpr: tp / Math.max(1, tp + fn),
        recall: tp / Math.max(1, tp + fn),
        precision,
      };
    });
}

function rocSpec(series: Series[]): CaptionedSpec {
  const values = series.flatMap(({ who, report }) =>
    report.curves.roc.map((p, i) => ({ model: who, i, fpr: p.fpr, tpr: p.tpr })),
  );
  const auc = series.map((s) => `${s.who} ${(s.report.metrics.roc_auc ?? NaN).toFixed(3)}`).join(' · ');
  return {
    ...SIZE,
    title: { text: 'ROC curve (test split)', subtitle: `AUC: ${auc}; dots mark the operating thresholds` },
    layer: [
      diagonal,
      {
        data: { values },
        mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 },
        encoding: {
          x: unit('fpr', 'false positive rate'),
          y: unit('tpr', 'true positive rate'),
          color: modelColor(series),
          order: { field: 'i' },
        },
      },
      {
        data: { values: operatingPoints(series) },
        mark: { type: 'point', filled: true, size: 70, stroke: 'white' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative' },
          y: { field: 'tpr', type: 'quantitative' },
          color: modelColor(series),
        },
      },
    ],
  } as CaptionedSpec;
}

function prSpec(series: Series[], prevalence: number): CaptionedSpec {
  const values = series.flatMap(({ who, report }) =>
    report.curves.pr.map((p, i) => ({ model: who, i, recall: p.recall, precision: p.precision })),
  );
  const auc = series.map((s) => `${s.who} ${(s.report.metrics.pr_auc ?? NaN).toFixed(3)}`).join(' · ');
  return {
    ...SIZE,
    title: {
      text: 'Precision–recall curve (test split)',
      subtitle: `PR AUC: ${auc}; dashed: prevalence ${prevalence.toFixed(3)}`,
    },
    layer: [
      { mark: { type: 'rule', strokeDash: [4, 4], color: '#cbd5e1' }, encoding: { y: { datum: prevalence } } },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: unit('recall', 'recall'),
          y: unit('precision', 'precision'),
          color: modelColor(series),
          order: { field: 'i' },
        },
      },
      {
        data: { values: operatingPoints(series) },
        mark: { type: 'point', filled: true, size: 70, stroke: 'white' },
        encoding: {
          x: { field: 'recall', type: 'quantitative' },
          y: { field: 'precision', type: 'quantitative' },
          color: modelColor(series),
        },
      },
    ],
  } as CaptionedSpec;
}

function calibrationSpec(series: Series[]): CaptionedSpec {
  const values = series.flatMap(({ who, report }) =>
    report.calibration
      .filter((b) => b.count > 0 && b.meanPredicted !== null)
      .map((b) => ({ model: who, predicted: b.meanPredicted, observed: b.observedRate, rows: b.count })),
  );
  const encoding = {
    x: unit('predicted', 'mean predicted probability'),
    y: unit('observed', 'observed positive rate'),
    color: modelColor(series),
  };
  return {
    ...SIZE,
    title: {
      text: 'Calibration (test split)',
      subtitle: 'per score bin; dashed: perfect calibration; dot size: rows in the bin',
    },
    data: { values },
    layer: [
      diagonal,
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { ...encoding, order: { field: 'predicted' } } },
      {
        mark: { type: 'point', filled: true, opacity: 0.9 },
        encoding: {
          ...encoding,
          size: { field: 'rows', type: 'quantitative', title: 'rows', legend: null, scale: { range: [20, 300] } },
        },
      },
    ],
  } as CaptionedSpec;
}

function histogramSpec(series: Series[], names: ClassNames): CaptionedSpec {
  const values = series.flatMap(({ who, report }) => {
    const { edges, positive, negative } = report.histogram;
    const totals = { pos: Math.max(1, report.positives), neg: Math.max(1, report.rows - report.positives) };
    return edges
      .slice(0, -1)
      .flatMap((lo, i) => [
        { model: who, kind: 'bin', cls: names.positive, lo, hi: edges[i + 1], share: (positive[i] ?? 0) / totals.pos },
        { model: who, kind: 'bin', cls: names.negative, lo, hi: edges[i + 1], share: (negative[i] ?? 0) / totals.neg },
      ])
      .concat([
        { model: who, kind: 'threshold', cls: '', lo: report.threshold.value, hi: report.threshold.value, share: 0 },
      ]);
  });
  return {
    data: { values },
    title: {
      text: 'Score distribution by class (test split)',
      subtitle: 'share of each class per score bin; dashed: operating threshold',
    },
    facet: { column: { field: 'model', type: 'nominal', title: null, sort: series.map((s) => s.who) } },
    spec: {
      width: series.length > 1 ? 260 : 320,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: 'bar', opacity: 0.6, binSpacing: 0 },
          encoding: {
            x: { field: 'lo', type: 'quantitative', title: 'predicted probability', scale: { domain: [0, 1] } },
            x2: { field: 'hi' },
            y: { field: 'share', type: 'quantitative', title: 'share of class', stack: null, axis: { format: '%' } },
            y2: { datum: 0 },
            color: {
              field: 'cls',
              type: 'nominal',
              title: null,
              scale: { domain: [names.positive, names.negative], range: ['#dc2626', '#0d9488'] },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'threshold'" }],
          mark: { type: 'rule', strokeDash: [4, 3], color: '#111827' },
          encoding: { x: { field: 'lo', type: 'quantitative' } },
        },
      ],
    },
  } as CaptionedSpec;
}

function confusionSpec(series: Series[], names: ClassNames): CaptionedSpec {
  const values = series.flatMap(({ who, report }) => {
    const { tp, fp, tn, fn } = report.confusion;
    const max = Math.max(1, tp, fp, tn, fn);
    const cell = (actual: string, predicted: string, count: number, what: string) => ({
      model: who,
      actual,
      predicted,
      count,
      dark: count / max > 0.55,
      label: `${count} ${what}`,
    });
    return [
      cell(names.positive, names.positive, tp, 'TP'),
      cell(names.positive, names.negative, fn, 'FN'),
      cell(names.negative, names.positive, fp, 'FP'),
      cell(names.negative, names.negative, tn, 'TN'),
    ];
  });
  const order = [names.positive, names.negative];
  const thresholds = series.map((s) => `${s.who} ${s.report.threshold.value.toFixed(3)}`).join(' · ');
  return {
    data: { values },
    title: { text: 'Confusion matrix (test split)', subtitle: `at the operating threshold: ${thresholds}` },
    facet: { column: { field: 'model', type: 'nominal', title: null, sort: series.map((s) => s.who) } },
    spec: {
      width: 180,
      height: 150,
      encoding: {
        x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted', axis: { labelAngle: 0 } },
        y: { field: 'actual', type: 'nominal', sort: order, title: 'actual' },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: null } },
        },
        {
          mark: { type: 'text', fontSize: 13, fontWeight: 600 },
          encoding: {
            text: { field: 'label' },
            color: { condition: { test: 'datum.dark', value: 'white' }, value: '#111827' },
          },
        },
      ],
    },
  } as CaptionedSpec;
}

/** ROC, PR, calibration, score distributions and confusion matrices for the candidate (and champion when there is one). */
export async function evaluationCharts(evidence: Evidence, names: ClassNames): Promise<Chart[]> {
  const withBaseline = seriesOf(evidence, true);
  const models = seriesOf(evidence, false);
  const prevalence = evidence.candidate.report.positives / evidence.candidate.report.rows;
  return Promise.all([
    chart('roc', rocSpec(withBaseline)),
    chart('pr', prSpec(models, prevalence)),
    chart('calibration', calibrationSpec(models)),
    chart('scores', histogramSpec(models, names)),
    chart('confusion', confusionSpec(models, names)),
  ]);
}
