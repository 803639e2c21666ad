/** `telemetry-sync status` as a user runs it: the bundle, on real tokf databases. */
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileHash, runCli } from '../helpers/run-cli.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { STATUS_HELP } from '../../src/cli/help.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

function tokfDb(n: number): string {
  const path = tmpDbPath('cli-status-');
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n));
  return path;
}

describe('telemetry-sync status', () => {
  it('says what is pending and what the last sync did, in text and as JSON, sending nothing', async () => {
    const db = tokfDb(1500);
    const sync = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--limit', '1200']);
    expect(sync.code).toBe(0);
    const requests = receiver.requests.length;

    const text = await runCli(['status', '--db', db]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`telemetry-sync status of ${db}`);
    expect(text.stdout).toMatch(/pending {4}300 events, \S+ \.\. \S+ \(ids 1201 \.\. 1500\)/);
    expect(text.stdout).toContain('delivered  1,200 events of 1,500');
    expect(text.stdout).toMatch(/last sync {2}\S+ \(delivered\): 1,200 events of 1,200 selected/);
    expect(text.stdout).toContain('lock       free');

    const json = await runCli(['status', '--db', db, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      database: db,
      progress: 'ranges',
      events: 1500,
      delivered: 1200,
      pending: { count: 300, firstId: 1201, lastId: 1500 },
      setAside: { count: 0 },
      lastSync: { status: 'delivered', delivered: 1200, pending: 300 },
      lock: null,
    });
    expect(receiver.requests.length).toBe(requests);
  });

  it('takes the database from tokf own rules, as sync does', async () => {
    const db = tokfDb(3);
    const run = await runCli(['status', '--json'], { TOKF_DB_PATH: db });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ database: db, pending: { count: 3 } });
  });

  it('works on a read-only file in a read-only directory and leaves it unchanged', async () => {
    const db = tokfDb(10);
    const before = fileHash(db);
    chmodSync(db, 0o444);
    chmodSync(dirname(db), 0o555);
    try {
      const run = await runCli(['status', '--db', db]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('pending    10 events');
    } finally {
      chmodSync(dirname(db), 0o755);
      chmodSync(db, 0o644);
    }
    expect(fileHash(db)).toBe(before);
  });

  it('exits 2 on a missing database, with a JSON error under --json', async () => {
    const run = await runCli(['status', '--db', '/no/such/tracking.db', '--json']);
    expect(run.code).toBe(2);
    const message =
      'no database at /no/such/tracking.db (given by --db): check the path given to --db, or run a command through tokf first (such as `tokf run git status`) so that it records one';
    expect(run.stderr).toBe(`telemetry-sync: error: ${message}\n`);
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'error',
      exitCode: 2,
      error: { kind: 'database', message },
    });
  });

  it('without --db and before tokf ever ran, names the path it looked at and says what to do', async () => {
    const home = dirname(tmpDbPath('no-tokf-yet-'));
    const looked = join(home, '.local', 'share', 'tokf', 'tracking.db');
    const run = await runCli(['status'], { HOME: home, XDG_DATA_HOME: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `telemetry-sync: error: no database at ${looked} (tokf's default location): pass --db PATH to the tracking.db to read, or run a command through tokf first (such as \`tokf run git status\`) so that it records one there\n`,
    );
    expect(existsSync(looked)).toBe(false);
    // Where a variable of tokf's chose the path, the message names it.
    const fromEnv = await runCli(['status'], { TOKF_DB_PATH: join(home, 'elsewhere.db') });
    expect(fromEnv.stderr).toContain(
      `no database at ${join(home, 'elsewhere.db')} (from TOKF_DB_PATH): pass --db PATH`,
    );
    // sync says the same before anything is opened.
    const sync = await runCli(['sync', '--dry-run'], { HOME: home, XDG_DATA_HOME: '' });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain(`no database at ${looked} (tokf's default location): pass --db`);
  });

  it('has its own help, and refuses the flags of sync', async () => {
    const help = await runCli(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(STATUS_HELP);
    const wrong = await runCli(['status', '--endpoint', 'http://x']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown option --endpoint');
    expect(wrong.stderr).toContain('(see: telemetry-sync status --help)');
  });
});
