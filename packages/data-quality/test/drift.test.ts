import { describe, expect, it } from 'vitest';
import {
  computeDrift,
  DatasetProfiler,
  pipelineDriftOptions,
  profileDataset,
  ProfileSchema,
  psi,
  type Profile,
} from '../src/index';
import { chunked, evaluateCsv, smallConfig } from './helpers';

/** Profile of `rows` synthetic rows: ages drawn by `age(i)`, departments by `dept(i)`. */
async function profileOf(rows: number, age: (i: number) => number, dept: (i: number) => string): Promise<Profile> {
  const lines = Array.from({ length: rows }, (_, i) => `${i + 1},${age(i)},,${dept(i)},,${i % 2 ? 'yes' : 'no'}`);
  const outcome = await evaluateCsv(['id,age,score,dept,note,label', ...lines].join('\n'));
  return outcome.profile;
}

const spread = (i: number): number => 20 + ((i * 37) % 40);
const depts = (i: number): string => ['Sales', 'R&D', 'HR'][i % 3] as string;
const thresholds = { psiWarn: 0.1, psiFail: 0.25, failOnDrift: true };

describe('profiles', () => {
  it('describe numeric and categorical columns and validate against the schema', async () => {
    const profile = await profileOf(600, spread, depts);
    expect(ProfileSchema.parse(profile)).toEqual(profile);
    expect(profile.rowCount).toBe(600);
    expect(profile.columns.age).toMatchObject({
      kind: 'numeric',
      count: 600,
      missing: 0,
      invalid: 0,
      min: 20,
      max: 59,
    });
    const age = profile.columns.age;
    if (age?.kind !== 'numeric') throw new Error('age is numeric');
    expect(age.mean).toBeCloseTo(39.5, 6);
    expect(age.std).toBeCloseTo(Math.sqrt((40 * 40 - 1) / 12), 6);
    expect(Object.values(age.sketch.bins).reduce((a, b) => a + b, 0)).toBe(600);
    expect(profile.columns.dept).toEqual({
      kind: 'categorical',
      count: 600,
      missing: 0,
      distinct: 3,
      truncated: false,
      values: { Sales: 200, 'R&D': 200, HR: 200 },
      otherCount: 0,
    });
    expect(profile.columns.score).toMatchObject({ kind: 'numeric', count: 0, missing: 600, mean: null, std: null });
  });

  it('cap categorical values at 1000 distinct and count the rest', async () => {
    const profile = await profileOf(1200, spread, (i) => `d${i}`);
    expect(profile.columns.dept).toMatchObject({ distinct: 1000, truncated: true, otherCount: 200, count: 1200 });
  });

  it('hash the values of sensitive categorical columns', async () => {
    const csv = 'id,age,dept,label\n1,20,Sales,yes\n2,21,Sales,no\n';
    const outcome = await evaluateCsv(csv, 'Rules = [ ]', smallConfig({ sensitive: ['dept'] }));
    const dept = outcome.profile.columns.dept;
    expect(dept?.kind === 'categorical' && Object.keys(dept.values)).toEqual([
      expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    ]);
    expect(JSON.stringify(outcome.profile)).not.toContain('Sales');
  });
});

describe('profileDataset and DatasetProfiler', () => {
  it('give the profile the evaluator computes, from a file or from rows already split', async () => {
    const text = [
      'id,age,score,dept,note,label',
      ...Array.from({ length: 300 }, (_, i) => `${i + 1},${spread(i)},,${depts(i)},,yes`),
    ].join('\n');
    const expected = (await evaluateCsv(text)).profile;

    const fromFile = await profileDataset({ input: chunked(Buffer.from(text), 100), config: smallConfig() });
    const profiler = new DatasetProfiler(smallConfig());
    const [header, ...rows] = text.split('\n').map((line) => line.split(','));
    profiler.header(header as string[]);
    for (const row of rows) profiler.fields(row);

    expect(fromFile).toEqual(expected);
    expect(profiler.finish()).toEqual(expected);
  });
});

describe('computeDrift', () => {
  it('finds no drift between a profile and itself', async () => {
    const profile = await profileOf(500, spread, depts);
    const drift = computeDrift(profile, profile, thresholds);
    expect(drift.status).toBe('ok');
    expect(drift.columns.map((c) => [c.column, c.psi])).toEqual([
      ['id', 0],
      ['age', 0],
      ['score', 0],
      ['dept', 0],
      ['note', 0],
      ['label', 0],
    ]);
  });

  it('stays ok for another sample of the same distribution', async () => {
    const before = await profileOf(2000, spread, depts);
    const after = await profileOf(
      2000,
      (i) => spread(i + 7),
      (i) => depts(i + 1),
    );
    const drift = computeDrift(after, before, thresholds);
    expect(drift.columns.find((c) => c.column === 'age')?.psi).toBeLessThan(0.02);
    expect(drift.columns.find((c) => c.column === 'dept')?.status).toBe('ok');
  });

  it('warns on a moderate shift and fails on a large one', async () => {
    const before = await profileOf(2000, spread, depts);
    const moderate = await profileOf(2000, (i) => spread(i) + 3, depts);
    const large = await profileOf(
      2000,
      (i) => spread(i) + 25,
      (i) => (i % 5 === 0 ? 'HR' : 'Sales'),
    );
    expect(computeDrift(moderate, before, thresholds).columns.find((c) => c.column === 'age')).toMatchObject({
      status: 'warn',
    });
    const drift = computeDrift(large, before, thresholds);
    expect(drift.status).toBe('fail');
    expect(drift.columns.filter((c) => c.status === 'fail').map((c) => c.column)).toEqual(['age', 'dept']);
    expect(drift.failOnDrift).toBe(true);
  });

  it('counts a rise in missing values as drift', async () => {
    const before = await profileOf(1000, spread, depts);
    const lines = Array.from({ length: 1000 }, (_, i) => `${i + 1},${i % 2 ? spread(i) : ''},,${depts(i)},,no`);
    const after = (await evaluateCsv(['id,age,score,dept,note,label', ...lines].join('\n'))).profile;
    expect(computeDrift(after, before, thresholds).columns.find((c) => c.column === 'age')?.status).toBe('fail');
  });

  it('skips columns found in only one profile or of another kind', async () => {
    const profile = await profileOf(100, spread, depts);
    const { age, ...rest } = profile.columns;
    const previous: Profile = {
      ...profile,
      columns: { ...rest, gone: age as NonNullable<typeof age>, dept: age as NonNullable<typeof age> },
    };
    const drift = computeDrift(profile, previous, thresholds);
    expect(drift.skipped).toEqual([
      { column: 'age', reason: 'not in the previous profile' },
      { column: 'dept', reason: 'was numeric, now categorical' },
      { column: 'gone', reason: 'not in the current profile' },
    ]);
  });
});

describe('psi', () => {
  it('follows the textbook formula with an epsilon for empty bins', () => {
    expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(psi([0.6, 0.4], [0.5, 0.5])).toBeCloseTo(0.1 * Math.log(1.2) + -0.1 * Math.log(0.8), 12);
    expect(psi([1, 0], [0.5, 0.5])).toBeCloseTo(0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), 12);
  });
});

describe('pipelineDriftOptions', () => {
  it("leaves the pipeline's row key out, with the reason", async () => {
    const before = await profileOf(600, spread, depts);
    const after = await profileOf(900, spread, depts);
    const drift = computeDrift(after, before, thresholds, pipelineDriftOptions(smallConfig()));
    expect(drift.columns.map((c) => c.column)).not.toContain('id');
    expect(drift.skipped).toEqual([{ column: 'id', reason: expect.stringContaining('row key') }]);
    expect(drift.status).toBe('ok');
  });
});
