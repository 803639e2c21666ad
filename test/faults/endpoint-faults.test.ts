/**
 * Endpoint faults. Every case ends the same way: after the faulty run (and, where events were left
 * pending, a run against a healthy endpoint) every event has arrived at least once, and any event
 * missing from the receiver is set aside as rejected with its reason. Nothing is lost.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeMetricsDataJson, flattenPoints } from '../helpers/otlp-proto.js';
import { OtlpReceiver, startOtlpReceiver, type ReceivedRequest } from '../helpers/otlp-receiver.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb, rejectedCommands, syncTo } from './fault-kit.js';
import { describeNotice } from '../../src/report/notices.js';

const N = 60;
let receiver: OtlpReceiver;
afterEach(() => receiver?.close());
afterAll(removeTmpDirs);

async function start(
  respond?: (r: ReceivedRequest) => { status: number; errorMessage?: string } | undefined,
) {
  receiver = await startOtlpReceiver(respond === undefined ? {} : { respond });
}

/** Runs against a healthy receiver until nothing is pending, then checks nothing was lost. */
async function expectNothingLost(
  db: string,
  expectRejected: string[] = [],
): Promise<Map<string, number>> {
  const healthy = await startOtlpReceiver();
  try {
    const rest = await syncTo(healthy.url, db);
    expect(rest.pending).toBe(0);
    const counts = deliveriesByCommand([...receiver.acceptedPoints(), ...healthy.acceptedPoints()]);
    const rejected = rejectedCommands(db);
    expect([...rejected.keys()].sort()).toEqual([...expectRejected].sort());
    for (let i = 1; i <= N; i++) {
      const cmd = `cmd-${i}`;
      if (rejected.has(cmd)) continue;
      expect([cmd, counts.get(cmd) ?? 0]).toEqual([cmd, expect.any(Number)]);
      expect(counts.get(cmd)).toBeGreaterThanOrEqual(1);
    }
    return counts;
  } finally {
    await healthy.close();
  }
}

const poisonIn = (cmd: string) => (r: ReceivedRequest) =>
  r.decoded !== undefined &&
  flattenPoints(r.decoded).some((p) => p.attributes['tokf.command'] === cmd)
    ? { status: 400, errorMessage: `invalid label value in sample for ${cmd}` }
    : undefined;

describe('endpoint faults: nothing is lost', () => {
  it('429 with Retry-After, 429 without, then success', async () => {
    await start();
    receiver.enqueue({ status: 429, retryAfter: '1' }, { status: 429 });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db);
    expect(r).toMatchObject({ status: 'delivered', delivered: N, retries: 2 });
    const counts = await expectNothingLost(db);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('a 503 storm longer than the retry budget: the run stops, the next one delivers the rest', async () => {
    let answered = 0;
    await start(() => (answered++ === 0 ? { status: 200 } : { status: 503 }));
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db, { batchSize: '10' });
    expect(r).toMatchObject({ status: 'partial', exitCode: 1, failedRequests: 1 });
    expect(r.delivered).toBeGreaterThan(0);
    expect(r.pending).toBe(N - r.delivered);
    await expectNothingLost(db);
  });

  it('500 is permanent: no retry, nothing later is sent', async () => {
    await start();
    receiver.enqueue({ status: 500 });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db, { batchSize: '10' });
    expect(r).toMatchObject({
      status: 'failed',
      delivered: 0,
      requests: 1,
      retries: 0,
      pending: N,
    });
    await expectNothingLost(db);
  });

  it('400 for one poison point: the request is split, every good event is delivered, the poison set aside', async () => {
    await start(poisonIn('cmd-37'));
    const db = distinctEventsDb(N);
    const out = join(dirname(db), 'otlp');
    const r = await syncTo(receiver.url, db, { batchSize: '60', otlpJsonOut: out });
    expect(r).toMatchObject({
      status: 'partial',
      exitCode: 1,
      delivered: N - 1,
      refusedEvents: 1,
      pending: 0,
      setAside: 1,
    });
    expect(r.warnings.map(describeNotice).join('\n')).toMatch(
      /1 event was refused and set aside as rejected \(HTTP 400: .*invalid label value in sample for cmd-37\)/,
    );
    expect(rejectedCommands(db).get('cmd-37')).toMatch(
      /^HTTP 400: .*invalid label value in sample for cmd-37/,
    );
    // The refused event's points are in rejected-metrics.jsonl, and only there.
    const rejectedLines = readFileSync(join(out, 'rejected-metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const rejectedPoints = rejectedLines.flatMap((l) =>
      flattenPoints(decodeMetricsDataJson(l).decoded),
    );
    expect(new Set(rejectedPoints.map((p) => p.attributes['tokf.command']))).toEqual(
      new Set(['cmd-37']),
    );
    const counts = await expectNothingLost(db, ['cmd-37']);
    expect(counts.get('cmd-37')).toBeUndefined();
    // Isolating one event out of 60 takes about 2 * log2(60) requests, not 60.
    expect(r.requests).toBeLessThanOrEqual(16);

    // A later run does not try it again, unless asked to; then, accepted, it leaves the rejected list.
    const again = await syncTo(receiver.url, db);
    expect(again).toMatchObject({ selected: 0, requests: 0, setAside: 1 });
    const healthy = await startOtlpReceiver();
    const retried = await syncTo(healthy.url, db, { retryRejected: true });
    expect(retried).toMatchObject({ selected: 1, delivered: 1, setAside: 0, status: 'delivered' });
    expect(deliveriesByCommand(healthy.acceptedPoints()).get('cmd-37')).toBe(1);
    await healthy.close();
  });

  it('413 splits the request until it fits', async () => {
    receiver = await startOtlpReceiver({ maxBodyBytes: 2500 });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db, { batchSize: '60', compression: 'none' });
    expect(r).toMatchObject({ status: 'delivered', delivered: N, refusedEvents: 0 });
    expect(receiver.requests.filter((q) => q.answeredStatus === 413).length).toBeGreaterThan(0);
    await expectNothingLost(db);
  });

  it('partial success: counted, not retried, events marked', async () => {
    await start();
    receiver.enqueue({ partialSuccess: { rejectedDataPoints: 4, errorMessage: 'too old' } });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db);
    expect(r).toMatchObject({ status: 'delivered', delivered: N, rejectedPoints: 4, requests: 1 });
    await expectNothingLost(db);
  });

  it('a response that hangs past the timeout, and a reset connection, are retried', async () => {
    await start();
    receiver.enqueue({ hangMs: 3000 }, { reset: true });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db, { timeout: '300' });
    expect(r).toMatchObject({ status: 'delivered', delivered: N, retries: 2 });
    await expectNothingLost(db);
  });

  it('an endpoint down for the whole run (refused connections): nothing marked, exit 1', async () => {
    await start();
    const url = receiver.url;
    await receiver.close();
    const db = distinctEventsDb(N);
    const r = await syncTo(url, db);
    expect(r).toMatchObject({ status: 'failed', exitCode: 1, delivered: 0, pending: N });
    expect(r.errors[0]).toMatchObject({ kind: 'send-failed', message: /ECONNREFUSED/ });
    await start();
    await expectNothingLost(db);
  });

  it('a slow endpoint (over a second per request) still gets everything, in order', async () => {
    await start(() => ({ status: 200 }));
    receiver.enqueue({ delayMs: 1200 }, { delayMs: 1200 });
    const db = distinctEventsDb(N);
    const r = await syncTo(receiver.url, db, { batchSize: '30' });
    expect(r).toMatchObject({ status: 'delivered', delivered: N, requests: 2 });
    await expectNothingLost(db);
  });

  it('an endpoint refusing everything (400, then 413) sets nothing aside, run after run', async () => {
    const db = distinctEventsDb(N);
    for (const [status, text] of [
      [400, 'invalid sample'],
      [413, 'request entity too large'],
      [400, 'invalid sample'],
    ] as const) {
      await start(() => ({ status, errorMessage: text }));
      const r = await syncTo(receiver.url, db, { batchSize: '20', maxConsecutiveFailures: '3' });
      expect(r).toMatchObject({
        status: 'failed',
        exitCode: 1,
        delivered: 0,
        refusedEvents: 0,
        setAside: 0,
        pending: N,
      });
      const said = r.errors.map(describeNotice).join('\n');
      expect(said).toMatch(/the endpoint refused every request of this run: HTTP \d+/);
      expect(said).toContain(text);
      expect(said).toMatch(/nothing was set aside/);
      expect(rejectedCommands(db).size).toBe(0);
      await receiver.close();
    }
    await expectNothingLost(db);
  });

  it('max-age: older events are not sent, only exported and set aside; newer ones are sent', async () => {
    await start();
    const now = Date.now();
    const db = distinctEventsDb(N, now - 2 * 3600_000);
    const out = join(dirname(db), 'otlp');
    // Events span 20 s two hours ago: all older than 1h.
    const r = await syncTo(receiver.url, db, { maxAge: '1h', otlpJsonOut: out });
    expect(r).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      tooOld: N,
      delivered: 0,
      requests: 0,
      exported: N,
      setAside: N,
      pending: 0,
    });
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true);
    expect(rejectedCommands(db).get('cmd-1')).toMatch(/older than max-age/);
    const fresh = distinctEventsDb(N, now - 60_000);
    const r2 = await syncTo(receiver.url, fresh, { maxAge: '1h' });
    expect(r2).toMatchObject({ delivered: N, tooOld: 0 });
  });
});
