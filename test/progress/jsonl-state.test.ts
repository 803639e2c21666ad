import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileIdentity } from '../../src/jsonl/identity.js';
import { FORGET_AFTER_DAYS, JsonlState } from '../../src/progress/jsonl-state.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'replay-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const id = (ino: string, firstLine: string) => ({ dev: '1', ino, firstLine, size: 100 });
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const day = (n: number) => new Date(T0 + n * DAY);

describe('JsonlState', () => {
  it('recognises a file by inode and first line, a copy by its first line, a reused inode as replaced', () => {
    const path = join(dir, 'sub', 'state.db');
    const state = JsonlState.open(path, false);
    expect(state.find(id('7', 'h1'))).toEqual({ recognition: 'new', offset: 0, line: 0 });
    state.save(id('7', 'h1'), 120, 3, '/f.jsonl', new Date());
    state.save(id('7', 'h1'), 160, 4, '/f-1.jsonl', new Date());
    expect(state.find(id('7', 'h1'))).toEqual({ recognition: 'same', offset: 160, line: 4 });
    expect(state.find(id('8', 'h1'))).toEqual({ recognition: 'copy', offset: 160, line: 4 });
    expect(state.find(id('7', 'h2'))).toEqual({ recognition: 'replaced', offset: 0, line: 0 });
    // What the inode held before is forgotten once it is recorded with its new content.
    state.save(id('7', 'h2'), 10, 1, '/f.jsonl', new Date());
    expect(state.find(id('9', 'h1')).recognition).toBe('new');
    state.close();
    // Durable: a new connection sees it.
    const again = JsonlState.open(path, true);
    expect(again.find(id('7', 'h2'))).toMatchObject({ recognition: 'same', offset: 10 });
    again.close();
  });

  it("keeps a line source's state with the file's progress, and nothing of it read-only where there is none", () => {
    const path = join(dir, 'state.db');
    const none = JsonlState.open(path, true);
    expect(none.sourceState('k')).toBeUndefined();
    none.close();
    const state = JsonlState.open(path, false);
    state.save(id('7', 'h1'), 10, 1, '/f.jsonl', new Date(), undefined, {
      key: 'k',
      state: '{"a":1}',
    });
    state.save(id('7', 'h1'), 20, 2, '/f.jsonl', new Date(), undefined, {
      key: 'k',
      state: '{"a":2}',
    });
    state.save(id('7', 'h1'), 30, 3, '/f.jsonl', new Date());
    state.close();
    const again = JsonlState.open(path, true);
    expect(again.sourceState('k')).toBe('{"a":2}');
    expect(again.sourceState('other')).toBeUndefined();
    again.close();
    // The same transaction: a save that fails records neither the offset nor the state.
    const db = new DatabaseSync(path);
    db.exec(
      `CREATE TRIGGER no_more BEFORE UPDATE ON replay_files BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    db.close();
    const failing = JsonlState.open(path, false);
    expect(() =>
      failing.save(id('7', 'h1'), 40, 4, '/f.jsonl', new Date(), undefined, {
        key: 'k',
        state: '{"a":3}',
      }),
    ).toThrow();
    expect(failing.sourceState('k')).toBe('{"a":2}');
    expect(failing.find(id('7', 'h1')).offset).toBe(30);
    failing.close();
  });

  it('opened read-only where there is none, creates nothing and knows nothing', () => {
    const path = join(dir, 'none.db');
    const state = JsonlState.open(path, true);
    expect(state.find(id('1', 'h')).recognition).toBe('new');
    state.close();
    expect(existsSync(path)).toBe(false);
  });

  it(`forgets a row no run has met for ${FORGET_AFTER_DAYS} days unless its file is still at its path`, async () => {
    const state = JsonlState.open(join(dir, 'state.db'), false);
    const kept = join(dir, 'kept.jsonl');
    writeFileSync(kept, 'line\n');
    const keptId = (await fileIdentity(kept, false))!;
    state.save(keptId, 5, 1, kept, day(0));
    state.save(id('7', 'gone'), 10, 1, join(dir, 'gone.jsonl'), day(0));
    state.save(id('8', 'later'), 10, 1, join(dir, 'later.jsonl'), day(0));
    // Met on day 5 (a copy of it, under another inode and path).
    state.seen([{ id: id('99', 'later'), path: join(dir, 'later-1.jsonl') }], day(5));
    expect(FORGET_AFTER_DAYS).toBe(30);

    expect(state.prune(day(30))).toBe(0);
    expect(state.find(id('7', 'gone')).recognition).toBe('same');
    expect(state.prune(day(31))).toBe(1);
    expect(state.find(id('7', 'gone')).recognition).toBe('new');
    expect(state.find(id('8', 'later')).recognition).toBe('same');
    expect(state.find(keptId)).toMatchObject({ recognition: 'same', offset: 5 });
    expect(state.prune(day(36))).toBe(1);
    expect(state.find(id('99', 'later')).recognition).toBe('new');
    // Still at its path a year on.
    expect(state.prune(day(365))).toBe(0);
    expect(state.find(keptId)).toMatchObject({ recognition: 'same', offset: 5 });
    // Moved away, it is one more file not met.
    rmSync(kept);
    expect(state.prune(day(365 + 29))).toBe(0);
    expect(state.prune(day(365 + 31))).toBe(1);
    state.close();
  });

  it('follows a renamed file to its new path when a run meets it', async () => {
    const state = JsonlState.open(join(dir, 'state.db'), false);
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, 'line\n');
    const fileId = (await fileIdentity(file, false))!;
    state.save(fileId, 5, 1, join(dir, 'before-rotation.jsonl'), day(0));
    state.seen([{ id: fileId, path: file }], day(1));
    expect(state.prune(day(100))).toBe(0);
    expect(state.find(fileId).recognition).toBe('same');
    state.close();
  });

  it('adds the column to a database of an earlier version, its rows counted as met at the first pruning', () => {
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE replay_files (
      id INTEGER PRIMARY KEY, dev TEXT NOT NULL, ino TEXT NOT NULL,
      first_line_sha256 TEXT NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL,
      path TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (dev, ino, first_line_sha256))`);
    old
      .prepare(
        `INSERT INTO replay_files (dev, ino, first_line_sha256, offset, line, path, updated_at)
        VALUES ('1', '7', 'h', 42, 2, '/nowhere/a.jsonl', '2020-01-01T00:00:00Z')`,
      )
      .run();
    old.close();
    const state = JsonlState.open(path, false);
    expect(state.prune(day(0))).toBe(0);
    expect(state.find(id('7', 'h'))).toMatchObject({ recognition: 'same', offset: 42 });
    expect(state.prune(day(31))).toBe(1);
    state.close();
  });
});
