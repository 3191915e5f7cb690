import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPrepare, SCORE_PROBLEM_FILE } from '../src/prepare';
import { tempDir } from './helpers';
import { toyConfig, toyCsv } from './synthetic';

function setUp(score: string): string {
  const root = tempDir('prepare-score-');
  for (const [dir, file, text] of [
    ['data', 'employees.csv', toyCsv(500)],
    ['config', 'pipeline.json', JSON.stringify(toyConfig())],
    ['score', 'current.csv', score],
  ] as const) {
    mkdirSync(join(root, 'processing', 'input', dir), { recursive: true });
    writeFileSync(join(root, 'processing', 'input', dir, file), text);
  }
  return root;
}

const output = (root: string, path: string) => join(root, 'processing', 'output', path);

describe('prepare, the scoring file', () => {
  it('lacking required columns: prepares training anyway, scores nothing and records the problem for publishing', async () => {
    // Prepare: no Age, no OverTime; Rating is optional.
    const root = setUp('Id,Income,Dept\n9001,5000,HR\n');
    const printed: string[] = [];

    // Act
    const summary = await runPrepare(root, (line) => printed.push(line));

    // Assess
    expect(summary.scoreRows).toBe(0);
    expect(summary.rows.train).toBeGreaterThan(0);
    expect(readFileSync(output(root, 'transform/score/score.csv'), 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(output(root, SCORE_PROBLEM_FILE), 'utf8'))).toEqual({
      file: 'current.csv',
      missingColumns: ['Age', 'OverTime'],
      message: 'scoring file current.csv lacks required columns Age, OverTime',
    });
    expect(printed.join('\n')).toMatch(/nothing to score: .*Age, OverTime/);
  });

  it('lacking only optional columns: scores every row and records no problem', async () => {
    const root = setUp('Id,Age,Income,Dept,OverTime\n9001,33,5000,HR,Yes\n');
    const summary = await runPrepare(root, () => undefined);
    expect(summary.scoreRows).toBe(1);
    expect(existsSync(output(root, SCORE_PROBLEM_FILE))).toBe(false);
  });
});
