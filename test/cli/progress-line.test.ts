/* eslint-disable no-control-regex -- the terminal escape that clears the line is what is tested */
import { ProgressLine } from '../../src/cli/progress-line.js';

/** A stream that keeps what was written, as a terminal or a pipe. */
function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ProgressLine', () => {
  it('on a terminal keeps one line up to date: done of total, events/s, time left', () => {
    const out = stream(true);
    const c = clock();
    const line = new ProgressLine(out, { now: c.now, timers: false });
    c.advance(2000);
    line.update({ kind: 'events', done: 1000, delivered: 1000, total: 40_000, sending: true });
    expect(out.chunks.at(-1)).toBe(
      '\r\x1b[2Ktelemetry-sync: 1,000 of 40,000 events sent (2%), 500 events/s, about 1 min 18 s left',
    );
    // Redrawn at most every 200 ms.
    c.advance(50);
    line.update({ kind: 'events', done: 1100, delivered: 1100, total: 40_000, sending: true });
    expect(out.chunks).toHaveLength(1);
    c.advance(1000);
    line.tick();
    expect(out.chunks.at(-1)).toMatch(/^\r\x1b\[2Ktelemetry-sync: 1,100 of 40,000 events sent/);
    expect(out.text()).not.toContain('\n');

    line.update({
      kind: 'retry',
      waitMs: 4000,
      attempts: 2,
      reason: 'connection failed (ECONNREFUSED)',
    });
    expect(out.chunks.at(-1)).toContain('retrying in 4.0 s: connection failed (ECONNREFUSED)');
    expect(out.chunks.at(-1)).not.toContain('left');
    c.advance(1000);
    line.tick();
    expect(out.chunks.at(-1)).toContain('retrying in 3.0 s');

    line.log('HTTP 400 for 20 events; splitting the request');
    expect(out.chunks.at(-2)).toBe(
      '\r\x1b[2Ktelemetry-sync: HTTP 400 for 20 events; splitting the request\n',
    );
    expect(out.chunks.at(-1)).toMatch(/^\r\x1b\[2Ktelemetry-sync: 1,100 of 40,000/);

    line.finish();
    expect(out.chunks.at(-1)).toBe('\r\x1b[2K');
    line.update({ kind: 'events', done: 2000, delivered: 2000, total: 40_000, sending: true });
    expect(out.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('elsewhere writes a plain line every few seconds, nothing for a short run', () => {
    const out = stream(false);
    const c = clock();
    const line = new ProgressLine(out, { now: c.now, timers: false, plainEveryMs: 5000 });
    line.update({ kind: 'events', done: 100, delivered: 100, total: undefined, sending: true });
    c.advance(3000);
    line.tick();
    expect(out.chunks).toEqual([]);
    c.advance(2000);
    line.update({ kind: 'events', done: 5000, delivered: 5000, total: undefined, sending: true });
    line.tick();
    expect(out.chunks).toEqual(['telemetry-sync: 5,000 events sent, 1,000 events/s\n']);
    // A retry wait is news at once, with its reason.
    line.update({ kind: 'retry', waitMs: 1000, attempts: 1, reason: 'HTTP 503: busy' });
    expect(out.chunks.at(-1)).toBe(
      'telemetry-sync: 5,000 events sent, 1,000 events/s, retrying in 1.0 s: HTTP 503: busy\n',
    );
    line.log('a log line');
    expect(out.chunks.at(-1)).toBe('telemetry-sync: a log line\n');
    line.finish();
    expect(out.text()).not.toContain('\r');
  });

  it('elsewhere gives one line per retry, not one per period of its countdown', () => {
    const out = stream(false);
    const c = clock();
    const line = new ProgressLine(out, { now: c.now, timers: false, plainEveryMs: 5000 });
    c.advance(1000);
    line.update({ kind: 'events', done: 200, delivered: 200, total: 1000, sending: true });
    line.update({ kind: 'retry', waitMs: 30_000, attempts: 1, reason: 'HTTP 429: slow down' });
    // Thirty seconds of waiting, then the retried request in flight for ten more.
    for (let i = 0; i < 8; i++) {
      c.advance(5000);
      line.tick();
    }
    line.update({ kind: 'retry', waitMs: 60_000, attempts: 2, reason: 'HTTP 429: slow down' });
    for (let i = 0; i < 12; i++) {
      c.advance(5000);
      line.tick();
    }
    expect(out.chunks).toEqual([
      'telemetry-sync: 200 of 1,000 events sent (20%), 200 events/s, retrying in 30.0 s: HTTP 429: slow down\n',
      expect.stringMatching(
        /^telemetry-sync: 200 of 1,000 events sent \(20%\), [\d,]+ events\/s, retrying in 1 min 0 s: HTTP 429: slow down\n$/,
      ),
    ]);
    // Events moving again end the wait: the periodic line is back, with no retry in it.
    line.update({ kind: 'events', done: 400, delivered: 400, total: 1000, sending: true });
    c.advance(5000);
    line.tick();
    expect(out.chunks).toHaveLength(3);
    expect(out.chunks.at(-1)).toMatch(/^telemetry-sync: 400 of 1,000 events sent \(40%\)/);
    expect(out.chunks.at(-1)).not.toContain('retrying');
  });

  it('without periodic lines (replay): nothing but the waits before a retry, and the log', () => {
    const out = stream(false);
    const c = clock();
    const line = new ProgressLine(out, { now: c.now, timers: false, periodic: false });
    c.advance(60_000);
    line.tick();
    expect(out.text()).toBe('');
    line.log('app.jsonl: new, from its start');
    line.update({ kind: 'retry', waitMs: 2000, attempts: 1, reason: 'HTTP 503: busy' });
    c.advance(60_000);
    line.tick();
    expect(out.text()).toBe(
      'telemetry-sync: app.jsonl: new, from its start\ntelemetry-sync: retrying in 2.0 s: HTTP 503: busy\n',
    );
  });

  it('says "written" for a run that only writes files', () => {
    const out = stream(false);
    const c = clock();
    const line = new ProgressLine(out, { now: c.now, timers: false });
    c.advance(1000);
    line.update({ kind: 'events', done: 2000, delivered: 0, total: 4000, sending: false });
    expect(line.describe()).toBe(
      '2,000 of 4,000 events written (50%), 2,000 events/s, about 1.0 s left',
    );
  });
});
