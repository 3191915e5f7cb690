import { describe, expect, it } from 'vitest';
import { aggregatePredictions, DashboardInputError, predictionsHeader, unescapeCell } from '../src/dashboard/aggregate';
import { dashboardCharts, renderDashboard } from '../src/dashboard/render';

/** Records in batches of `size` (an empty batch first, as a stream may yield): the lockstep read must cross batch ends. */
async function* records(rows: string[][], size = 2): AsyncGenerator<string[][]> {
  yield [];
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const HEADER = predictionsHeader('EmployeeNumber', 2);
const ROWS = [
  ['1', '0.9', '1', '4', 'r1', 'OverTime', '1.5', 'Age', '-0.5'],
  ['2', '0.1', '0', '4', 'r1', 'Age', '0.7', 'JobLevel', '0.1'],
  ['3', '0.55', '1', '4', 'r1', 'OverTime', '-0.9', 'JobLevel', '0.2'],
  ['4', '1', '1', '4', 'r1', 'OverTime', '2.0', 'Age', '0.3'],
];
const SCORED = [
  ['1', '30', 'Sales'],
  ['2', '41', 'HR'],
  ['3', '25', 'Sales'],
  ['4', '50', "'=cmd"],
];

describe('aggregatePredictions', () => {
  it('counts rows, flagged rows, the histogram and mean |contribution| per feature over all rows', async () => {
    // Act
    const s = await aggregatePredictions(records([HEADER, ...ROWS]), { pipeline: 'attrition', runId: 'r1', bins: 10 });

    // Assess
    expect(HEADER).toEqual([
      'EmployeeNumber',
      'probability',
      'label',
      'model_version',
      'run_id',
      'driver_1',
      'contribution_1',
      'driver_2',
      'contribution_2',
    ]);
    expect(s).toMatchObject({ rows: 4, flagged: 3, modelVersion: '4', topK: 2, segment: null });
    expect(s.meanProbability).toBeCloseTo((0.9 + 0.1 + 0.55 + 1) / 4, 12);
    expect(s.histogram.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(s.drivers.map((d) => d.feature)).toEqual(['OverTime', 'Age', 'JobLevel']);
    expect(s.drivers[0]!.meanAbsContribution).toBeCloseTo((1.5 + 0.9 + 2) / 4, 12);
    expect(s.drivers[1]).toMatchObject({ feature: 'Age', rows: 3 });
    expect(s.drivers[1]!.meanAbsContribution).toBeCloseTo((0.5 + 0.7 + 0.3) / 4, 12);
  });

  it('groups by the segment column read in lockstep from the scored input, unescaping formula cells', async () => {
    // Act
    const s = await aggregatePredictions(
      records([HEADER, ...ROWS]),
      { pipeline: 'attrition', runId: 'r1', segmentColumn: 'Department' },
      { records: records(SCORED, 3), position: 2 },
    );

    // Assess
    expect(s.segment?.groups).toEqual([
      { value: '=cmd', rows: 1, meanProbability: 1, flagged: 1 },
      { value: 'Sales', rows: 2, meanProbability: (0.9 + 0.55) / 2, flagged: 2 },
      { value: 'HR', rows: 1, meanProbability: 0.1, flagged: 0 },
    ]);
    expect(unescapeCell("'-x")).toBe('-x');
    expect(unescapeCell("'hello")).toBe("'hello");
  });

  it('keeps at most maxSegments groups and sums the rest into (other)', async () => {
    const s = await aggregatePredictions(
      records([HEADER, ...ROWS]),
      { pipeline: 'p', runId: 'r1', segmentColumn: 'Age', maxSegments: 2 },
      { records: records(SCORED), position: 1 },
    );
    expect(s.segment?.groups.map((g) => [g.value, g.rows])).toEqual([
      ['30', 1],
      ['(other)', 2],
      ['41', 1],
    ]);
    expect(s.segment?.otherGroups).toBe(2);
  });

  it('refuses a scored input whose keys or length do not match the predictions', async () => {
    const swapped = [SCORED[1]!, SCORED[0]!, ...SCORED.slice(2)];
    const run = (scored: string[][]) =>
      aggregatePredictions(
        records([HEADER, ...ROWS]),
        { pipeline: 'p', runId: 'r', segmentColumn: 'D' },
        { records: records(scored, 3), position: 2 },
      );
    await expect(run(swapped)).rejects.toThrow('row 1: prediction key "1" but scored input key "2"');
    await expect(run(SCORED.slice(0, 3))).rejects.toThrow('fewer rows');
    await expect(run([...SCORED, ['5', '1', 'HR']])).rejects.toThrow('more rows');
  });

  it('refuses a file without the expected header or with a probability outside [0, 1]', async () => {
    await expect(aggregatePredictions(records([ROWS[0]!]), { pipeline: 'p', runId: 'r' })).rejects.toBeInstanceOf(
      DashboardInputError,
    );
    await expect(aggregatePredictions(records([]), { pipeline: 'p', runId: 'r' })).rejects.toThrow('empty');
    const bad = [...ROWS[0]!];
    bad[1] = '1.2';
    await expect(aggregatePredictions(records([HEADER, bad]), { pipeline: 'p', runId: 'r' })).rejects.toThrow(
      'probability "1.2"',
    );
  });
});

describe('renderDashboard', () => {
  it('renders the three charts as inline SVG under the report CSP, without any script', async () => {
    // Prepare
    const s = await aggregatePredictions(
      records([HEADER, ...ROWS]),
      { pipeline: 'attrition', runId: 'r1', segmentColumn: 'Department' },
      { records: records(SCORED), position: 2 },
    );

    // Act
    const html = renderDashboard(s, { generatedAt: '2026-11-25T21:00:00.000Z' });

    // Assess
    expect(dashboardCharts(s)).toEqual(['risk', 'drivers', 'segment']);
    for (const id of dashboardCharts(s))
      expect(html).toMatch(new RegExp(`data-chart="${id}"><figcaption>.*?</figcaption><svg`));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Risk by Department');
    expect(html).toContain('=cmd');
    expect((html.match(/<path|<rect/g) ?? []).length).toBeGreaterThan(5);
  });

  it('skips the segment chart when no segment column is configured', async () => {
    const s = await aggregatePredictions(records([HEADER, ...ROWS]), { pipeline: 'attrition', runId: 'r1' });
    const html = renderDashboard(s);
    expect(dashboardCharts(s)).toEqual(['risk', 'drivers']);
    expect(html).not.toContain('data-chart="segment"');
    expect(html).toContain('No segment column configured');
  });
});
