/**
 * `status` tells what is true now about events set aside into a file: which run wrote which file
 * when, and whether that file still holds them. A later run rewrites the file (with 5 events):
 * status no longer says the 1,000 are there.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { readStatus } from '../../src/engine/index.js';
import { REJECTED_TABLE } from '../../src/progress/dead-letters.js';
import { formatStatusText } from '../../src/report/status-text.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { waitFor } from '../helpers/wait-for.js';

afterAll(removeTmpDirs);

const receiver = otlpReceiverForEachTest();

const DAY = 86_400_000;

describe('status and the files set-aside events were written to', () => {
  it('says which run wrote which file when, and stops saying the events are there once it was rewritten', async () => {
    const db = tmpDbPath('status-files-');
    createTokfDb(db);
    insertEvents(db, makeEvents(1000, { start: new Date(Date.now() - 30 * DAY).toISOString() }));
    const out = join(db, '..', 'oldout');
    const first = await syncTo(receiver.url, db, { maxAge: '7d', otlpJsonOut: out });
    expect(first).toMatchObject({ tooOld: 1000, delivered: 0 });
    const file = join(out, 'metrics.jsonl');

    const now = readStatus(db, Date.now());
    const group = now.setAside.byReason.find((g) => g.kind === 'too-old')!;
    expect(group).toMatchObject({ count: 1000, file: { path: file, state: 'there' } });
    expect(group.file!.writtenAt).toBe(group.lastAt);
    const text = formatStatusText(now, Date.now());
    expect(text).toContain('1,000 too old (in an OTLP/JSON file only)');
    expect(text).toContain(`${file} is as the run of ${group.lastAt} wrote it`);

    // A later run, with 5 new events only, rewrites the file: once the clock has left the first
    // run's millisecond, so that the two runs' records and the file's times tell them apart.
    await waitFor(() => Date.now() > Date.parse(group.lastAt), {
      what: `the clock to pass the first run's ${group.lastAt}`,
    });
    insertEvents(
      db,
      makeEvents(5, { start: new Date(Date.now() - 10 * DAY).toISOString(), seed: 7 }),
    );
    const second = await syncTo(receiver.url, db, { maxAge: '7d', otlpJsonOut: out });
    expect(second).toMatchObject({ tooOld: 5 });
    const later = readStatus(db, Date.now());
    const old = later.setAside.byReason.find((g) => g.count === 1000)!;
    expect(old.file).toMatchObject({ path: file, state: 'changed' });
    const fresh = later.setAside.byReason.find((g) => g.count === 5)!;
    expect(fresh.file).toMatchObject({ path: file, state: 'there' });
    expect(later.setAside).toMatchObject({ tooOld: 1005, tooOldNotInFile: 1000 });
    const laterText = formatStatusText(later, Date.now());
    expect(laterText).not.toContain('1,000 too old (in an OTLP/JSON file only)');
    expect(laterText).not.toContain('1,005 too old (in an OTLP/JSON file only)');
    expect(laterText).toContain('5 too old (in an OTLP/JSON file only)');
    expect(laterText).toContain('1,000 too old, no longer in the file they were written to');
    expect(laterText).toMatch(
      /1,000 {2}older than max-age.*but .*metrics\.jsonl was rewritten since the run of .* so it may no longer hold them/,
    );

    // Removed: gone.
    rmSync(file);
    expect(
      readStatus(db, Date.now()).setAside.byReason.every((g) => g.file?.state === 'gone'),
    ).toBe(true);
    writeFileSync(file, '');
    expect(readStatus(db, Date.now()).setAside.tooOldNotInFile).toBe(1005);
  });

  it('rows set aside by an earlier version (no file columns) are shown without a claim', () => {
    const db = tmpDbPath('status-files-old-');
    createTokfDb(db);
    insertEvents(db, makeEvents(3));
    const raw = new DatabaseSync(db);
    raw.exec(`CREATE TABLE ${REJECTED_TABLE} (event_id INTEGER PRIMARY KEY, reason TEXT NOT NULL,
      status INTEGER, rejected_at TEXT NOT NULL)`);
    raw
      .prepare(
        `INSERT INTO ${REJECTED_TABLE} VALUES (1, 'older than max-age; exported to x/metrics.jsonl only', NULL, '2026-03-01T00:00:00Z')`,
      )
      .run();
    raw.close();
    const s = readStatus(db, Date.now());
    expect(s.setAside.byReason).toEqual([expect.objectContaining({ count: 1, file: null })]);
  });
});
