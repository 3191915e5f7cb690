import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { InputError } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveRunConfig, testDeps, writtenObjects } from '@mlops/lambda-kit/testing';
import { buildDashboard, type BuildDashboardEvent } from './buildDashboard';

const HEADER =
  'EmployeeNumber,probability,label,model_version,run_id,driver_1,contribution_1,driver_2,contribution_2\n';

async function build(options: { segment?: string | null; latestRunId?: string; rows?: number; scored?: string } = {}) {
  const t = testDeps({ now: new Date('2026-03-02T12:00:00.000Z') });
  const base = runState();
  const partition = `predictions/pipeline=attrition/run=${base.runId}/`;
  const state: BuildDashboardEvent = {
    ...base,
    published: { prefix: partition, files: [`${partition}predictions.csv`], rows: options.rows ?? 3 },
  };
  const config = await sampleConfig();
  const segmentColumn = options.segment === null ? undefined : (options.segment ?? 'Department');
  const prepared = `s3://${ARTIFACTS}/runs/attrition/${base.runId}/prepared/`;
  serveRunConfig(
    t.mocks.s3,
    state,
    { ...config, publish: { ...config.publish, segmentColumn } },
    {
      [`s3://${ARTIFACTS}/${partition}predictions.csv`]:
        HEADER +
        `1,0.9,1,4,${base.runId},OverTime,1.5,Age,-0.5\n` +
        `2,0.2,0,4,${base.runId},Age,0.7,JobLevel,0.1\n` +
        `3,0.6,1,4,${base.runId},OverTime,-0.9,JobLevel,0.2\n`,
      [`${prepared}summary.json`]: { scoreRows: 3, featureColumns: ['Age', 'Department', 'OverTime'] },
      [`${prepared}transform/score/score.csv`]:
        options.scored ?? '1,30,Sales,Yes\n2,41,Human Resources,No\n3,25,Sales,No\n',
      [`s3://${ARTIFACTS}/predictions/pipeline=attrition/latest.json`]: { runId: options.latestRunId ?? base.runId },
    },
  );
  const html = (key: string) => writtenObjects(t.mocks.s3).get(`s3://${ARTIFACTS}/${key}`);
  return { ...t, state, partition, html };
}

describe('buildDashboard', () => {
  it('renders the dashboard next to the predictions and beside `latest`, with the three charts', async () => {
    // Prepare
    const { deps, mocks, state, partition, html } = await build();

    // Act
    const result = await buildDashboard(state, deps);

    // Assess
    expect(result).toEqual({
      status: 'built',
      key: `${partition}dashboard.html`,
      latestKey: 'predictions/pipeline=attrition/dashboard.html',
      rows: 3,
      charts: ['risk', 'drivers', 'segment'],
    });
    const page = html(`${partition}dashboard.html`);
    expect(page).toContain('Risk by Department');
    expect(page).toContain('Human Resources');
    expect(page).not.toMatch(/<script/i);
    expect(html('predictions/pipeline=attrition/dashboard.html')).toBe(page);
    expect(mocks.s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `${partition}dashboard.html`,
      ContentType: 'text/html; charset=utf-8',
    });
  });

  it('skips the segment chart, and never reads the scored input, without publish.segmentColumn', async () => {
    const { deps, sent, state } = await build({ segment: null });
    const result = await buildDashboard(state, deps);
    expect(result.charts).toEqual(['risk', 'drivers']);
    expect(sent().map((c) => String(c.input.Key))).not.toContain(
      `runs/attrition/${state.runId}/prepared/transform/score/score.csv`,
    );
  });

  it('leaves the copy beside `latest` alone when a later run has published meanwhile', async () => {
    const { deps, state, html } = await build({ latestRunId: '20260302T101500Z-77b0e2' });
    const result = await buildDashboard(state, deps);
    expect(result.latestKey).toBeNull();
    expect(html('predictions/pipeline=attrition/dashboard.html')).toBeUndefined();
  });

  it('fails, writing nothing, when the file does not hold the rows FinalizePublish counted', async () => {
    const { deps, mocks, state } = await build({ rows: 4 });
    await expect(buildDashboard(state, deps)).rejects.toThrow(InputError);
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails, writing nothing, when the scored input is not in prediction order', async () => {
    const { deps, mocks, state } = await build({ scored: '2,41,Human Resources,No\n1,30,Sales,Yes\n3,25,Sales,No\n' });
    await expect(buildDashboard(state, deps)).rejects.toThrow('row 1: prediction key "1" but scored input key "2"');
    expect(mocks.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
