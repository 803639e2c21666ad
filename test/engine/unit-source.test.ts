/**
 * A source written as the least a new one needs (see src/engine/unit-source.ts): what is pending,
 * how a unit is encoded, where its signal goes, how an acknowledgement and a refusal are recorded.
 * Run by the harness against a loopback receiver, it gets the lock, retries, the breaker's one
 * rule, Ctrl-C and the result's shape without writing any of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../../src/config/vocabulary.js';
import type { RunDeps, RunProgress } from '../../src/engine/run-deps.js';
import { RunHarness } from '../../src/engine/run-harness.js';
import { sendUnits, type UnitRefusal, type UnitSource } from '../../src/engine/unit-source.js';
import { lastRun } from '../../src/progress/run-log.js';
import { SyncBusyError, SyncLock } from '../../src/progress/sync-lock.js';
import { logsLine } from '../helpers/jsonl-files.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';

const UNITS = 6;
const receiver = otlpReceiverForEachTest();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unit-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Log lines, each one request, its progress an in-memory record of what was acknowledged and
 * set aside (a real source records it durably, as JSON Lines offsets or tokf's ranges).
 */
class LinesSource implements UnitSource<number> {
  readonly command = 'lines';
  runLog: DatabaseSync | undefined;
  readonly acknowledgedUnits: number[] = [];
  readonly setAsideUnits: { unit: number; refusal: UnitRefusal['kind'] }[] = [];
  closed = 0;

  constructor(
    private readonly lines: string[],
    readonly lock: SyncLock | undefined = undefined,
    readonly maxConsecutiveFailures = 3,
    private readonly retryBudgetMs = 10_000,
  ) {}

  *pending(): Iterable<number> {
    const settled = new Set([...this.acknowledgedUnits, ...this.setAsideUnits.map((s) => s.unit)]);
    for (let i = 0; i < this.lines.length; i++) if (!settled.has(i)) yield i;
  }

  encode(unit: number) {
    return { signal: 'logs' as Signal, body: Buffer.from(this.lines[unit]!), events: 1 };
  }

  target() {
    return {
      endpoint: { url: `${receiver.url}/v1/logs`, headers: {}, secrets: [] },
      protocol: 'http/json' as const,
      compression: 'none' as const,
      timeoutMs: 2_000,
      retryBudgetMs: this.retryBudgetMs,
    };
  }

  acknowledged(unit: number): void {
    this.acknowledgedUnits.push(unit);
  }

  setAside(unit: number, refusal: UnitRefusal): void {
    this.setAsideUnits.push({ unit, refusal: refusal.kind });
  }

  close(): void {
    this.closed++;
  }
}

function lines(n = UNITS): string[] {
  return Array.from({ length: n }, (_, i) => logsLine(`unit-${i}`, 1_700_000_000n + BigInt(i)));
}

function depsWith(extra: Partial<RunDeps> = {}) {
  const progress: RunProgress[] = [];
  const deps: RunDeps = {
    now: Date.now,
    log: () => {},
    userAgent: 'telemetry-sync/test',
    retryPolicy: { initialBackoffMs: 5, maxBackoffMs: 20 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    progress: (p) => progress.push(p),
    ...extra,
  };
  return { deps, progress };
}

/** The body of each logs request the receiver decoded, in arrival order. */
function bodiesReceived(): string[] {
  return receiver.requests.map((r) => {
    const logs = r.signalDecoded?.resourceLogs as
      { scopeLogs: { logRecords: { body: { stringValue: string } }[] }[] }[] | undefined;
    return logs?.[0]?.scopeLogs[0]?.logRecords[0]?.body.stringValue ?? '(not decoded)';
  });
}

describe('a source written as units, run by the harness', () => {
  it('sends every unit in order, records each acknowledgement, and reports progress', async () => {
    const source = new LinesSource(lines());
    const { deps, progress } = depsWith();
    const result = await RunHarness.run(deps, sendUnits(source));
    expect(result).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      delivered: UNITS,
      setAside: 0,
      requests: UNITS,
      stopped: null,
      interrupted: false,
    });
    expect(source.acknowledgedUnits).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bodiesReceived()).toEqual(lines().map((_, i) => `unit-${i}#0`));
    expect(progress.filter((p) => p.kind === 'events').map((p) => p.done)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(source.closed).toBe(1);
  });

  it('retries a 503 and says so in its progress', async () => {
    receiver.enqueue({ status: 503, errorMessage: 'busy' });
    const { deps, progress } = depsWith();
    const source = new LinesSource(lines());
    const result = await RunHarness.run(deps, sendUnits(source));
    expect(result).toMatchObject({ status: 'delivered', delivered: UNITS, retries: 1 });
    expect(progress).toContainEqual(
      expect.objectContaining({ kind: 'retry', attempts: 1, reason: expect.stringMatching(/503/) }),
    );
  });

  it("stops when a unit's retries are spent: it stays pending and the next run sends exactly the rest", async () => {
    receiver.enqueue({}, {}, ...Array.from({ length: 50 }, () => ({ status: 503 })));
    const source = new LinesSource(lines(), undefined, 3, 150);
    const stopped = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(stopped).toMatchObject({ status: 'partial', exitCode: 1, delivered: 2 });
    expect(stopped.stopped).toMatch(/503/);
    expect(source.acknowledgedUnits).toEqual([0, 1]);

    // The endpoint is back: the 503s left unused are forgotten, and so are the requests seen.
    receiver.clear();
    const rest = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(rest).toMatchObject({ status: 'delivered', delivered: UNITS - 2 });
    expect(source.acknowledgedUnits).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bodiesReceived()).toEqual(['unit-2#0', 'unit-3#0', 'unit-4#0', 'unit-5#0']);
  });
});

describe('the harness rules a unit source gets without writing them', () => {
  it('three refusals of the data in a row trip the breaker: those are set aside, the rest waits', async () => {
    receiver.enqueue(
      ...Array.from({ length: UNITS }, () => ({ status: 400, errorMessage: 'bad' })),
    );
    const source = new LinesSource(lines(), undefined, 3);
    const result = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, delivered: 0, setAside: 3 });
    expect(result.stopped).toMatch(/3 requests in a row were refused/);
    expect(source.setAsideUnits).toEqual([
      { unit: 0, refusal: 'bad-data' },
      { unit: 1, refusal: 'bad-data' },
      { unit: 2, refusal: 'bad-data' },
    ]);
    expect(receiver.requests).toHaveLength(3);
  });

  it('refusals for being too old never trip it: every unit is tried and set aside', async () => {
    receiver.enqueue(
      ...Array.from({ length: UNITS }, () => ({
        status: 400,
        errorMessage: 'too old sample: out of bounds',
      })),
    );
    const source = new LinesSource(lines(), undefined, 2);
    const result = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(result).toMatchObject({ status: 'partial', setAside: UNITS, stopped: null });
    expect(source.setAsideUnits.map((s) => s.refusal)).toEqual(Array(UNITS).fill('too-old'));
  });

  it('stops on Ctrl-C: the unit in flight is recorded, nothing more is sent', async () => {
    const controller = new AbortController();
    const source = new LinesSource(lines(), undefined);
    receiver.enqueue(...Array.from({ length: UNITS }, () => ({ delayMs: 100 })));
    const running = RunHarness.run(depsWith({ signal: controller.signal }).deps, sendUnits(source));
    await receiver.waitForRequests(2, 5_000);
    controller.abort();
    const result = await running;
    expect(result.interrupted).toBe(true);
    expect(result.stopped).toMatch(/^interrupted/);
    // The second request was in flight when Ctrl-C came: answered, so recorded.
    expect(source.acknowledgedUnits).toEqual([0, 1]);
    expect(receiver.requests).toHaveLength(2);
    expect(source.closed).toBe(1);
  });

  it('refuses with SyncBusyError while another run holds its lock, having sent nothing', async () => {
    const db = new DatabaseSync(join(dir, 'progress.db'));
    const other = new SyncLock(db);
    await other.acquire({ waitMs: 0, now: Date.now, sleep: async () => {} });
    const source = new LinesSource(lines(), new SyncLock(db));
    try {
      await expect(
        RunHarness.run(depsWith({ lockWaitMs: 100 }).deps, sendUnits(source)),
      ).rejects.toThrow(SyncBusyError);
      expect(receiver.requests).toHaveLength(0);
      expect(source.closed).toBe(1);
    } finally {
      other.release();
    }
    // Once the other run is done, the lock is the source's.
    const result = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(result.delivered).toBe(UNITS);
    db.close();
  });

  it("logs each run in the run's one shape, for status: the next source gets the run log too", async () => {
    const db = new DatabaseSync(join(dir, 'progress.db'));
    receiver.enqueue({}, { status: 400, errorMessage: 'bad' });
    const source = new LinesSource(lines(), new SyncLock(db));
    source.runLog = db;
    const result = await RunHarness.run(depsWith().deps, sendUnits(source));
    expect(result.run).toMatchObject({
      command: 'lines',
      status: 'partial',
      exitCode: 1,
      unit: 'event',
      endpoint: `${receiver.url}/v1/logs`,
      selected: UNITS,
      delivered: UNITS - 1,
      setAside: 1,
      requests: UNITS,
      retries: 0,
    });
    expect(result.run.bytesSent).toBeGreaterThan(0);
    expect(lastRun(db)).toMatchObject({
      status: 'partial',
      endpoint: `${receiver.url}/v1/logs`,
      selected: UNITS,
      delivered: UNITS - 1,
      setAside: 1,
      pending: -1,
    });
    db.close();
  });

  it('logs nothing where the source keeps no run log, nor where nothing is recorded (no lock)', async () => {
    const db = new DatabaseSync(join(dir, 'progress.db'));
    const unlogged = new LinesSource(lines(), new SyncLock(db));
    await RunHarness.run(depsWith().deps, sendUnits(unlogged));
    const unlocked = new LinesSource(lines());
    unlocked.runLog = db;
    await RunHarness.run(depsWith().deps, sendUnits(unlocked));
    expect(receiver.requests).toHaveLength(2 * UNITS);
    expect(lastRun(db)).toBeUndefined();
    db.close();
  });
});
