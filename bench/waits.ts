import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DescribeHyperParameterTuningJobResponse } from '@aws-sdk/client-sagemaker';
import { pollsUntil, POLLING } from '@mlops/core';
import type { LocalCloud, SdkCommandLike } from '@mlops/local-backend';
import { openLocalCloud, runPipeline } from '@mlops/local-runner';
import { captureFunctionLogs } from '../packages/cli/src/output';

/** One simulated tuning job: what waiting for it cost in the real state machine, and what the back-off predicts. */
export interface WaitFigure {
  label: string;
  jobSeconds: number;
  /** StartTuning + every WaitForTuning, CheckTuning and IsTuningDone entered. */
  tuningTransitions: number;
  polls: number;
  /** Simulated seconds from the job's creation until CheckTuning saw it complete, and how late that is. */
  seenAtSeconds: number;
  lateSeconds: number;
  /** The same figures from the back-off schedule alone (`pollsUntil`): they must agree with the measured ones. */
  modelTransitions: number;
  runTransitions: number;
  lambdaInvocations: number;
  status: string;
}

interface VirtualClock {
  now: number;
}

type Send = (command: SdkCommandLike) => Promise<unknown>;

/**
 * Make the local SageMaker's tuning jobs last `seconds` of simulated time: DescribeHyperParameterTuningJob says
 * InProgress until the virtual clock (advanced by every Wait state's nominal seconds) is `seconds` past the job's
 * creation; then the real local job is waited for and its real description returned — the job ends at that moment.
 */
function simulateTuningDuration(cloud: LocalCloud, clock: VirtualClock, seconds: number): { seenAt: () => number | undefined } {
  const sagemaker = cloud.sagemaker as unknown as { send: Send; settled(): Promise<void> };
  const send = sagemaker.send.bind(sagemaker);
  const created = new Map<string, number>();
  let seenAt: number | undefined;
  sagemaker.send = async (command) => {
    const operation = command.constructor.name;
    const name = (command.input as { HyperParameterTuningJobName?: string }).HyperParameterTuningJobName ?? '';
    if (operation === 'CreateHyperParameterTuningJobCommand') created.set(name, clock.now);
    const start = created.get(name);
    if (operation !== 'DescribeHyperParameterTuningJobCommand' || start === undefined) return send(command);
    if (clock.now - start < seconds) {
      const { BestTrainingJob: _best, ...described } = (await send(command)) as DescribeHyperParameterTuningJobResponse;
      return { ...described, HyperParameterTuningJobStatus: 'InProgress' };
    }
    await sagemaker.settled();
    seenAt ??= clock.now - start;
    return send(command);
  };
  return { seenAt: () => seenAt };
}

const TUNING_LOOP = ['StartTuning', 'WaitForTuning', 'CheckTuning', 'IsTuningDone'];

/** Run the whole local pipeline once with its tuning job lasting `seconds` of simulated time. */
async function simulate(args: { pipeline: string; data: string; score?: string }, label: string, seconds: number): Promise<WaitFigure> {
  const workdir = await mkdtemp(join(tmpdir(), 'mlops-waits-'));
  try {
    const clock: VirtualClock = { now: 0 };
    const { cloud } = await openLocalCloud(workdir);
    const job = simulateTuningDuration(cloud, clock, seconds);
    const outcome = await runPipeline({ ...args, workdir, onWait: (_state, waited) => (clock.now += waited) });
    const stages = (outcome.record?.stages as { name: string; entries: number }[] | undefined) ?? [];
    const entries = (name: string) => stages.find((s) => s.name === name)?.entries ?? 0;
    const model = pollsUntil(seconds, POLLING.tuning);
    const seenAt = job.seenAt() ?? NaN;
    return {
      label,
      jobSeconds: seconds,
      tuningTransitions: TUNING_LOOP.reduce((sum, name) => sum + entries(name), 0),
      polls: entries('CheckTuning'),
      seenAtSeconds: seenAt,
      lateSeconds: seenAt - seconds,
      modelTransitions: 1 + 3 * model.polls,
      runTransitions: Number(outcome.record?.stateTransitions ?? NaN),
      lambdaInvocations: outcome.lambdaInvocations,
      status: outcome.status,
    };
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}

export const WAIT_DURATIONS: [string, number][] = [
  ['10 min', 600],
  ['30 min', 1800],
  ['2 h', 7200],
  ['6 h', 21600],
];

/**
 * The state transitions waiting for a long tuning job costs, measured by running the real state machine (the deployed
 * ASL, the real handlers, the local SageMaker) with the tuning job's duration simulated on a virtual clock.
 * @example const figures = await benchWaits({ pipeline: 'pipelines/attrition.yml', data: 'data/sample/attrition.csv' })
 */
export async function benchWaits(args: { pipeline: string; data: string; score?: string }, durations = WAIT_DURATIONS): Promise<WaitFigure[]> {
  const figures: WaitFigure[] = [];
  for (const [label, seconds] of durations) figures.push(await simulate(args, label, seconds));
  return figures;
}

// `tsx bench/waits.ts <pipeline.yml> <data.csv> [score.csv]`: the figures as JSON on stdout (bench.ts runs it apart,
// so that the local cloud's environment does not leak into the other measurements).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [pipeline, data, score] = process.argv.slice(2);
  if (!pipeline || !data) throw new Error('usage: tsx bench/waits.ts <pipeline.yml> <data.csv> [score.csv]');
  // The functions' logs would mix with the JSON on stdout: they go to a file that is removed afterwards.
  const logFile = join(tmpdir(), `mlops-waits-${process.pid}.log`);
  const logs = captureFunctionLogs(logFile, false);
  benchWaits({ pipeline, data, score })
    .then((figures) => process.stdout.write(`${JSON.stringify(figures)}\n`))
    .finally(() => (logs.end(), rm(logFile, { force: true })))
    .catch((error: unknown) => {
      process.stderr.write(`waits: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
