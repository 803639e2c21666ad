/**
 * The run harness both sending commands go through (see src/engine/run-harness.ts): `sync` over a
 * real tokf database and `replay` over real JSON Lines files, each against a loopback receiver,
 * get the same retry progress, the same stop on Ctrl-C (an aborted signal), the same lock and the
 * same circuit-breaker rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildJsonlConfig } from '../../src/config/jsonl-config.js';
import { buildSyncConfig } from '../../src/config/build-config.js';
import {
  readJsonlStatus,
  readStatus,
  runReplayFiles,
  runSync,
  SyncBusyError,
  type RunDeps,
  type RunProgress,
  type SyncResult,
} from '../../src/engine/index.js';
import { CircuitBreaker } from '../../src/engine/circuit-breaker.js';
import { SyncLock } from '../../src/progress/sync-lock.js';
import { logsLine } from '../helpers/jsonl-files.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

/** Events in the database, and lines in the file: one request each (batch size 1). */
const UNITS = 8;

let receiver: OtlpReceiver;
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'run-harness-'));
});
afterEach(async () => {
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(removeTmpDirs);

async function startReceiver(options: ConstructorParameters<typeof OtlpReceiver>[0] = {}) {
  receiver = new OtlpReceiver(options);
  await receiver.start();
}

type Command = 'sync' | 'replay';
const COMMANDS: Command[] = ['sync', 'replay'];

/** Where each command reads from: a tokf database, or a JSON Lines file beside its state. */
function sourceOf(command: Command): { db: string } | { file: string; state: string } {
  if (command === 'sync') {
    const db = tmpDbPath('harness-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(UNITS, { maxGapSeconds: 5 }));
    return { db };
  }
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, Array.from({ length: UNITS }, (_, i) => `${logsLine(`${i}`)}\n`).join(''));
  return { file, state: join(dir, 'state.db') };
}

/** The same edges for both commands: fast retries, progress and log gathered. */
function depsWith(extra: Partial<RunDeps> = {}) {
  const progress: RunProgress[] = [];
  const deps: RunDeps = {
    now: Date.now,
    log: () => {},
    userAgent: 'telemetry-sync/test',
    // The budget leaves room for one attempt's default 10 s timeout after the waits.
    retryPolicy: { initialBackoffMs: 5, maxBackoffMs: 20, budgetMs: 12_000 },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    progress: (p) => progress.push(p),
    ...extra,
  };
  return { deps, progress };
}

/** Runs `command` over `source`; what the harness's entry points both report. */
async function run(
  command: Command,
  source: ReturnType<typeof sourceOf>,
  deps: RunDeps,
  settings: { maxConsecutiveFailures?: string } = {},
) {
  if ('db' in source) {
    const config = buildSyncConfig(
      { db: source.db, endpoint: receiver.url, batchSize: '1', ...settings },
      {},
      Date.now(),
    );
    const r = await runSync(config, deps);
    return { raw: r, interrupted: r.interrupted, sent: r.delivered, refused: r.refusedEvents };
  }
  const config = buildJsonlConfig(
    { endpoint: receiver.url, state: source.state, ...settings },
    [source.file],
    {},
    Date.now(),
  );
  const r = await runReplayFiles(config, deps);
  return { raw: r, interrupted: r.interrupted, sent: r.sentLines, refused: r.refusedLines };
}

/** The kinds of a sync result's errors; none for replay, which says why it stopped instead. */
function kindsOf(result: object): string[] {
  return 'errors' in result ? (result as SyncResult).errors.map((e) => e.kind) : [];
}

describe('the run harness, the same for sync (tokf database) and replay (JSON Lines)', () => {
  it.each(COMMANDS)('%s reports the wait before each retry and why', async (command) => {
    await startReceiver();
    receiver.enqueue({ status: 503, errorMessage: 'busy' }, { status: 503, errorMessage: 'busy' });
    const { deps, progress } = depsWith();
    const result = await run(command, sourceOf(command), deps);
    expect(result.sent).toBe(UNITS);
    const retries = progress.filter((p) => p.kind === 'retry');
    expect(retries).toEqual([
      expect.objectContaining({
        kind: 'retry',
        attempts: 1,
        reason: expect.stringMatching(/^HTTP 503: .*busy/),
      }),
      expect.objectContaining({
        kind: 'retry',
        attempts: 2,
        reason: expect.stringMatching(/^HTTP 503: .*busy/),
      }),
    ]);
  });

  it.each(COMMANDS)(
    '%s stops on Ctrl-C: the request in flight is recorded, the next run sends exactly the rest',
    async (command) => {
      await startReceiver({ respond: () => ({ delayMs: 100 }) });
      const source = sourceOf(command);
      const controller = new AbortController();
      const first = run(command, source, depsWith({ signal: controller.signal }).deps);
      await receiver.waitForRequests(2, 10_000);
      controller.abort();
      const stopped = await first;
      expect(stopped.interrupted).toBe(true);
      expect(stopped.sent).toBeGreaterThanOrEqual(2);
      expect(stopped.sent).toBeLessThan(UNITS);
      const answered = receiver.requests.length;
      // Every request answered, the one in flight included, was recorded as delivered: the next
      // run sends only the rest, and nothing twice.
      const rest = await run(command, source, depsWith().deps);
      expect(rest.interrupted).toBe(false);
      expect(rest.sent).toBe(UNITS - stopped.sent);
      if (command === 'replay') expect(answered).toBe(stopped.sent);
      if (command === 'replay') expect(receiver.requests).toHaveLength(UNITS);
    },
    30_000,
  );

  it.each(COMMANDS)(
    '%s refuses with SyncBusyError while another run holds its lock, after lockWaitMs',
    async (command) => {
      await startReceiver();
      const source = sourceOf(command);
      // The state database of replay exists once a run recorded something.
      if (!('db' in source)) await run(command, source, depsWith().deps);
      const path = 'db' in source ? source.db : source.state;
      const db = new DatabaseSync(path);
      const other = new SyncLock(db);
      await other.acquire({ waitMs: 0, now: Date.now, sleep: async () => {} });
      const before = receiver.requests.length;
      try {
        const started = Date.now();
        await expect(run(command, source, depsWith({ lockWaitMs: 150 }).deps)).rejects.toThrow(
          SyncBusyError,
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);
        expect(receiver.requests).toHaveLength(before);
      } finally {
        other.release();
        db.close();
      }
    },
  );

  it.each(COMMANDS)(
    '%s: refusals as too old never trip the circuit breaker; refusals of the data do',
    async (command) => {
      await startReceiver({
        respond: () => ({ status: 400, errorMessage: 'too old sample: out of bounds' }),
      });
      const tooOld = await run(command, sourceOf(command), depsWith().deps, {
        maxConsecutiveFailures: '2',
      });
      // Every unit was tried, far past two refusals: the breaker never counted a too-old one.
      expect(receiver.requests.length).toBeGreaterThan(3);
      if (command === 'replay') expect(receiver.requests).toHaveLength(UNITS);
      expect(tooOld.sent).toBe(0);
      expect(kindsOf(tooOld.raw)).not.toContain('circuit-breaker');
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'run-harness-'));

      // Accepted once, then refused as bad data: two in a row stop the run.
      await startReceiver();
      receiver.enqueue(
        {},
        ...Array.from({ length: UNITS }, () => ({ status: 400, errorMessage: 'bad' })),
      );
      const bad = await run(command, sourceOf(command), depsWith().deps, {
        maxConsecutiveFailures: '2',
      });
      expect(bad.sent).toBe(1);
      expect(bad.refused).toBe(2);
      // Replay: a line a request; sync isolates the refused events of a request one by one.
      if (command === 'replay') expect(receiver.requests).toHaveLength(3);
      if (command === 'sync') expect(kindsOf(bad.raw)).toContain('circuit-breaker');
      else expect('stopped' in bad.raw && bad.raw.stopped?.reason).toMatch(/2 lines in a row/);
    },
    30_000,
  );

  it.each(COMMANDS)(
    '%s tells its run in the one shape every command shares, and leaves it where status reads it',
    async (command) => {
      await startReceiver();
      receiver.enqueue({}, {}, { status: 400, errorMessage: 'bad' });
      const source = sourceOf(command);
      const { raw } = await run(command, source, depsWith().deps);
      expect(raw.run).toEqual({
        command,
        status: 'partial',
        exitCode: 1,
        interrupted: false,
        durationMs: raw.durationMs,
        unit: command === 'sync' ? 'event' : 'line',
        endpoint: `${receiver.url}/v1/${command === 'sync' ? 'metrics' : 'logs'}`,
        selected: UNITS,
        delivered: UNITS - 1,
        setAside: 1,
        pending: 0,
        // A line a request; sync's figure is its result's own (checked below).
        requests: command === 'replay' ? UNITS : expect.any(Number),
        retries: 0,
        bytesSent: expect.any(Number),
      });
      if ('requests' in raw) expect(raw.run.requests).toBe(raw.requests);
      expect(raw.run.bytesSent).toBeGreaterThan(0);
      const logged = () =>
        'db' in source
          ? readStatus(source.db, Date.now()).lastSync
          : readJsonlStatus(source.state, Date.now()).lastRun;
      const { run: summary } = raw;
      expect(logged()).toMatchObject({
        status: summary.status,
        endpoint: summary.endpoint,
        selected: summary.selected,
        delivered: summary.delivered,
        setAside: summary.setAside,
        pending: summary.pending,
      });
      const first = logged();

      // A dry run sends and records nothing: it leaves no line either.
      const dry = await runDry(command, source);
      expect(dry.run).toMatchObject({ command, status: 'dry-run', delivered: 0 });
      expect(logged()).toEqual(first);
    },
  );
});

/** A dry run of `command` over `source`. */
async function runDry(command: Command, source: ReturnType<typeof sourceOf>) {
  const deps = depsWith().deps;
  if ('db' in source)
    return await runSync(
      buildSyncConfig({ db: source.db, endpoint: receiver.url, dryRun: true }, {}, Date.now()),
      deps,
    );
  return await runReplayFiles(
    buildJsonlConfig(
      { endpoint: receiver.url, state: source.state, dryRun: true },
      [source.file],
      {},
      Date.now(),
    ),
    deps,
  );
}

describe('CircuitBreaker', () => {
  it('counts refusals of the data in a row, starts again on an acknowledgement, ignores time refusals', () => {
    const breaker = new CircuitBreaker(3);
    expect(breaker.refused('bad-data')).toBe(false);
    expect(breaker.refused('too-old')).toBe(false);
    expect(breaker.refused('out-of-order')).toBe(false);
    expect(breaker.refused('bad-data')).toBe(false);
    expect(breaker.count).toBe(2);
    breaker.accepted();
    expect(breaker.count).toBe(0);
    expect(breaker.refused('bad-data')).toBe(false);
    expect(breaker.refused('bad-data')).toBe(false);
    expect(breaker.refused('bad-data')).toBe(true);
  });
});
