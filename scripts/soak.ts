/**
 * Soak: back-to-back local pipeline runs with random injected faults (seeded), then a tally of what each run ended as
 * against what its fault should give, and of anything lost: a run record missing, the champion or `latest` changed by
 * a failed run, `latest` or the champion pointing to an object that does not exist. Ends by checking that no child
 * process of this one is left (the TypeScript loader's esbuild service aside) and nothing was left in the soak's own
 * temp folder (`.work/soak-tmp`, set as TMPDIR for the soak and every process it starts).
 *
 *   pnpm soak [--runs 20] [--seed <n>] [--workdir .work/soak] [--clean-rate 0.3]
 *
 * Exits 1 when a run ended otherwise than expected, anything was lost, or processes / temp files were left behind.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { stop as stopEsbuild } from 'esbuild';
import { mulberry32 } from '@mlops/core';
import { forgetLocalClouds, localCloud, parseFaults } from '@mlops/local-backend';
import { LOCAL_BUCKETS, openLocalCloud, runPipeline, type RunOutcome } from '@mlops/local-runner';
import { FAULT_CASES, type FaultCase } from '../test/faults/cases';
import { published, type Published } from '../test/faults/snapshot';
import { attritionCsv, attritionVariant } from '../test/helpers/pipeline';

interface Tally {
  completed: number;
  failedAsExpected: number;
  unexpected: string[];
  lost: string[];
}

// The functions' logs would drown the tally (set POWERTOOLS_LOG_LEVEL to see them).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// A temp folder of its own (children inherit TMPDIR): what is left in it at the end was left by the soak, not by
// another program sharing the machine's temp folder.
const soakTmp = resolve('.work', 'soak-tmp');
rmSync(soakTmp, { recursive: true, force: true });
mkdirSync(soakTmp, { recursive: true });
process.env.TMPDIR = soakTmp;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string' },
    workdir: { type: 'string', default: '.work/soak' },
    'clean-rate': { type: 'string', default: '0.3' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const cleanRate = Number(values['clean-rate']);
const workdir = resolve(values.workdir as string);

/** Every live process below this one (children, grandchildren, …), from `ps`. */
function descendants(): string[] {
  // Zombies (state Z) have already exited; only their exit status is not collected yet.
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+([^Z\s]\S*)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([all, pid, ppid, , args]) => [all, pid, ppid, args] as const);
  const found: string[] = [];
  const parents = new Set([String(process.pid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [, pid, ppid, args] of table) {
      if (parents.has(ppid as string) && !parents.has(pid as string) && !(args as string).startsWith('ps -eo')) {
        parents.add(pid as string);
        found.push(`${pid} ${args}`);
        grew = true;
      }
    }
  }
  return found;
}

/** Objects a reader may follow: `latest` and its files, and the champion's model artifact. */
async function danglingPointers(now: Published): Promise<string[]> {
  const { cloud } = await openLocalCloud(workdir);
  const missing: string[] = [];
  const exists = async (bucket: string, key: string) => cloud.s3.localPathOf(bucket, key).then(() => true, () => false);
  for (const key of Object.keys(now.files)) if (!(await exists(LOCAL_BUCKETS.artifacts, key))) missing.push(`latest → ${key}`);
  if (now.champion) {
    const described = (await cloud.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: now.champion }))) as {
      InferenceSpecification?: { Containers?: { ModelDataUrl?: string }[] };
    };
    const url = described.InferenceSpecification?.Containers?.[0]?.ModelDataUrl ?? '';
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
    if (!match || !(await exists(match[1] as string, match[2] as string))) missing.push(`champion → ${url}`);
  }
  return missing;
}

const PUBLISHING_STATES = new Set(['StartPublishing', 'CheckPublishing', 'FinalizePublish']);

/** What a run lost: its record, or the champion / `latest` moved by a run that did not publish. */
function lostBy(label: string, expected: string | undefined, outcome: RunOutcome, before: Published, after: Published): string[] {
  const lost: string[] = [];
  if (expected !== undefined && outcome.record === undefined) lost.push(`${label}: run record missing`);
  if (outcome.status === 'published') return lost;
  if (after.champion !== before.champion) lost.push(`${label}: champion changed on a ${outcome.status} run`);
  if (after.latest !== before.latest) lost.push(`${label}: latest changed on a ${outcome.status} run`);
  return lost;
}

function judge(fault: FaultCase | undefined, outcome: RunOutcome, before: Published, after: Published, tally: Tally): void {
  const label = `run ${outcome.runId} (${fault?.fault ?? 'no fault'})`;
  const expected = fault ? fault.status : 'published';
  tally.lost.push(...lostBy(label, expected, outcome, before, after));
  const ended = outcome.record === undefined ? undefined : outcome.status;
  // A run the fault does not stop ends as the gate decides: published, or rejected against an equal champion. A
  // rejected run never reaches the publishing stage, so a fault placed there did not fire.
  const gateDecided = expected === 'published' || PUBLISHING_STATES.has(fault?.failedState ?? '');
  const completed = gateDecided && (ended === 'published' || ended === 'rejected');
  if (completed) tally.completed += 1;
  else if (ended === expected) tally.failedAsExpected += 1;
  else tally.unexpected.push(`${label}: ended ${ended ?? 'without a record'}, expected ${expected ?? 'no record'}`);
}

async function main(): Promise<void> {
  console.log(`soak: ${runs} runs, seed ${seed} (repeat with --seed ${seed}), workdir ${workdir}`);
  rmSync(workdir, { recursive: true, force: true });
  await mkdir(workdir, { recursive: true });
  const random = mulberry32(seed);
  const train = await attritionCsv(workdir, 'employees.csv', 900, seed % 1000);
  const score = await attritionCsv(workdir, 'current.csv', 200, (seed % 1000) + 1, true);
  // Runtime limits 5x faster, so that `training-timeout` ends in seconds.
  await localCloud({ root: join(workdir, 'cloud'), sagemaker: { timeScale: 0.2 } });
  const tally: Tally = { completed: 0, failedAsExpected: 0, unexpected: [], lost: [] };
  const started = Date.now();
  for (let i = 0; i < runs; i++) {
    const fault = random() < cleanRate ? undefined : FAULT_CASES[Math.floor(random() * FAULT_CASES.length)];
    const pipeline = await attritionVariant(workdir, `attrition-${i}`, (c) => {
      c.tuning.maxJobs = 4;
      c.tuning.maxParallelJobs = 2;
      c.evaluation.bootstrap.samples = 50;
      fault?.config?.(c);
    });
    const before = await published(workdir);
    const outcome = await runPipeline({ pipeline, data: train, score, workdir, faults: parseFaults(fault ? [fault.fault] : []) });
    const after = await published(workdir);
    judge(fault, outcome, before, after, tally);
    for (const missing of await danglingPointers(after)) tally.lost.push(`after run ${outcome.runId}: ${missing}`);
    console.log(`${String(i + 1).padStart(3)}. ${(fault?.fault ?? '(none)').padEnd(26)} → ${outcome.record ? outcome.status : 'no record'} (${outcome.executionStatus})`);
  }
  const { cloud } = await openLocalCloud(workdir);
  await cloud.sagemaker.settled();
  forgetLocalClouds();
  await stopEsbuild();
  // The TypeScript loader's own esbuild service (tsx) lives as long as this process: not something a run left.
  const leftProcesses = descendants().filter((p) => !/esbuild --service/.test(p));
  const leftTemp = readdirSync(tmpdir());
  console.log(`\nsoak seed ${seed}: ${runs} runs in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`  completed (published or rejected by the gate): ${tally.completed}`);
  console.log(`  failed as expected:     ${tally.failedAsExpected}`);
  console.log(`  ended unexpectedly:     ${tally.unexpected.length}${tally.unexpected.map((u) => `\n    ${u}`).join('')}`);
  console.log(`  lost:                   ${tally.lost.length}${tally.lost.map((l) => `\n    ${l}`).join('')}`);
  console.log(`  leftover processes:     ${leftProcesses.length}${leftProcesses.map((p) => `\n    ${p}`).join('')}`);
  console.log(`  leftover temp entries:  ${leftTemp.length}${leftTemp.map((t) => `\n    ${join(tmpdir(), t)}`).join('')}`);
  const ok = tally.unexpected.length + tally.lost.length + leftProcesses.length + leftTemp.length === 0;
  process.exitCode = ok ? 0 : 1;
}

await main();
