/**
 * Both sending commands run through cli/run-command.ts: the real CLI (the bundle) against a
 * loopback receiver shows a wait before a retry the same way for `replay` as for `sync`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logsLine } from '../helpers/jsonl-files.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { runCli } from '../helpers/run-cli.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

let receiver: OtlpReceiver;
let dir: string;
beforeEach(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  dir = mkdtempSync(join(tmpdir(), 'cli-run-command-'));
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(removeTmpDirs);

/** The retry line, as either command writes it through a pipe. */
const RETRY_LINE = /^telemetry-sync: (?:.*, )?retrying in [\d.]+ s: HTTP 503: .*busy.*$/m;

describe('a sending command, as both run', () => {
  it('replay shows the wait before each retry and why, as sync does', async () => {
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, `${logsLine('1')}\n${logsLine('2')}\n`);
    receiver.enqueue({ status: 503, errorMessage: 'busy' });
    const replay = await runCli([
      'replay',
      file,
      '--endpoint',
      receiver.url,
      '--state',
      join(dir, 'state.db'),
    ]);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toMatch(RETRY_LINE);
    // No "starting", no periodic line: a replay reports no events done, only its waits.
    expect(replay.stderr).toMatch(/^telemetry-sync: retrying in [\d.]+ s: /m);
    expect(replay.stderr).toMatch(/replayed 1 file: 2 lines \(2 logs\) delivered/);

    const db = tmpDbPath('run-command-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(5));
    receiver.enqueue({ status: 503, errorMessage: 'busy' });
    const sync = await runCli(['sync', '--db', db, '--endpoint', receiver.url]);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(RETRY_LINE);
  }, 60_000);
});
