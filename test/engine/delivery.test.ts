/**
 * The engine's settling of each classified outcome, over a stub transport: which events are
 * recorded as delivered, which are set aside and why, and that nothing is sent after a failure.
 */
import { buildSyncConfig } from '../../src/config/build-config.js';
import type { AttemptResult, Transport } from '../../src/deliver/transport.js';
import { runSync } from '../../src/engine/index.js';
import { distinctEventsDb, rejectedCommands } from '../faults/fault-kit.js';
import { decodeMetricsRequestProtobuf, flattenPoints } from '../helpers/otlp-proto.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const ACK: AttemptResult = {
  kind: 'acknowledged',
  status: 200,
  partial: { rejectedPoints: 0, message: undefined },
};

/** Answers each attempt by what the request holds; keeps the commands of acknowledged ones. */
class StubTransport implements Transport {
  readonly attempts: string[][] = [];
  readonly acknowledged: string[][] = [];
  constructor(private readonly answer: (commands: string[], attempt: number) => AttemptResult) {}
  async send(body: Uint8Array): Promise<AttemptResult> {
    const points = flattenPoints(decodeMetricsRequestProtobuf(body));
    const commands = [
      ...new Set(
        points
          .filter((p) => p.metric === 'tokf.filter.invocations')
          .map((p) => String(p.attributes['tokf.command'])),
      ),
    ];
    this.attempts.push(commands);
    const result = this.answer(commands, this.attempts.length);
    if (result.kind === 'acknowledged') this.acknowledged.push(commands);
    return result;
  }
  close(): void {}
}

async function syncWith(db: string, transport: Transport, settings: Record<string, string> = {}) {
  const config = buildSyncConfig(
    { db, endpoint: 'http://stub.invalid:4318', compression: 'none', batchSize: '10', ...settings },
    {},
    Date.now(),
  );
  return runSync(config, {
    now: Date.now,
    log: () => {},
    userAgent: 'telemetry-sync/test',
    retryPolicy: { initialBackoffMs: 1, maxBackoffMs: 1, budgetMs: 0 },
    sleep: async () => {},
    transport,
  });
}

const refuseIf =
  (bad: (c: string) => boolean, message: string, status = 400) =>
  (commands: string[]): AttemptResult =>
    commands.some(bad) ? { kind: 'permanent', status, message } : ACK;

describe('settling outcomes', () => {
  it('acknowledged requests are recorded; a refused event is set aside with its reason', async () => {
    const db = distinctEventsDb(30);
    const stub = new StubTransport(refuseIf((c) => c === 'cmd-17', 'bad point'));
    const r = await syncWith(db, stub);
    expect(r).toMatchObject({ status: 'partial', delivered: 29, refusedEvents: 1, pending: 0 });
    expect(rejectedCommands(db)).toEqual(new Map([['cmd-17', 'HTTP 400: bad point']]));
    const delivered = stub.acknowledged.flat();
    expect(delivered).toHaveLength(29);
    expect(new Set(delivered).size).toBe(29);
    expect(r.warnings).toEqual([
      { kind: 'refused', count: 1, firstId: 17, message: 'HTTP 400: bad point' },
    ]);
    // A second run sends nothing: every event is delivered or set aside.
    const again = new StubTransport(() => ACK);
    expect(await syncWith(db, again)).toMatchObject({ selected: 0, requests: 0 });
    expect(again.attempts).toEqual([]);
  });

  it('requests are acknowledged in event order', async () => {
    const db = distinctEventsDb(45);
    const stub = new StubTransport(refuseIf((c) => c === 'cmd-5' || c === 'cmd-33', 'bad'));
    await syncWith(db, stub);
    const order = stub.acknowledged.flat().map((c) => Number(c.slice(4)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a refusal for age is not poison: with no file, the event stays pending', async () => {
    const db = distinctEventsDb(12);
    const stub = new StubTransport(refuseIf((c) => c === 'cmd-1', 'out of bounds'));
    const r = await syncWith(db, stub);
    expect(r).toMatchObject({ delivered: 11, refusedEvents: 0, tooOldForEndpoint: 1, pending: 1 });
    expect(rejectedCommands(db).size).toBe(0);
    expect(r.errors).toEqual([
      { kind: 'too-old-unsent', count: 1, firstId: 1, message: 'HTTP 400: out of bounds' },
    ]);
  });

  it('retries exhausted: sending stops, nothing after it is sent or recorded, exit 1', async () => {
    const db = distinctEventsDb(40);
    const stub = new StubTransport((commands) =>
      commands.includes('cmd-15') ? { kind: 'retryable', status: 503, message: 'busy' } : ACK,
    );
    const r = await syncWith(db, stub);
    // Batches of 10 are not cut inside a second (three events a second): 1-12, then 13-24.
    expect(r).toMatchObject({ status: 'partial', exitCode: 1, delivered: 12, pending: 28 });
    expect(stub.attempts.filter((a) => a.includes('cmd-15'))).toHaveLength(1);
    expect(stub.attempts.flat()).not.toContain('cmd-25');
    expect(r.errors).toEqual([
      {
        kind: 'send-failed',
        count: 12,
        firstId: 13,
        message: expect.stringMatching(/^HTTP 503: busy; gave up after 1 attempt over/),
      },
    ]);
  });

  it('a permanent failure (401) stops at once and sets nothing aside', async () => {
    const db = distinctEventsDb(20);
    const stub = new StubTransport(() => ({ kind: 'permanent', status: 401, message: 'no' }));
    const r = await syncWith(db, stub);
    expect(r).toMatchObject({ status: 'failed', delivered: 0, refusedEvents: 0, pending: 20 });
    expect(stub.attempts).toHaveLength(1);
    expect(rejectedCommands(db).size).toBe(0);
  });

  it('the circuit breaker stops after N refused events in a row; the rest stay pending', async () => {
    const db = distinctEventsDb(40);
    // The first batch is taken: what is refused after it is the data's, and set aside.
    const stub = new StubTransport(refuseIf((c) => Number(c.slice(4)) > 10, 'nope', 422));
    const r = await syncWith(db, stub, { maxConsecutiveFailures: '3' });
    expect(r).toMatchObject({ delivered: 10, refusedEvents: 3, pending: 27 });
    expect(r.errors.map((e) => e.kind)).toEqual(['circuit-breaker']);
    expect([...rejectedCommands(db).keys()]).toEqual(['cmd-11', 'cmd-12', 'cmd-13']);
  });

  it('an endpoint refusing every request sets nothing aside: all events stay pending, run after run', async () => {
    const db = distinctEventsDb(40);
    for (const status of [400, 413, 400]) {
      const stub = new StubTransport(refuseIf(() => true, 'request refused', status));
      const r = await syncWith(db, stub, { maxConsecutiveFailures: '3' });
      expect(r).toMatchObject({
        status: 'failed',
        exitCode: 1,
        delivered: 0,
        refusedEvents: 0,
        setAside: 0,
        pending: 40,
      });
      expect(r.errors.map((e) => e.kind)).toEqual(['refuses-everything']);
      expect(r.errors[0]?.message).toBe(`HTTP ${status}: request refused`);
      expect(rejectedCommands(db).size).toBe(0);
    }
  });

  it('refusals before the first acceptance are set aside once something else is accepted', async () => {
    const db = distinctEventsDb(20);
    // cmd-2 is bad; it is found (and held back) before any request was accepted.
    const stub = new StubTransport(refuseIf((c) => c === 'cmd-2', 'bad point'));
    const r = await syncWith(db, stub);
    expect(r).toMatchObject({ delivered: 19, refusedEvents: 1, setAside: 1, pending: 0 });
    expect(r.errors).toEqual([]);
    expect(rejectedCommands(db)).toEqual(new Map([['cmd-2', 'HTTP 400: bad point']]));
  });

  it("a refusal naming the event's own data sets it aside even when nothing was accepted", async () => {
    const db = distinctEventsDb(3);
    const stub = new StubTransport((commands) => ({
      kind: 'permanent',
      status: 400,
      message:
        commands.length === 1 ? `invalid label value "${commands[0]}"` : 'invalid label value',
    }));
    const r = await syncWith(db, stub, { maxConsecutiveFailures: '10' });
    expect(r).toMatchObject({ delivered: 0, refusedEvents: 3, setAside: 3, pending: 0 });
    expect([...rejectedCommands(db).keys()]).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
  });

  it('partial success is counted in points and the events are still recorded', async () => {
    const db = distinctEventsDb(10);
    const stub = new StubTransport(() => ({
      kind: 'acknowledged',
      status: 200,
      partial: { rejectedPoints: 2, message: 'out of order' },
    }));
    const r = await syncWith(db, stub);
    expect(r).toMatchObject({ status: 'delivered', delivered: 10, rejectedPoints: 2, pending: 0 });
    expect(r.warnings).toEqual([
      { kind: 'partial-success', count: 2, firstId: 1, message: 'out of order' },
    ]);
  });
});
