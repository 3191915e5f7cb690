import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '@mlops/local-backend';
import { scoringProgress, trialProgress } from '../src/progress';

function fakeCloud(): { cloud: LocalCloud; events: EventEmitter } {
  const events = new EventEmitter();
  return { cloud: { sagemaker: { events } } as unknown as LocalCloud, events };
}

function capture(tty: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY: tty, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { out: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const trial = (i: number) => ({ pid: 100 + i, job: { kind: 'training', name: `hpo-00${i}-abcd1234`, trialIndex: i } });

describe('tuning progress', () => {
  it('prints one plain line per finished trial when not on a terminal, ignoring other jobs', () => {
    // Prepare
    const { cloud, events } = fakeCloud();
    const { out, text } = capture(false);
    const stop = trialProgress(cloud, 2, out);

    // Act
    events.emit('spawn', { pid: 1, job: { kind: 'processing', name: 'prep' } });
    events.emit('exit', { pid: 1, job: { kind: 'processing', name: 'prep' } });
    events.emit('spawn', trial(1));
    events.emit('spawn', trial(2));
    events.emit('exit', trial(1));
    events.emit('exit', trial(2));
    stop();

    // Assess
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/tuning: 1\/2 trials finished \(hpo-001-abcd1234\), ETA [\d.]+ s/);
    expect(lines[1]).toMatch(/tuning: 2\/2 trials finished/);
  });

  it('draws a bar with counts on a terminal and stops listening afterwards', () => {
    const { cloud, events } = fakeCloud();
    const { out, text } = capture(true);
    const stop = trialProgress(cloud, 4, out);
    events.emit('spawn', trial(1));
    events.emit('exit', trial(1));
    expect(text()).toMatch(/tuning \[.*\] \d\/4 trials/);
    stop();
    expect(events.listenerCount('spawn') + events.listenerCount('exit')).toBe(0);
  });
});

describe('scoring progress', () => {
  it('prints one line per finished transform job when not on a terminal', () => {
    const { cloud, events } = fakeCloud();
    const { out, text } = capture(false);
    const stop = scoringProgress(cloud, out);
    events.emit('transform-progress', { job: 'score-cand', records: 100, total: 250 });
    events.emit('transform-progress', { job: 'score-cand', records: 250, total: 250 });
    stop();
    expect(text().trimEnd().split('\n')).toEqual(['  scoring: score-cand scored 250/250 rows']);
  });
});
