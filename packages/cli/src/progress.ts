import { SingleBar } from 'cli-progress';
import type { LocalCloud } from '@mlops/local-backend';

interface ContainerEvent {
  pid: number;
  job: { kind: string; name: string; trialIndex?: number };
}

/**
 * Progress of the tuning trials while a local run goes: a bar with counts and ETA on a terminal (cli-progress),
 * one plain line per finished trial otherwise. Returns a function that stops listening.
 * @example const stop = trialProgress(cloud, 8, process.stdout); …; stop();
 */
export function trialProgress(cloud: LocalCloud, total: number, out: NodeJS.WriteStream): () => void {
  const events = cloud.sagemaker.events;
  const started = new Set<string>();
  let startedAt = 0;
  let done = 0;
  const bar = out.isTTY
    ? new SingleBar({ format: '  tuning [{bar}] {value}/{total} trials | {running} running | ETA {eta_formatted}', hideCursor: true, stream: out, clearOnComplete: true })
    : undefined;
  const onSpawn = (event: ContainerEvent) => {
    if (event.job.trialIndex === undefined) return;
    if (started.size === 0) {
      startedAt = Date.now();
      bar?.start(total, 0, { running: 0 });
    }
    started.add(event.job.name);
    bar?.update(done, { running: started.size - done });
  };
  const onExit = (event: ContainerEvent) => {
    if (event.job.trialIndex === undefined || !started.has(event.job.name)) return;
    done += 1;
    const eta = ((Date.now() - startedAt) / done) * Math.max(0, total - done);
    if (bar) bar.update(done, { running: started.size - done });
    else out.write(`  tuning: ${done}/${total} trials finished (${event.job.name}), ETA ${(eta / 1000).toFixed(1)} s\n`);
    if (done >= total) bar?.stop();
  };
  events.on('spawn', onSpawn);
  events.on('exit', onExit);
  return () => {
    events.off('spawn', onSpawn);
    events.off('exit', onExit);
    bar?.stop();
  };
}

interface TransformProgress {
  job: string;
  records: number;
  total: number;
}

/**
 * Progress of batch transforms (scoring): one bar per job with rows and ETA on a terminal, one plain line per
 * finished job otherwise. Returns a function that stops listening.
 */
export function scoringProgress(cloud: LocalCloud, out: NodeJS.WriteStream): () => void {
  const events = cloud.sagemaker.events;
  const bars = new Map<string, SingleBar>();
  const reported = new Set<string>();
  const onProgress = (event: TransformProgress) => {
    if (out.isTTY) {
      let bar = bars.get(event.job);
      if (!bar) {
        bar = new SingleBar({ format: `  scoring [{bar}] {value}/{total} rows | ETA {eta_formatted} | ${event.job}`, stream: out, clearOnComplete: true });
        bar.start(event.total, 0);
        bars.set(event.job, bar);
      }
      bar.update(event.records);
      if (event.records >= event.total) bar.stop();
    } else if (event.records >= event.total && !reported.has(event.job)) {
      reported.add(event.job);
      out.write(`  scoring: ${event.job} scored ${event.records}/${event.total} rows\n`);
    }
  };
  events.on('transform-progress', onProgress);
  return () => {
    events.off('transform-progress', onProgress);
    for (const bar of bars.values()) bar.stop();
  };
}
