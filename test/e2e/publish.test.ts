import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, type GetExecutionHistoryCommandOutput } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { getJsonIfExists, getText, listObjects } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { localPredictions } from '../../packages/cli/src/commands/query';
import { queryPredictions } from '../../packages/cli/src/query/predictions';
import { attritionCsv, attritionVariant, tempDir } from '../helpers/pipeline';

// Publishing through the local runner: the readable predictions file, its dashboard, `mlops query` over it, and a
// scoring file the model cannot score.

type Json = Record<string, any>;

/** Ten features, all of them in the predictions file (K = 10): contributions + baseValue must give logit(p). */
const FEATURES = [
  'Age',
  'Department',
  'DistanceFromHome',
  'JobLevel',
  'JobRole',
  'MaritalStatus',
  'MonthlyIncome',
  'OverTime',
  'TotalWorkingYears',
  'YearsAtCompany',
];
const UNKNOWN_DEPARTMENT = 'Astronautics';

async function artifact(workdir: string, key: string): Promise<string | undefined> {
  const { cloud } = await openLocalCloud(workdir);
  return getText(cloud.s3 as never, LOCAL_BUCKETS.artifacts, key).catch(() => undefined);
}

async function latestPointer(workdir: string): Promise<Json | undefined> {
  const { cloud } = await openLocalCloud(workdir);
  return getJsonIfExists<Json>(
    cloud.s3 as never,
    LOCAL_BUCKETS.artifacts,
    'predictions/pipeline=attrition/latest.json',
  );
}

/** Records of a CSV text without quoted fields (what the generator and the predictions hold), header first. */
function records(text: string): string[][] {
  if (text.includes('"')) throw new Error('this helper reads unquoted CSV only');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

/** Rows as objects keyed by the header. */
function objects(text: string): Json[] {
  const [header, ...rows] = records(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
}

/** Rewrite one column of a CSV file: `change(row, value)` gives the new value, or null to drop the column. */
async function editColumn(
  source: string,
  target: string,
  column: string,
  change: (row: number, value: string) => string | null,
) {
  const [header, ...rows] = records(await readFile(source, 'utf8'));
  const at = header!.indexOf(column);
  const drop = change(0, rows[0]![at]!) === null;
  const edit = (fields: string[], row: number) =>
    drop ? fields.filter((_, i) => i !== at) : fields.map((v, i) => (i === at ? (change(row, v) as string) : v));
  await writeFile(
    target,
    [drop ? edit(header!, -1) : header!, ...rows.map(edit)].map((r) => r.join(',')).join('\n') + '\n',
  );
}

const logit = (p: number) => Math.log(p / (1 - p));

describe('publishing, end to end', () => {
  let dir: string;
  let workdir: string;
  let train: string;
  let score: string;

  /** The sample config with only FEATURES as features, all their contributions published, risk by Department. */
  const variant = (name: string, change: (c: Json) => void = () => {}) =>
    attritionVariant(dir, name, (c) => {
      const columns = c.dataset.columns as Record<string, Json>;
      c.dataset.ignore = Object.keys(columns).filter(
        (n) => !FEATURES.includes(n) && n !== 'Attrition' && n !== 'EmployeeNumber',
      );
      columns.DistanceFromHome!.required = false;
      c.publish.topContributions = FEATURES.length;
      c.publish.segmentColumn = 'Department';
      c.tuning.maxJobs = 2;
      // Ten features predict less than the sample's 31: the gate judges a smaller model.
      c.evaluation.policy.floors = { roc_auc: 0.6 };
      change(c);
    });
  /** Later runs on the same data must reach publishing whatever the champion comparison says. */
  const LENIENT = (c: Json) => {
    c.evaluation.policy.nonInferiority.margin = 1;
  };
  let first: RunOutcome;
  let rows: Json[];

  beforeAll(async () => {
    dir = await tempDir('publish');
    workdir = join(dir, 'work');
    train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    // Row 0 holds a department the model never saw, row 1 no DistanceFromHome (optional here).
    const generated = await attritionCsv(dir, 'generated.csv', 250, 8, true);
    const departments = join(dir, 'departments.csv');
    await editColumn(generated, departments, 'Department', (row, v) => (row === 0 ? UNKNOWN_DEPARTMENT : v));
    score = join(dir, 'current.csv');
    await editColumn(departments, score, 'DistanceFromHome', (row, v) => (row === 1 ? '' : v));
    first = await runPipeline({ pipeline: await variant('attrition'), data: train, score, workdir });
    const published = await artifact(workdir, `predictions/pipeline=attrition/run=${first.runId}/predictions.csv`);
    rows = objects(published ?? '');
  });

  it('publishes one readable predictions.csv per run: a header, one row per scoring row, keys in order', async () => {
    expect(first.status, JSON.stringify(first.record?.evaluation)).toBe('published');
    const text = (await artifact(
      workdir,
      `predictions/pipeline=attrition/run=${first.runId}/predictions.csv`,
    )) as string;
    const header = text.slice(0, text.indexOf('\n')).split(',');
    expect(header.slice(0, 7)).toEqual([
      'EmployeeNumber',
      'probability',
      'label',
      'model_version',
      'run_id',
      'driver_1',
      'contribution_1',
    ]);
    expect(header).toHaveLength(5 + 2 * FEATURES.length);
    expect(rows).toHaveLength(250);
    const scored = objects(await readFile(score, 'utf8'));
    expect(rows.map((r) => r.EmployeeNumber)).toEqual(scored.map((r) => r.EmployeeNumber));
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set([first.runId]));
    const pointer = (await latestPointer(workdir)) as Json;
    expect(pointer).toMatchObject({
      runId: first.runId,
      rows: 250,
      files: [`predictions/pipeline=attrition/run=${first.runId}/predictions.csv`],
    });
    // The raw transform output stays inside the run, out of the crawler's reach.
    const { cloud } = await openLocalCloud(workdir);
    const partition = await listObjects(
      cloud.s3 as never,
      LOCAL_BUCKETS.artifacts,
      `predictions/pipeline=attrition/run=${first.runId}/`,
    );
    expect(partition.map((o) => o.key.split('/').pop()).sort()).toEqual(['dashboard.html', 'predictions.csv']);
  });

  it("linear model: every row's contributions plus the intercept add up to logit(probability) within 1e-6", async () => {
    const job = String((first.record?.scoring as Json).candidate.trainingJobName).toLowerCase();
    const model = JSON.parse(
      await readFile(
        join(workdir, 'cloud', 'sagemaker', 'training-jobs', job, 'opt', 'ml', 'model', 'model.json'),
        'utf8',
      ),
    ) as Json;
    expect(model.modelType).toBe('logistic');
    let worst = 0;
    for (const row of rows) {
      let sum = Number(model.baseValue);
      for (let k = 1; k <= FEATURES.length; k++) sum += Number(row[`contribution_${k}`]);
      worst = Math.max(worst, Math.abs(sum - logit(Number(row.probability))));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('scores an unknown category and a missing optional value as the encoders define: no contribution, no crash', () => {
    const contribution = (row: Json, feature: string) => {
      for (let k = 1; k <= FEATURES.length; k++)
        if (row[`driver_${k}`] === feature) return Number(row[`contribution_${k}`]);
      throw new Error(`${feature} missing from the row`);
    };
    expect(contribution(rows[0]!, 'Department')).toBe(0);
    expect(contribution(rows[1]!, 'DistanceFromHome')).toBe(0);
    expect(contribution(rows[2]!, 'Department')).not.toBe(0);
  });

  it('builds the dashboard next to the predictions and beside `latest`: risk, drivers, risk by Department', async () => {
    const stages = (first.record?.stages as Json[]).map((s) => s.name);
    expect(stages.indexOf('BuildDashboard')).toBeGreaterThan(stages.indexOf('FinalizePublish'));
    const html = (await artifact(
      workdir,
      `predictions/pipeline=attrition/run=${first.runId}/dashboard.html`,
    )) as string;
    for (const id of ['risk', 'drivers', 'segment'])
      expect(html).toMatch(new RegExp(`data-chart="${id}"><figcaption>.*?</figcaption><svg`));
    expect(html).toContain('Risk by Department');
    expect(html).toContain(`<td>${UNKNOWN_DEPARTMENT}</td><td>1</td>`);
    expect(html).toContain(
      `<td>250</td><td>${(rows.reduce((s, r) => s + Number(r.probability), 0) / 250).toFixed(3)}</td>`,
    );
    expect(html).not.toMatch(/<script|src="http/i);
    expect(await artifact(workdir, 'predictions/pipeline=attrition/dashboard.html')).toBe(html);
    expect(first.record?.dashboard).toBeTruthy();
    expect(first.record?.dashboard).not.toMatchObject({ status: 'failed' });
  });

  it("`mlops query` answers SQL over the predictions with Athena's partition columns, matching the file", async () => {
    const files = await localPredictions(workdir);
    const result = await queryPredictions(
      files,
      "SELECT run, count(*) AS n, avg(probability) AS p, sum(label) AS flagged FROM predictions WHERE pipeline = 'attrition' GROUP BY run",
    );
    const expected = {
      n: rows.length,
      p: rows.reduce((s, r) => s + Number(r.probability), 0) / rows.length,
      flagged: rows.filter((r) => r.label === '1').length,
    };
    expect(result.columns).toEqual(['run', 'n', 'p', 'flagged']);
    expect(result.rows).toHaveLength(1);
    const [run, n, p, flagged] = result.rows[0] as [string, number, number, number];
    expect({ run, n, flagged }).toEqual({ run: first.runId, n: expected.n, flagged: expected.flagged });
    expect(p).toBeCloseTo(expected.p, 12);
    const byDriver = await queryPredictions(
      files,
      `SELECT count(*) AS n FROM predictions WHERE run = '${first.runId}' AND driver_1 = 'OverTime'`,
    );
    expect(byDriver.rows[0]).toEqual([rows.filter((r) => r.driver_1 === 'OverTime').length]);
  });

  it('a dashboard failure is recorded, and the run stays published', async () => {
    const outcome = await runPipeline({
      pipeline: await variant('lenient', LENIENT),
      data: train,
      score,
      workdir,
      faults: {
        names: ['dashboard-down'],
        sagemaker: {},
        s3: {},
        glue: {},
        sns: {},
        lambda: (fn) => (fn === 'buildDashboard' ? new Error('renderer unavailable') : undefined),
      },
    });
    expect(outcome.status, JSON.stringify(outcome.record?.error)).toBe('published');
    expect((await latestPointer(workdir))?.runId).toBe(outcome.runId);
    expect(
      await artifact(workdir, `predictions/pipeline=attrition/run=${outcome.runId}/dashboard.html`),
    ).toBeUndefined();
    const stages = (outcome.record?.stages as Json[]).map((s) => s.name);
    expect(stages).toEqual(expect.arrayContaining(['BuildDashboard', 'DashboardFailed', 'NotifySuccess']));
    // What DashboardFailed keeps under $.dashboard for NotifySuccess.
    const { cloud } = await openLocalCloud(workdir);
    const history = (await cloud.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: outcome.executionArn, reverseOrder: true }),
    )) as GetExecutionHistoryCommandOutput;
    const exited = (history.events ?? []).find((e) => e.stateExitedEventDetails?.name === 'DashboardFailed');
    const output = JSON.parse(exited?.stateExitedEventDetails?.output ?? '{}') as Json;
    expect(output.dashboard).toMatchObject({ status: 'failed', error: 'Error' });
    expect(String(output.dashboard.cause)).toContain('renderer unavailable');
    // …and the run record keeps it, so `mlops show` and the notification's record say why there is no dashboard.
    expect(outcome.record?.dashboard).toMatchObject({ status: 'failed', error: 'Error' });
  });

  it('a scoring file missing a required column fails the publish stage, naming column and file; `latest` stays', async () => {
    const before = await latestPointer(workdir);
    const broken = join(dir, 'no-overtime.csv');
    await editColumn(score, broken, 'OverTime', () => null);
    const outcome = await runPipeline({
      pipeline: await variant('lenient', LENIENT),
      data: train,
      score: broken,
      workdir,
    });
    expect(outcome.status).toBe('failed');
    const error = outcome.record?.error as Json;
    expect(error.state).toBe('StartPublishing');
    expect(error.error).toBe('ScoringDataError');
    expect(String(error.cause)).toMatch(/no-overtime\.csv lacks required column OverTime/);
    // Training and evaluation ran: only publishing refused the file.
    expect((outcome.record?.evaluation as Json).decision).toBe('accept');
    expect(await latestPointer(workdir)).toEqual(before);
  });
});
