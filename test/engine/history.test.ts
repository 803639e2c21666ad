/**
 * History-aware delivery against a receiver that answers as Prometheus does for samples older
 * than its head allows: 400 "out of bounds" for the whole request.
 */
import { join, dirname } from 'node:path';
import { describeNotice } from '../../src/report/notices.js';
import { flattenPoints, OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import { distinctEventsDb } from '../faults/fault-kit.js';
import { insertEvents, removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const START = Date.parse('2026-03-02T09:00:00Z');
/** distinctEventsDb puts three events in each second: event n is at START + floor((n-1)/3) s. */
const timeOf = (n: number) => START + Math.floor((n - 1) / 3) * 1000;

let receiver: OtlpReceiver;
async function prometheusLike(cutoffMs: number): Promise<void> {
  receiver = await startOtlpReceiver({
    respond: (req) => {
      const points = req.decoded ? flattenPoints(req.decoded) : [];
      const old = points.some((p) => BigInt(p.timeUnixNano) < BigInt(cutoffMs) * 1_000_000n);
      return old ? { status: 400, errorMessage: 'out of bounds' } : { status: 200 };
    },
  });
}
afterEach(() => receiver.close());

const deliveredCommands = () =>
  new Set(
    receiver
      .acceptedPoints()
      .filter((p) => p.metric === 'tokf.filter.invocations')
      .map((p) => String(p.attributes['tokf.command'])),
  );

describe('events older than the endpoint keeps', () => {
  it('go to the file and are set aside; the recent ones are delivered; exit 0 with a warning', async () => {
    await prometheusLike(timeOf(601));
    const db = distinctEventsDb(900);
    const out = join(dirname(db), 'otlp');
    const r = await syncTo(receiver.url, db, { otlpJsonOut: out, batchSize: '300' });
    expect(r).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      delivered: 300,
      tooOldForEndpoint: 600,
      refusedEvents: 0,
      pending: 0,
      setAside: 600,
    });
    expect(deliveredCommands()).toEqual(
      new Set(Array.from({ length: 300 }, (_, i) => `cmd-${601 + i}`)),
    );
    // The horizon costs requests in the logarithm of the batch, not one per old event.
    expect(r.requests).toBeLessThanOrEqual(3 * (2 + Math.ceil(Math.log2(300))));
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(describeNotice).join('\n')).toMatch(
      /600 events \(first: id 1\) were older than the endpoint keeps: HTTP 400: out of bounds; not sent, kept in .*metrics\.jsonl and set aside/,
    );
    // A later run sends nothing again.
    const again = await syncTo(receiver.url, db, { otlpJsonOut: out });
    expect(again).toMatchObject({ selected: 0, requests: 0 });
  });

  it('stay pending without a file, the recent ones still delivered, exit 1 with what to do', async () => {
    await prometheusLike(timeOf(601));
    const db = distinctEventsDb(900);
    const r = await syncTo(receiver.url, db, { batchSize: '300' });
    expect(r).toMatchObject({
      status: 'partial',
      exitCode: 1,
      delivered: 300,
      tooOldForEndpoint: 600,
      pending: 600,
      setAside: 0,
    });
    expect(r.errors.map((e) => e.kind)).toEqual(['too-old-unsent', 'too-old-unsent']);
    expect(describeNotice(r.errors[0]!)).toMatch(/stay pending: give --otlp-json-out DIR/);
  });

  it('do not trip the circuit breaker, which counts only bad data', async () => {
    await prometheusLike(timeOf(850));
    const db = distinctEventsDb(900);
    const out = join(dirname(db), 'otlp');
    const r = await syncTo(receiver.url, db, {
      otlpJsonOut: out,
      batchSize: '100',
      maxConsecutiveFailures: '2',
    });
    expect(r).toMatchObject({ status: 'delivered', delivered: 51, tooOldForEndpoint: 849 });
  });

  it('work the same with cumulative series', async () => {
    await prometheusLike(timeOf(601));
    const db = distinctEventsDb(900);
    const out = join(dirname(db), 'otlp');
    const r = await syncTo(receiver.url, db, {
      otlpJsonOut: out,
      batchSize: '300',
      temporality: 'cumulative',
    });
    expect(r).toMatchObject({ status: 'delivered', delivered: 300, tooOldForEndpoint: 600 });
    expect(deliveredCommands().size).toBe(300);
  });
});

describe('a backend that answers success to points older than it keeps', () => {
  const DAY = 86_400_000;
  async function acceptsAll(): Promise<void> {
    receiver = await startOtlpReceiver({ respond: () => ({ status: 200 }) });
  }
  // 60 events 40 days old, then 30 from an hour ago.
  function agedDb(): string {
    const db = distinctEventsDb(60, Date.now() - 40 * DAY);
    insertEvents(
      db,
      Array.from({ length: 30 }, (_, i) => ({
        timestamp: new Date(Date.now() - 3_600_000 + i * 1000)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        command: `recent-${i}`,
      })),
    );
    return db;
  }

  it('warns with how many were sent beyond its history when max-age is lifted', async () => {
    await acceptsAll();
    const r = await syncTo(receiver.url, agedDb(), { backend: 'victoriametrics', maxAge: 'none' });
    expect(r).toMatchObject({ status: 'delivered', delivered: 90 });
    const said = r.warnings.filter((w) => w.kind === 'beyond-backend-history');
    expect(said).toEqual([expect.objectContaining({ count: 60, firstId: 1 })]);
    expect(describeNotice(said[0]!)).toMatch(
      /^60 events \(first: id 1\) are older than victoriametrics keeps by default and were sent: it answers success to such points and drops them/,
    );
  });

  it('says nothing under the preset, which keeps the old events out', async () => {
    await acceptsAll();
    const r = await syncTo(receiver.url, agedDb(), { backend: 'victoriametrics' });
    expect(r).toMatchObject({ delivered: 30, tooOld: 60 });
    expect(r.warnings.map((w) => w.kind)).not.toContain('beyond-backend-history');
  });

  it('says nothing for a backend that refuses old points itself', async () => {
    await acceptsAll();
    const r = await syncTo(receiver.url, agedDb(), { backend: 'prometheus' });
    expect(r.delivered).toBe(90);
    expect(r.warnings.map((w) => w.kind)).not.toContain('beyond-backend-history');
  });
});
