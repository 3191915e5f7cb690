import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as tarCreate } from 'tar';
import { describe, expect, it } from 'vitest';
import { esc } from '../src/html';
import { expectedCharts, fileInTar, renderRunReport, type RunReportInput } from '../src/index';

// test/fixtures/run.json: the loaded input of a real second local run (champion present), see make-fixture.ts.
const fixture = async (): Promise<RunReportInput> =>
  JSON.parse(await readFile(new URL('./fixtures/run.json', import.meta.url), 'utf8')) as RunReportInput;

/** The markup of one chart's figure. */
function figureOf(html: string, id: string): string {
  const start = html.indexOf(`<figure class="chart" data-chart="${id}">`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</figure>', start));
}

/** Paths drawn by Vega marks (not axes or legends) with a non-empty `d`. */
function markPaths(svg: string): number {
  const groups = [...svg.matchAll(/<g class="mark-\w+ role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].map((m) => m[1] ?? '');
  return groups.reduce((n, g) => n + (g.match(/<path[^>]* d="M[^"]+"/g) ?? []).length, 0);
}

describe('renderRunReport', () => {
  it('renders every section and every chart of a run judged against a champion', async () => {
    const input = await fixture();
    const html = await renderRunReport(input);
    const charts = expectedCharts(input);
    expect(charts).toEqual(['stages', 'trials', 'roc', 'pr', 'calibration', 'scores', 'confusion', 'features']);
    for (const id of charts) {
      const figure = figureOf(html, id);
      expect(figure, id).toContain('<svg');
      expect(markPaths(figure), id).toBeGreaterThan(0);
    }
    for (const id of ['path', 'validation', 'tuning', 'evaluation', 'features', 'lineage', 'cost'])
      expect(html).toContain(`<section id="${id}">`);
    const { record, evidence } = input;
    expect(html).toContain(record.runId);
    for (const stage of record.stages ?? []) expect(html).toContain(`>${stage.name}<`);
    for (const reason of evidence?.gate.reasons ?? []) expect(html).toContain(esc(reason.detail));
    for (const trial of input.trials) expect(html).toContain(trial.name);
    expect(html).toContain(`version <code>${record.dataset?.versionId}</code>`);
    expect(html).toContain(`$${record.cost?.estimate?.totalUsd.toFixed(4)}`);
    const ci = evidence?.candidate.report.ci.roc_auc;
    expect(html).toContain(`${ci?.lower.toFixed(3)} – ${ci?.upper.toFixed(3)}`);
    expect(figureOf(html, 'roc')).toContain('champion');
  });

  it('is self-contained: inline CSS and SVG, no script, nothing to fetch', async () => {
    const html = await renderRunReport(await fixture());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|\bsrc=|url\((?!#)/i);
    expect(html.match(/href="(?!#)[^"]*"/g)).toBeNull();
  });

  it('a first run has no champion: curves for the candidate (and baseline) only', async () => {
    const input = await fixture();
    const evidence = { ...input.evidence!, champion: null };
    const record = { ...input.record, scoring: { ...input.record.scoring, champion: null } };
    const html = await renderRunReport({ ...input, record, evidence });
    expect(figureOf(html, 'roc')).not.toContain('champion');
    expect(markPaths(figureOf(html, 'roc'))).toBeGreaterThan(0);
    expect(html).toContain('no champion yet');
    expect(html).toContain('none (first model)');
  });

  it('invalid data: the failed rules with their offending rows, and no evaluation', async () => {
    const input = await fixture();
    const rules = input.validation!.rules.slice(0, 3);
    const failed = {
      ...rules[2]!,
      result: 'FAIL' as const,
      failedRowCount: 1,
      exampleRows: [17],
      message: 'Value <Maybe> not in set',
    };
    const record = {
      ...input.record,
      status: 'invalid-data',
      stages: input.record.stages?.slice(0, 5),
      tuning: null,
      scoring: null,
      evaluation: null,
      registration: null,
      predictions: null,
    };
    const html = await renderRunReport({
      ...input,
      record,
      validation: { status: 'FAILED', rules: [rules[0]!, rules[1]!, failed], failedRules: 1 },
      evidence: null,
      trials: [],
      model: null,
    });
    expect(expectedCharts({ ...input, record, evidence: null, trials: [], model: null })).toEqual(['stages']);
    expect(html).toContain('INVALID-DATA');
    expect(html).toContain('<h3>Failed rules</h3>');
    expect(html).toContain('Value &lt;Maybe&gt; not in set');
    expect(html).toContain('<td>1</td><td>17</td>');
    expect(html).toContain('The run stopped before evaluation.');
    expect(html).toContain('>InvalidData<');
  });

  it('a gradient-boosted candidate: feature use by tree splits, without a direction', async () => {
    const input = await fixture();
    const model = {
      ...input.model!,
      modelType: 'gbt' as const,
      logistic: undefined,
      gbt: { trees: [{ feature: [3, -1, -1] }, { feature: [3, 0, -1, -1, -1] }] },
    };
    const html = await renderRunReport({ ...input, model });
    const figure = figureOf(html, 'features');
    expect(figure).toContain('by tree splits');
    expect(markPaths(figure)).toBe(2);
  });
});

describe('fileInTar', () => {
  it('reads model.json out of a gzipped model.tar.gz held in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-tar-'));
    await writeFile(join(dir, 'model.json'), '{"modelType":"logistic"}');
    await tarCreate({ gzip: true, file: join(dir, 'model.tar.gz'), cwd: dir, portable: true }, ['model.json']);
    const archive = await readFile(join(dir, 'model.tar.gz'));
    expect((await fileInTar(archive, 'model.json'))?.toString()).toBe('{"modelType":"logistic"}');
    expect(await fileInTar(archive, 'other.json')).toBeUndefined();
  });
});
