/** `telemetry-sync status` as a user runs it: the bundle, on real tokf databases. */
import { chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileHash, runCli } from '../helpers/run-cli.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { STATUS_HELP } from '../../src/cli/help.js';

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
});
afterEach(() => receiver.close());
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
    expect(run.stderr).toContain('no database at /no/such/tracking.db');
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'error',
      exitCode: 2,
      error: { kind: 'database', message: 'no database at /no/such/tracking.db' },
    });
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
