/**
 * History-aware delivery against a receiver that answers as Prometheus does for samples older
 * than its head allows: 400 "out of bounds" for the whole request.
 */
import { join, dirname } from 'node:path';
import { describeNotice } from '../../src/report/notices.js';
import { flattenPoints, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import { distinctEventsDb } from '../faults/fault-kit.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const START = Date.parse('2026-03-02T09:00:00Z');
/** distinctEventsDb puts three events in each second: event n is at START + floor((n-1)/3) s. */
const timeOf = (n: number) => START + Math.floor((n - 1) / 3) * 1000;

let receiver: OtlpReceiver;
async function prometheusLike(cutoffMs: number): Promise<void> {
  receiver = new OtlpReceiver({
    respond: (req) => {
      const points = req.decoded ? flattenPoints(req.decoded) : [];
      const old = points.some((p) => BigInt(p.timeUnixNano) < BigInt(cutoffMs) * 1_000_000n);
      return old ? { status: 400, errorMessage: 'out of bounds' } : { status: 200 };
    },
  });
  await receiver.start();
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
