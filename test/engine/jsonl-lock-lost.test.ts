/**
 * A replay whose lock is taken over while it runs: the line answered after that is not recorded,
 * nothing more is sent, the run says why and exits 1; the next replay sends from the last line
 * recorded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { buildJsonlConfig } from '../../src/config/jsonl-config.js';
import { runReplayFiles } from '../../src/engine/index.js';
import { LOCK_TABLE } from '../../src/progress/sync-lock.js';
import { logsLine, markersOf } from '../helpers/jsonl-files.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'jsonl-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a replay whose lock was taken records nothing more, stops and says so', async () => {
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, Array.from({ length: 6 }, (_, i) => `${logsLine(String(i + 1))}\n`).join(''));
  const state = join(dir, 'state.db');
  let seen = 0;
  const receiver = await startOtlpReceiver({
    respond: () => {
      seen++;
      // While line 3 is in flight, another replay takes the state's lock.
      if (seen === 3) {
        const other = new DatabaseSync(state);
        other.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'other', pid = 4242, host = 'h2'`).run();
        other.close();
      }
      return {};
    },
  });
  try {
    const run = () =>
      runReplayFiles(buildJsonlConfig({ endpoint: receiver.url, state }, [file], {}, Date.now()), {
        now: Date.now,
        log: () => {},
        userAgent: 'test',
      });
    const first = await run();
    expect(first.exitCode).toBe(1);
    expect(first.stopped).toMatchObject({
      file,
      line: 3,
      reason: expect.stringMatching(
        /another telemetry-sync \(pid 4242 on h2, since .*\) took over this run's sync lock; this run stopped and recorded nothing more/,
      ),
    });
    expect(markersOf(receiver.requests)).toEqual(['1#0', '2#0', '3#0']);
    // The lock is the other's: freed by hand here, as the other would at its end.
    const db = new DatabaseSync(state);
    expect(db.prepare(`SELECT owner FROM ${LOCK_TABLE}`).get()?.owner).toBe('other');
    db.prepare(`DELETE FROM ${LOCK_TABLE}`).run();
    db.close();
    receiver.clear();
    const second = await run();
    expect(second.exitCode).toBe(0);
    // Line 3 was answered but not recorded: sent again, as after a crash; nothing before it.
    expect(markersOf(receiver.requests)).toEqual(['3#0', '4#0', '5#0', '6#0']);
  } finally {
    await receiver.close();
  }
});
