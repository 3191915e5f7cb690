import { evaluationCharts, type ClassNames } from './charts/evaluation';
import { featuresChart, stagesChart, trialsChart } from './charts/run';
import type { Chart } from './charts/vega';
import { page } from './html';
import { evaluationSection, featuresSection } from './sections/evaluation';
import { costSection, header, lineageSection, pathSection, tuningSection, validationSection } from './sections/run';
import type { RunReportInput } from './types';

export * from './types';
export type { Chart } from './charts/vega';

const NAV: [string, string][] = [
  ['path', 'Pipeline path'],
  ['validation', 'Validation'],
  ['tuning', 'Tuning'],
  ['evaluation', 'Evaluation'],
  ['features', 'Feature effects'],
  ['lineage', 'Lineage'],
  ['cost', 'Cost'],
];

function classNames(input: RunReportInput): ClassNames {
  const target = input.model?.target;
  return target
    ? { positive: `${target.name}=${target.positiveLabel}`, negative: `${target.name}=${target.negativeLabel}` }
    : { positive: 'positive (1)', negative: 'negative (0)' };
}

/** Ids of the charts a report of this input holds, in page order (what a viewer or a test can expect to find). */
export function expectedCharts(input: RunReportInput): string[] {
  const ids: string[] = [];
  if ((input.record.stages ?? []).length > 0) ids.push('stages');
  if (input.trials.some((t) => t.objective !== null)) ids.push('trials');
  if (input.evidence) ids.push('roc', 'pr', 'calibration', 'scores', 'confusion');
  if (input.model) ids.push('features');
  return ids;
}

/**
 * The run report: one self-contained HTML page (inline CSS, inline SVG charts rendered with Vega-Lite, no script and
 * no external resource). Pure: everything comes from `input`, nothing is read or written. Asynchronous only because
 * Vega renders asynchronously.
 * @example const html = await renderRunReport({ record, validation, evidence, trials: record.tuning?.trials ?? [], model })
 */
export async function renderRunReport(input: RunReportInput): Promise<string> {
  const { record, evidence, model, trials } = input;
  const names = classNames(input);
  const objective = record.scoring?.candidate?.hyperparameters?._tuning_objective_metric ?? 'objective';
  const [stages, tuning, features, evaluation] = await Promise.all([
    (record.stages ?? []).length > 0 ? stagesChart(record.stages ?? []) : null,
    trialsChart(trials, objective),
    model ? featuresChart(model, names.positive) : null,
    evidence ? evaluationCharts(evidence, names) : ([] as Chart[]),
  ]);
  const body = [
    pathSection(record, stages),
    validationSection(record, input.validation),
    tuningSection(record, trials, tuning),
    evaluationSection(record, evidence, evaluation),
    featuresSection(model, features, record.scoring?.candidate?.modelDataUrl ?? 'model.tar.gz'),
    lineageSection(record, input.artifactsBucket),
    costSection(record),
  ].join('\n');
  return page(`Run ${record.runId} (${record.pipeline}): ${record.status}`, header(record), NAV, body);
}
