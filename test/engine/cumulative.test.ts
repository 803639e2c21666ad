/**
 * Cumulative series end to end in-process: a real tokf database, a loopback receiver decoding with
 * the official schema, totals checked against the rows across runs.
 */
import { DatabaseSync } from 'node:sqlite';
import { SERIES_TABLE } from '../../src/progress/series-store.js';
import type { FlatPoint } from '../helpers/otlp-proto.js';
import { flattenPoints, otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

const key = (p: FlatPoint) => `${p.metric} ${JSON.stringify(Object.entries(p.attributes).sort())}`;

/** Points per series in arrival order. */
function bySeries(points: readonly FlatPoint[]): Map<string, FlatPoint[]> {
  const out = new Map<string, FlatPoint[]>();
  for (const p of points) {
    const k = key(p);
    out.set(k, [...(out.get(k) ?? []), p]);
  }
  return out;
}

/** The last value of each invocations series: the total of its events. */
function finalInvocations(points: readonly FlatPoint[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, list] of bySeries(points))
    if (k.startsWith('tokf.filter.invocations')) out.set(k, list.at(-1)!.value!);
  return out;
}

function expectedInvocations(db: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of readEvents(db)) {
    const attrs: Record<string, unknown> = {
      'tokf.command': row.command,
      'tokf.exit_code': row.exit_code,
      ...(row.filter_name !== null && { 'tokf.filter.name': row.filter_name }),
    };
    const k = `tokf.filter.invocations ${JSON.stringify(Object.entries(attrs).sort())}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Every series: one start time, strictly increasing times, values that never go down. */
function expectWellFormed(points: readonly FlatPoint[]): void {
  for (const list of bySeries(points).values()) {
    expect(new Set(list.map((p) => p.startTimeUnixNano)).size).toBe(1);
    for (let i = 1; i < list.length; i++) {
      expect(BigInt(list[i]!.timeUnixNano)).toBeGreaterThan(BigInt(list[i - 1]!.timeUnixNano));
      const [a, b] = [list[i - 1]!, list[i]!];
      expect(b.value ?? b.count!).toBeGreaterThanOrEqual(a.value ?? a.count!);
    }
    expect(BigInt(list[0]!.startTimeUnixNano)).toBeLessThan(BigInt(list[0]!.timeUnixNano));
  }
}

describe('cumulative temporality', () => {
  it('sends running totals that end at the rows’ totals, and continues them in a later run', async () => {
    const db = tmpDbPath();
    createTokfDb(db);
    insertEvents(db, makeEvents(300));
    const rows = readEvents(db);
    const cut = rows[150]!.timestamp;

    const first = await syncTo(receiver.url, db, { temporality: 'cumulative', until: cut });
    expect(first.status).toBe('delivered');
    const second = await syncTo(receiver.url, db, { temporality: 'cumulative', batchSize: '40' });
    expect(second).toMatchObject({ status: 'delivered', pending: 0 });

    const points = receiver.acceptedPoints();
    expect(new Set(points.map((p) => p.temporality))).toEqual(new Set([2]));
    expectWellFormed(points);
    expect(finalInvocations(points)).toEqual(expectedInvocations(db));
    // Tokens saved add up to the rows' too.
    const saved = [...bySeries(points)]
      .filter(([k]) => k.startsWith('tokf.tokens.saved'))
      .reduce((n, [, list]) => n + list.at(-1)!.value!, 0);
    expect(saved).toBe(
      rows.reduce((n, r) => n + Math.max(0, r.input_tokens_est - r.output_tokens_est), 0),
    );
    // The state lives in our table, one row per series.
    const state = new DatabaseSync(db, { readOnly: true });
    const n = Number(state.prepare(`SELECT count(*) AS n FROM ${SERIES_TABLE}`).get()?.n);
    state.close();
    expect(n).toBe(bySeries(points).size);
  });

  it('fills an older gap later by counting it into the next point, never before the last', async () => {
    const db = tmpDbPath();
    createTokfDb(db);
    insertEvents(db, makeEvents(120));
    const rows = readEvents(db);
    // The newer half first (--since), then a plain run sends the older half.
    await syncTo(receiver.url, db, { temporality: 'cumulative', since: rows[60]!.timestamp });
    await syncTo(receiver.url, db, { temporality: 'cumulative' });
    const points = receiver.acceptedPoints();
    expectWellFormed(points);
    expect(finalInvocations(points)).toEqual(expectedInvocations(db));
  });

  it('a failed request never advances the totals, and a refused event is left out', async () => {
    const db = tmpDbPath();
    createTokfDb(db);
    // Three series of ten events each, two seconds apart, and one event the endpoint refuses.
    const start = Date.parse('2026-03-02T09:00:00Z');
    insertEvents(
      db,
      Array.from({ length: 31 }, (_, i) => ({
        timestamp: new Date(start + i * 2000).toISOString().replace('.000Z', 'Z'),
        command: i === 15 ? 'poison' : `cmd-${i % 3}`,
        filterName: 'cargo/test',
        inputTokensEst: 100,
        outputTokensEst: 10,
        filterTimeMs: 5,
        exitCode: 0,
      })),
    );
    let failures = 0;
    await receiver.reopen({
      respond: (req) => {
        const commands = req.decoded
          ? flattenPoints(req.decoded).map((p) => String(p.attributes['tokf.command']))
          : [];
        if (commands.includes('poison')) return { status: 400, errorMessage: 'bad point' };
        // The third request fails for good in the first run: its totals must not be kept.
        if (req.decoded && failures === 0 && receiver.requests.length === 3) {
          failures += 1;
          return { status: 500, errorMessage: 'down' };
        }
        return { status: 200 };
      },
    });
    const first = await syncTo(receiver.url, db, { temporality: 'cumulative', batchSize: '4' });
    expect(first.status).toBe('partial');
    expect(first.errors.map((e) => e.kind)).toEqual(['send-failed']);
    const second = await syncTo(receiver.url, db, { temporality: 'cumulative', batchSize: '4' });
    expect(second).toMatchObject({ status: 'partial', refusedEvents: 1, pending: 0 });
    const points = receiver.acceptedPoints();
    expectWellFormed(points);
    const expected = expectedInvocations(db);
    for (const k of expected.keys()) if (k.includes('"poison"')) expected.delete(k);
    expect(finalInvocations(points)).toEqual(expected);
    expect([...expected.values()]).toEqual([10, 10, 10]);
  });
  it('points encoded ahead of a refusal are encoded again without the refused event', async () => {
    const db = tmpDbPath();
    createTokfDb(db);
    // One series; the endpoint refuses the point of one second. Batches after it were encoded
    // while it was being sent, assuming it would be acknowledged.
    const start = Date.parse('2026-03-02T09:00:00Z');
    const at = (i: number) => new Date(start + i * 2000).toISOString().replace('.000Z', 'Z');
    insertEvents(
      db,
      Array.from({ length: 40 }, (_, i) => ({
        timestamp: at(i),
        command: 'cargo test',
        filterName: 'cargo/test',
        inputTokensEst: 100,
        outputTokensEst: 10,
        filterTimeMs: 5,
        exitCode: 0,
      })),
    );
    const refusedNano = String(BigInt(Date.parse(at(6))) * 1_000_000n);
    await receiver.reopen({
      respond: (req) => {
        const times = req.decoded ? flattenPoints(req.decoded).map((p) => p.timeUnixNano) : [];
        return times.includes(refusedNano)
          ? { status: 400, errorMessage: 'bad point' }
          : { status: 200 };
      },
    });
    const run = await syncTo(receiver.url, db, { temporality: 'cumulative', batchSize: '4' });
    expect(run).toMatchObject({ status: 'partial', refusedEvents: 1, pending: 0 });
    const points = receiver.acceptedPoints();
    expectWellFormed(points);
    expect([...finalInvocations(points).values()]).toEqual([39]);
    // Every total is the count of the acknowledged events up to its time.
    const invocations = points.filter((p) => p.metric === 'tokf.filter.invocations');
    for (const p of invocations) {
      const upTo = Number(BigInt(p.timeUnixNano) / 1_000_000n);
      const acked = Array.from({ length: 40 }, (_, i) => i).filter(
        (i) => i !== 6 && Date.parse(at(i)) <= upTo,
      ).length;
      expect(p.value).toBe(acked);
    }
  });
});
