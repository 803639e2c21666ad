/** Database faults: each is handled without a crash, with a clear message, and loses nothing. */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileHash, runCli } from '../helpers/run-cli.js';
import { DatabaseSync } from 'node:sqlite';
import { MAX_ATTRIBUTE_LENGTH } from '../../src/encode/aggregate.js';
import { SyncBusyError } from '../../src/progress/sync-lock.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb, rejectedCommands, syncTo } from './fault-kit.js';
import { buildSyncConfig } from '../../src/config/build-config.js';
import { runSync } from '../../src/engine/index.js';
import { DatabaseBusyError } from '../../src/errors.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

const hash = fileHash;
const cli = (args: string[]) => runCli(['sync', ...args]);

/** Holds SQLite's exclusive lock on the database from another process for `ms`. */
function holdLock(path: string, ms: number): Promise<void> {
  const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(${JSON.stringify(path)});
db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  return new Promise((ready) => {
    const child = spawn(process.execPath, ['-e', script]);
    child.stdout.once('data', () => ready());
  });
}

describe('database faults', () => {
  it('tokf holding the write lock for a while: the sync waits and delivers', async () => {
    const db = distinctEventsDb(40);
    await holdLock(db, 1500);
    const r = await syncTo(receiver.url, db);
    expect(r).toMatchObject({ status: 'delivered', delivered: 40 });
  });

  it('a lock held past the busy timeout: a DatabaseBusyError (try again later) before anything is sent', async () => {
    const db = distinctEventsDb(40);
    await holdLock(db, 1500);
    const config = buildSyncConfig({ db, endpoint: receiver.url }, {}, Date.now());
    // The busy timeout is injected: the default 5 s would only make the test slower.
    const run = runSync(config, {
      now: Date.now,
      log: () => {},
      userAgent: 't',
      busyTimeoutMs: 200,
    });
    await expect(run).rejects.toThrow(DatabaseBusyError);
    await expect(run).rejects.toThrow(/database .*is locked .*try again later/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('a truncated file: no crash, what could be read is delivered, the rest stays pending', async () => {
    const db = distinctEventsDb(3000);
    truncateSync(db, Math.floor(readFileSync(db).length * 0.6));
    const run = await cli(['--db', db, '--endpoint', receiver.url, '--json']);
    expect([1, 2]).toContain(run.code);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toMatch(/malformed|not a database|reading the database failed/);
  });

  it('a file whose header is damaged is "not an SQLite database", exit 2, unchanged', async () => {
    const db = distinctEventsDb(10);
    const bytes = readFileSync(db);
    bytes.fill(0x41, 0, 100);
    writeFileSync(db, bytes);
    const before = hash(db);
    const run = await cli(['--db', db, '--endpoint', receiver.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an SQLite database');
    expect(hash(db)).toBe(before);
  });

  it.each([
    ['database file', (db: string) => chmodSync(db, 0o444)],
    ['directory', (db: string) => chmodSync(dirname(db), 0o555)],
  ])(
    'a read-only %s: refused before sending, exit 2, unchanged; a dry run still reads it',
    async (what, makeReadOnly) => {
      const db = distinctEventsDb(10);
      const before = hash(db);
      makeReadOnly(db);
      try {
        const run = await cli(['--db', db, '--endpoint', receiver.url]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(new RegExp(`the ${what} .* is read-only .*nothing was sent`));
        expect(receiver.requests).toHaveLength(0);
        expect(hash(db)).toBe(before);
        const dry = await cli(['--db', db, '--dry-run', '--json']);
        expect(dry.code).toBe(0);
        expect(JSON.parse(dry.stdout)).toMatchObject({ selected: 10 });
      } finally {
        chmodSync(dirname(db), 0o755);
        chmodSync(db, 0o644);
      }
    },
  );

  it('rows with NULLs and odd values: nothing crashes, readable rows are delivered, the rest set aside', async () => {
    const path = tmpDbPath('odd-');
    const raw = new DatabaseSync(path);
    // A damaged, tokf-like table: the same columns without tokf's NOT NULL constraints.
    raw.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT, command TEXT,
      filter_name TEXT, input_bytes INTEGER, output_bytes INTEGER, input_tokens_est INTEGER,
      output_tokens_est INTEGER, filter_time_ms INTEGER, exit_code INTEGER)`);
    const insert =
      raw.prepare(`INSERT INTO events (timestamp, command, filter_name, input_tokens_est,
      output_tokens_est, filter_time_ms, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    insert.run('2026-03-02T09:00:00Z', 'negative', null, -50, -10, -5, -1);
    insert.run('2026-03-02T09:00:01Z', 'x'.repeat(1_000_000), 'huge', 10, 1, 1, 0);
    insert.run('2026-03-02T09:00:02Z', null, null, null, null, null, null);
    insert.run(
      '2026-03-02T09:00:03Z',
      'big ints',
      null,
      9223372036854775807n,
      0,
      9223372036854775807n,
      2147483647,
    );
    insert.run('2026-03-02T09:00:04Z', 'text in numbers', null, 'abc', '12', 'x', 'y');
    insert.run(null, 'no timestamp', null, 1, 1, 1, 0);
    insert.run('yesterday-ish', 'garbage timestamp', null, 1, 1, 1, 0);
    raw.exec(`INSERT INTO events (timestamp, command, input_tokens_est, output_tokens_est, filter_time_ms, exit_code)
      VALUES ('2026-03-02T09:00:05Z', CAST(X'63C3FF2D62616420757466' AS TEXT), 1, 1, 1, 0)`);
    raw.close();

    const r = await syncTo(receiver.url, path);
    expect(r).toMatchObject({
      selected: 6,
      delivered: 6,
      unreadable: 2,
      setAside: 2,
      pending: 0,
      exitCode: 0,
    });
    const points = receiver.acceptedPoints();
    const commands = [...deliveriesByCommand(points).keys()];
    expect(commands).toEqual(
      expect.arrayContaining(['negative', '', 'big ints', 'text in numbers']),
    );
    expect(commands.find((c) => c.startsWith('xxx'))).toHaveLength(MAX_ATTRIBUTE_LENGTH);
    expect(commands.some((c) => c.startsWith('c\uFFFD'))).toBe(true);
    // Negative counts and durations are clamped to zero, as a histogram and a sum require.
    const negative = points.filter((p) => p.attributes['tokf.command'] === 'negative');
    expect(negative.find((p) => p.metric === 'tokf.filter.duration')).toMatchObject({
      sum: 0,
      min: 0,
    });
    expect(
      negative.find((p) => p.metric === 'tokf.filter.invocations')?.attributes['tokf.exit_code'],
    ).toBe(-1);
    expect([...rejectedCommands(path).values()]).toEqual([
      'the timestamp is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC), so the event cannot be replayed',
      'the timestamp is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC), so the event cannot be replayed',
    ]);
  });

  it('tokf writing concurrently through the CLI: nothing lost, nothing twice', async () => {
    const db = tmpDbPath('concurrent-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(200));
    receiver.enqueue(...Array.from({ length: 20 }, () => ({ delayMs: 40 })));
    const writer = setInterval(
      () => insertEvents(db, makeEvents(3, { start: '2026-03-09T00:00:00Z', seed: Date.now() })),
      25,
    );
    const run = await cli(['--db', db, '--endpoint', receiver.url, '--batch-size', '20', '--json']);
    clearInterval(writer);
    expect(run.code).toBe(0);
    const second = await cli(['--db', db, '--endpoint', receiver.url, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ pending: 0 });
    const total = receiver
      .acceptedPoints()
      .filter((p) => p.metric === 'tokf.filter.invocations')
      .reduce((s, p) => s + (p.value ?? 0), 0);
    const rows = new DatabaseSync(db, { readOnly: true })
      .prepare('SELECT count(*) AS n FROM events')
      .get();
    expect(total).toBe(Number(rows?.n));
  });
});

describe('one sync at a time', () => {
  it('a second sync waits for the first and then sends nothing twice', async () => {
    const db = distinctEventsDb(90);
    receiver.enqueue(...Array.from({ length: 9 }, () => ({ delayMs: 150 })));
    const first = cli(['--db', db, '--endpoint', receiver.url, '--batch-size', '10', '--json']);
    // The first holds the sync lock once its first request is out: only then is the second started.
    await receiver.waitForRequests(1, 20_000);
    const second = await cli(['--db', db, '--endpoint', receiver.url, '--json']);
    const firstRun = await first;
    expect(firstRun.code).toBe(0);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ selected: 0, requests: 0 });
    const counts = deliveriesByCommand(receiver.acceptedPoints());
    expect(counts.size).toBe(90);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('refuses with a clear message when the other sync does not finish in time', async () => {
    const db = distinctEventsDb(30);
    receiver.enqueue({ delayMs: 2000 });
    const first = cli(['--db', db, '--endpoint', receiver.url, '--json']);
    // Until the first holds the lock: a loaded machine may take more than a moment to start it.
    await receiver.waitForRequests(1, 20_000);
    const config = buildSyncConfig({ db, endpoint: receiver.url }, {}, Date.now());
    await expect(
      runSync(config, { now: Date.now, log: () => {}, userAgent: 't', lockWaitMs: 300 }),
    ).rejects.toThrow(SyncBusyError);
    await expect(
      runSync(config, { now: Date.now, log: () => {}, userAgent: 't', lockWaitMs: 300 }),
    ).rejects.toThrow(
      /another telemetry-sync \(pid \d+ on .*\) is syncing this database; nothing was sent/,
    );
    expect((await first).code).toBe(0);
    expect(receiver.accepted()).toHaveLength(1);
  });
});
