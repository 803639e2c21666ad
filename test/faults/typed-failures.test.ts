/**
 * Failures of the database and of the files a run writes, each said as what it is: a damaged
 * database (exit 2, "the database is damaged", never a stack trace), one locked by tokf past the
 * busy timeout (exit 1, try again later; not a usage error), a full disk while writing each kind
 * of file (named, not "reading the database failed").
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OPENMETRICS_FILE } from '../../src/output/openmetrics.js';
import { logsLine } from '../helpers/jsonl-files.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { runCli } from '../helpers/run-cli.js';
import { itWhere } from '../helpers/needs.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { distinctEventsDb } from './fault-kit.js';

const PAGE = 4096;
let receiver: OtlpReceiver;
let dir: string;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'typed-failures-'));
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(removeTmpDirs);

/** A database of `n` events with pages of its events table overwritten, as a bad disk leaves it. */
function damagedDb(n: number): string {
  const db = distinctEventsDb(n);
  const bytes = readFileSync(db);
  expect(bytes.length).toBeGreaterThan(12 * PAGE);
  for (let page = 8; page < 12; page++) bytes.fill(0xff, page * PAGE, page * PAGE + 200);
  writeFileSync(db, bytes);
  return db;
}

/** Holds SQLite's exclusive lock on the database from another process for `ms`, as tokf may. */
function holdLock(path: string, ms: number): Promise<void> {
  const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(${JSON.stringify(path)});
db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  return new Promise((ready) => {
    const child = spawn(process.execPath, ['-e', script]);
    child.stdout.once('data', () => ready());
  });
}

const noStack = (text: string) => {
  expect(text).not.toMatch(/unexpected error/);
  expect(text).not.toMatch(/\n\s+at /);
};

describe('a damaged database', () => {
  it('status: exit 2, "the database is damaged", no stack trace; --json says damaged', async () => {
    const db = damagedDb(5000);
    const text = await runCli(['status', '--db', db]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/the database is damaged: .*database disk image is malformed/);
    noStack(text.stderr);
    const json = await runCli(['status', '--db', db, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 2, error: { kind: 'damaged' } });
  });

  it('sync: exit 2, "the database is damaged", no stack trace; what it says adds up', async () => {
    const db = damagedDb(5000);
    const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the database is damaged: .*malformed/);
    noStack(run.stderr);
    expect(run.stderr).not.toMatch(/out of memory|\b0 stay pending|-1 still pending/);
    const out = JSON.parse(run.stdout);
    if (out.error !== undefined) {
      // Found before anything was recorded: an error of the run, nothing delivered.
      expect(out).toMatchObject({ exitCode: 2, error: { kind: 'damaged' } });
      expect(receiver.acceptedPoints()).toEqual([]);
    } else {
      // Found part way: what was delivered is recorded and counted; the rest is said unread.
      expect(out.errors.map((e: { kind: string }) => e.kind)).toContain('database-damaged');
      expect(out.delivered).toBe(
        new Set(receiver.acceptedPoints().map((p) => p.attributes['tokf.command'])).size,
      );
      expect(run.stderr).toContain('every event not read');
    }
  });
});

describe('a database locked by tokf past the busy timeout', () => {
  it('status and sync: exit 1, "try again later", kind busy; not a usage error', async () => {
    const db = distinctEventsDb(20);
    await holdLock(db, 14_000);
    const status = await runCli(['status', '--db', db, '--json']);
    const sync = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
    for (const run of [status, sync]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/locked by another program.*try again later/);
      expect(run.stderr).not.toContain('--help');
      noStack(run.stderr);
      expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: 1, error: { kind: 'busy' } });
    }
    expect(receiver.requests).toHaveLength(0);
  }, 40_000);
});

describe('a full disk (writes to /dev/full)', () => {
  const full = (path: string) => symlinkSync('/dev/full', path);
  const withDevFull = itWhere(
    existsSync('/dev/full'),
    'no /dev/full on this machine (Linux has one): the full-disk checks are not run',
  );

  withDevFull('the OTLP/JSON Lines file: named as such, not a database failure', async () => {
    const db = distinctEventsDb(20);
    const out = join(dir, 'out');
    mkdirSync(out);
    full(join(out, 'metrics.jsonl'));
    const run = await runCli(['sync', '--db', db, '--otlp-json-out', out, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /no space left on the device while writing the OTLP\/JSON Lines file .*metrics\.jsonl \(ENOSPC\)/,
    );
    expect(run.stderr).not.toMatch(/reading the database failed/);
    expect(JSON.parse(run.stdout).errors).toEqual([
      expect.objectContaining({ kind: 'file-failed', file: join(out, 'metrics.jsonl') }),
    ]);
  });

  withDevFull(
    'the OpenMetrics file: named as such; what was delivered stays recorded',
    async () => {
      const db = distinctEventsDb(20);
      const om = join(dir, 'om');
      mkdirSync(om);
      full(join(om, `${OPENMETRICS_FILE}.part0`));
      const run = await runCli([
        'sync',
        '--db',
        db,
        '--endpoint',
        receiver.url,
        '--openmetrics-out',
        om,
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /no space left on the device while writing the OpenMetrics file .*metrics\.om/,
      );
      expect(run.stderr).not.toMatch(/reading the database failed/);
    },
  );

  withDevFull('the rejects file of a replay: named as such', async () => {
    receiver.enqueue({ status: 400, errorMessage: 'bad line' });
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, `${logsLine('1')}\n`);
    const rejects = join(dir, 'rejects.jsonl');
    full(rejects);
    const run = await runCli([
      'replay',
      file,
      '--endpoint',
      receiver.url,
      '--state',
      join(dir, 'state.db'),
      '--rejects',
      rejects,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /no space left on the device while writing the rejects file .*rejects\.jsonl/,
    );
    expect(run.stderr).not.toMatch(/cannot read/);
    noStack(run.stderr);
  });
});

describe('the database itself full', () => {
  it('SQLITE_FULL on a write is a DiskFullError naming the database, not a usage error', async () => {
    const { inWriteTransaction } = await import('../../src/progress/transaction.js');
    const { DiskFullError } = await import('../../src/errors.js');
    const db = new DatabaseSync(distinctEventsDb(5));
    // SQLite's own page limit gives the same SQLITE_FULL a full disk does.
    const pages = Number(db.prepare('PRAGMA page_count').get()?.page_count);
    db.exec(`PRAGMA max_page_count = ${pages}`);
    const write = () =>
      inWriteTransaction(db, 'record delivered events', () =>
        db.exec(`CREATE TABLE filler AS SELECT randomblob(100000) AS b FROM events`),
      );
    expect(write).toThrow(DiskFullError);
    expect(write).toThrow(/cannot record delivered events: .*full.*free some space/);
    db.close();
  });
});
