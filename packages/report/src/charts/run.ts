import type { ModelSummary, StageTiming, Trial } from '../types';
import { chart, MODEL_COLORS, type Chart, type CaptionedSpec } from './vega';

const STATE_COLORS = {
  Task: '#2563eb',
  Wait: '#cbd5e1',
  Choice: '#a78bfa',
  Pass: '#94a3b8',
  Succeed: '#16a34a',
  Fail: '#dc2626',
  failed: '#dc2626',
};

/** Time spent in each state of the execution, in the order the run first entered them. */
export function stagesChart(stages: StageTiming[]): Promise<Chart> {
  const values = stages.map((s, order) => ({
    order,
    name: s.name,
    kind: s.status === 'failed' ? 'failed' : (s.type ?? 'Task'),
    ms: s.durationMs,
    label: `${s.durationMs} ms${s.entries > 1 ? ` · ×${s.entries}` : ''}`,
  }));
  const kinds = Object.keys(STATE_COLORS).filter((k) => values.some((v) => v.kind === k));
  const y = {
    field: 'name',
    type: 'nominal',
    title: null,
    sort: { field: 'order', op: 'min' },
    axis: { labelLimit: 0 },
  } as const;
  const spec = {
    width: 520,
    height: { step: 17 },
    title: {
      text: 'Path through the state machine',
      subtitle: 'time in each state, summed over its entries (×n: polling loops)',
    },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'milliseconds' },
          color: {
            field: 'kind',
            type: 'nominal',
            title: 'state type',
            scale: { domain: kinds, range: kinds.map((k) => STATE_COLORS[k as keyof typeof STATE_COLORS]) },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#374151' },
        encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as CaptionedSpec;
  return chart('stages', spec);
}

/** Objective per trial (in creation order), the best so far, and each trial's status. */
export function trialsChart(trials: Trial[], objectiveName: string): Promise<Chart> | null {
  let best = -Infinity;
  const values = trials.flatMap((t, i) => {
    if (t.objective === null) return [];
    best = Math.max(best, t.objective);
    return [{ trial: i + 1, objective: t.objective, best, status: t.status }];
  });
  if (values.length === 0) return null;
  const x = {
    field: 'trial',
    type: 'quantitative',
    title: 'trial',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { nice: false, padding: 12 },
  } as const;
  const spec = {
    width: 520,
    height: 220,
    title: { text: `Tuning: ${objectiveName} per trial`, subtitle: 'dots: each trial (by status); line: best so far' },
    data: { values },
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after', color: MODEL_COLORS.candidate, strokeWidth: 2 },
        encoding: { x, y: { field: 'best', type: 'quantitative', title: objectiveName, scale: { zero: false } } },
      },
      {
        mark: { type: 'point', filled: true, size: 80, stroke: 'white' },
        encoding: {
          x,
          y: { field: 'objective', type: 'quantitative' },
          color: {
            field: 'status',
            type: 'nominal',
            title: 'status',
            scale: { domain: ['Completed', 'Stopped', 'Failed'], range: ['#0f766e', '#d97706', '#dc2626'] },
          },
        },
      },
    ],
  } as CaptionedSpec;
  return chart('trials', spec);
}

/** Per encoded feature: the logistic weight, or how often a tree splits on it (gbt, no direction). */
export function featureEffects(model: ModelSummary): { feature: string; value: number }[] {
  if (model.modelType === 'logistic' && model.logistic) {
    return model.featureNames.map((feature, i) => ({ feature, value: model.logistic?.weights[i] ?? 0 }));
  }
  const splits = new Map<number, number>();
  for (const tree of model.gbt?.trees ?? [])
    for (const f of tree.feature) if (f >= 0) splits.set(f, (splits.get(f) ?? 0) + 1);
  return model.featureNames.map((feature, i) => ({ feature, value: splits.get(i) ?? 0 }));
}

/** The strongest feature effects as horizontal bars (top `limit` by magnitude). */
export function featuresChart(model: ModelSummary, positiveName: string, limit = 20): Promise<Chart> | null {
  const ranked = featureEffects(model)
    .filter((e) => e.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, limit);
  if (ranked.length === 0) return null;
  const logistic = model.modelType === 'logistic';
  const raises = `raises P(${positiveName})`;
  const lowers = `lowers P(${positiveName})`;
  const values = ranked.map((e, rank) => ({
    ...e,
    rank,
    direction: !logistic ? 'splits' : e.value > 0 ? raises : lowers,
  }));
  const spec = {
    width: 420,
    height: { step: 16 },
    title: logistic
      ? {
          text: `Feature effects: top ${ranked.length} logistic coefficients`,
          subtitle: 'log-odds per standard deviation (numeric) or for the category (one-hot)',
        }
      : {
          text: `Feature use: top ${ranked.length} by tree splits`,
          subtitle: 'gradient-boosted trees have no signed coefficients; counts of splits',
        },
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      y: {
        field: 'feature',
        type: 'nominal',
        title: null,
        sort: { field: 'rank', op: 'min' },
        axis: { labelLimit: 0 },
      },
      x: { field: 'value', type: 'quantitative', title: logistic ? 'coefficient (log-odds)' : 'splits' },
      color: logistic
        ? {
            field: 'direction',
            type: 'nominal',
            title: null,
            scale: { domain: [raises, lowers], range: ['#dc2626', '#0d9488'] },
          }
        : { value: MODEL_COLORS.candidate },
    },
  } as CaptionedSpec;
  return chart('features', spec);
}
