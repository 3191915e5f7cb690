import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getText } from '@mlops/clients';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { registerReport } from '../../cli/src/commands/report';
import { attritionCsv, attritionVariant, REPO, tempDir } from '../../../test/helpers/pipeline';
import { reportKey, writeRunReport } from '../src/index';

// Two real local runs in one workdir (the second is judged against the first one's champion), their reports opened in
// Debian's headless Chromium: every chart must have drawn marks, with no console error and no network request.

const CHROMIUM = process.env.MLOPS_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CHARTS = ['stages', 'trials', 'roc', 'pr', 'calibration', 'scores', 'confusion', 'features'];
const SCREENSHOTS = join(REPO, 'reports', 'screenshots');
const missing = !existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
if (missing && !inCi)
  console.warn(`report browser test skipped: ${CHROMIUM} is missing (apt-get install chromium, or set MLOPS_CHROMIUM)`);

interface Seen {
  marks: Record<string, { svg: boolean; paths: number; texts: number; strokes: string[] }>;
  errors: string[];
  requests: string[];
}

/** The little of the DOM the page check uses (the project compiles without the DOM lib). */
interface Queryable {
  querySelector(selector: string): Queryable | null;
  querySelectorAll(selector: string): Iterable<Queryable> & { length: number };
  getAttribute(name: string): string | null;
}

/** Open a report, wait for its load event, and read what every chart drew. */
async function open(browser: BrowserContext, file: string, screenshot: string): Promise<Seen> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const marks = await page.evaluate((ids) => {
    const out: Seen['marks'] = {};
    for (const id of ids) {
      const svg = (globalThis as unknown as { document: Queryable }).document.querySelector(
        `figure[data-chart="${id}"] svg`,
      );
      const paths = [...(svg?.querySelectorAll('.role-mark path') ?? [])].filter(
        (p) => (p.getAttribute('d') ?? '').length > 1,
      );
      const texts = svg?.querySelectorAll('.role-mark text').length ?? 0;
      out[id] = {
        svg: svg !== null,
        paths: paths.length,
        texts,
        strokes: [...new Set(paths.map((p) => p.getAttribute('stroke') ?? ''))],
      };
    }
    return out;
  }, CHARTS);
  await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
  await page.close();
  return { marks, errors, requests };
}

describe.runIf(missing && inCi)('run report in headless Chromium, in CI', () => {
  it('has Chromium to open the report with', () => {
    throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/system-deps.sh)`);
  });
});

describe.skipIf(missing)('run report in headless Chromium', () => {
  let workdir: string;
  let runs: RunOutcome[];
  let reports: string[];
  let browser: BrowserContext;

  beforeAll(async () => {
    const dir = await tempDir('report');
    workdir = join(dir, 'work');
    const train = await attritionCsv(dir, 'employees.csv', 1470, 7);
    const score = await attritionCsv(dir, 'current.csv', 200, 8, true);
    const pipeline = await attritionVariant(dir, 'attrition');
    runs = [];
    for (let i = 0; i < 2; i++) runs.push(await runPipeline({ pipeline, data: train, score, workdir }));
    reports = [];
    for (const run of runs) reports.push(await writeRunReport({ workdir, runId: run.runId }));
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'mlops-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('first run (no champion yet): every chart drew marks, no console error, no request but the file', async () => {
    expect(runs[0]?.status, JSON.stringify(runs[0]?.record?.error)).toBe('published');
    const seen = await open(browser, reports[0] as string, 'run-report-first.png');
    for (const id of CHARTS) {
      expect(seen.marks[id]?.svg, id).toBe(true);
      expect(seen.marks[id]?.paths, id).toBeGreaterThan(0);
    }
    expect(seen.marks.confusion?.texts).toBe(4);
    expect(seen.marks.roc?.strokes).not.toContain('#ea580c');
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(reports[0] as string).href]);
  });

  it("second run: the champion's curves are drawn next to the candidate's", async () => {
    const seen = await open(browser, reports[1] as string, 'run-report.png');
    for (const id of CHARTS) {
      expect(seen.marks[id]?.svg, id).toBe(true);
      expect(seen.marks[id]?.paths, id).toBeGreaterThan(0);
    }
    expect(seen.marks.roc?.strokes).toEqual(expect.arrayContaining(['#2563eb', '#ea580c']));
    expect(seen.marks.pr?.strokes).toEqual(expect.arrayContaining(['#2563eb', '#ea580c']));
    expect(seen.marks.confusion?.texts).toBe(8);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(reports[1] as string).href]);
  });

  it('the same HTML is stored in the artifacts bucket next to the run, and `mlops report` prints the path', async () => {
    const run = runs[1] as RunOutcome;
    const { cloud } = await openLocalCloud(workdir);
    const stored = await getText(cloud.s3 as never, LOCAL_BUCKETS.artifacts, reportKey(run.pipeline, run.runId));
    expect(stored).toBe(await readFile(reports[1] as string, 'utf8'));
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
    try {
      const program = new Command().exitOverride();
      registerReport(program);
      await program.parseAsync(['report', run.runId, '--workdir', workdir], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    expect(printed.join('')).toBe(`${join(workdir, 'reports', `${run.runId}.html`)}\n`);
  });
});
