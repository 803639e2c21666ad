import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from '../errors.js';
import type { FileIdentity } from '../jsonl/identity.js';
import { messageOf } from '../errors.js';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/**
 * How long a file's row is kept after a run last matched it to a file (by inode and first line,
 * or by first line alone), unless the file is still where the row says. Long enough for a file
 * rotated away for a while, or left out of the PATH arguments of some runs, to keep its progress.
 */
export const FORGET_AFTER_DAYS = 30;
const FORGET_AFTER_MS = FORGET_AFTER_DAYS * 24 * 60 * 60 * 1000;

const TABLE = 'replay_files';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  id INTEGER PRIMARY KEY,
  dev TEXT NOT NULL,
  ino TEXT NOT NULL,
  first_line_sha256 TEXT NOT NULL,
  offset INTEGER NOT NULL,
  line INTEGER NOT NULL,
  path TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  seen_at TEXT,
  UNIQUE (dev, ino, first_line_sha256)
)`;
/**
 * State a line source builds from the lines before (gridctl's metrics: each series' start and last
 * value), by a key of the source's, as JSON. Written in the transaction that records the progress
 * of the file whose lines built it, so that the two never disagree.
 */
const CREATE_SOURCE_TABLE = `CREATE TABLE IF NOT EXISTS replay_source_state (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`;
// seen_at may be NULL: in rows from before it existed, and in rows an older telemetry-sync writes
// into this database. Such a row counts as seen at the first pruning that meets it.

/**
 * How a file was recognised: `same` (its inode and first line, perhaps under another name after a
 * rotation), `copy` (another inode with the same first line: a rotation that compressed or copied
 * it), `replaced` (its inode now holds another first line), `new`.
 */
export type Recognition = 'same' | 'copy' | 'replaced' | 'new';

export interface FileProgress {
  recognition: Recognition;
  /** Byte offset (uncompressed) up to which lines were acknowledged; 0 when not recognised. */
  offset: number;
  /** Lines before that offset, for line numbers in reports. */
  line: number;
}

interface Row {
  offset: number;
  line: number;
}

/** A file whose progress the state holds, as `status --replay` lists it. */
export interface RecordedFile {
  /** Where the file was when a run last met it (absolute). */
  path: string;
  /** Lines acknowledged (or set aside), and the byte offset (uncompressed) they end at. */
  line: number;
  offset: number;
  /** When its progress was last recorded, and when a run last met it (null: before that was kept). */
  updatedAt: string;
  seenAt: string | null;
}

/**
 * The progress of replays of OTLP JSON Lines files, in a small SQLite database of its own: per
 * file, what identifies it and the offset up to which its lines were acknowledged. Each record is
 * one short transaction, committed before the next line is sent.
 */
export class JsonlState {
  private constructor(readonly db: DatabaseSync | undefined) {}

  /** Opens (and creates, unless read-only) the state database. Read-only and absent: empty. */
  static open(path: string, readOnly: boolean): JsonlState {
    if (readOnly && !existsSync(path)) return new JsonlState(undefined);
    try {
      if (!readOnly) mkdirSync(dirname(path), { recursive: true });
      const db = new DatabaseSync(path, { readOnly });
      db.exec('PRAGMA busy_timeout = 5000');
      if (!readOnly) {
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = FULL');
        db.exec(CREATE_TABLE);
        db.exec(CREATE_SOURCE_TABLE);
        const columns = db.prepare(`PRAGMA table_info(${TABLE})`).all() as { name: string }[];
        if (!columns.some((c) => c.name === 'seen_at'))
          db.exec(`ALTER TABLE ${TABLE} ADD COLUMN seen_at TEXT`);
      }
      return new JsonlState(db);
    } catch (err) {
      throw new DatabaseError(`cannot open the replay state ${path}: ${messageOf(err)}`);
    }
  }

  /** Where to resume a file: by inode and first line, else by first line alone, else from 0. */
  find(id: FileIdentity): FileProgress {
    if (this.db === undefined || !this.hasTable())
      return { recognition: 'new', offset: 0, line: 0 };
    const same = this.db
      .prepare(
        `SELECT offset, line FROM ${TABLE} WHERE dev = ? AND ino = ? AND first_line_sha256 = ?`,
      )
      .get(id.dev, id.ino, id.firstLine) as Row | undefined;
    if (same !== undefined) return { recognition: 'same', offset: same.offset, line: same.line };
    const copy = this.db
      .prepare(
        `SELECT offset, line FROM ${TABLE} WHERE first_line_sha256 = ? ORDER BY offset DESC LIMIT 1`,
      )
      .get(id.firstLine) as Row | undefined;
    if (copy !== undefined) return { recognition: 'copy', offset: copy.offset, line: copy.line };
    const replaced = this.db
      .prepare(`SELECT 1 FROM ${TABLE} WHERE dev = ? AND ino = ?`)
      .get(id.dev, id.ino);
    return { recognition: replaced === undefined ? 'new' : 'replaced', offset: 0, line: 0 };
  }

  /**
   * Records that a run met these files, so that the rows their progress comes from are kept: each
   * one's own, and those of files with its first line, from which a copy takes its offset (a copy
   * read to its end never gets a row of its own). The path follows a file renamed by a rotation.
   */
  seen(files: readonly { id: FileIdentity; path: string }[], at: Date): void {
    const db = this.db;
    if (db === undefined) throw new DatabaseError('the replay state is open read-only');
    if (files.length === 0) return;
    const when = tokfTimestamp(at);
    inWriteTransaction(db, 'record the files met', () => {
      const mark = db.prepare(
        `UPDATE ${TABLE} SET seen_at = ?,
           path = CASE WHEN dev = ? AND ino = ? THEN ? ELSE path END
         WHERE first_line_sha256 = ?`,
      );
      for (const { id, path } of files) mark.run(when, id.dev, id.ino, resolve(path), id.firstLine);
    });
  }

  /**
   * Forgets the files no run has met for FORGET_AFTER_DAYS, and returns how many. A row whose file
   * is still at its path (same device and inode) is kept whatever its age, and counts as seen:
   * only a file that is gone, or has left its path, can lose its progress.
   */
  prune(at: Date): number {
    const db = this.db;
    if (db === undefined) throw new DatabaseError('the replay state is open read-only');
    const now = tokfTimestamp(at);
    const cutoff = tokfTimestamp(new Date(at.getTime() - FORGET_AFTER_MS));
    let forgotten = 0;
    inWriteTransaction(db, 'prune the replay state', () => {
      db.prepare(`UPDATE ${TABLE} SET seen_at = ? WHERE seen_at IS NULL`).run(now);
      const stale = db
        .prepare(`SELECT id, dev, ino, path FROM ${TABLE} WHERE seen_at < ?`)
        .all(cutoff) as { id: number; dev: string; ino: string; path: string }[];
      const keep = db.prepare(`UPDATE ${TABLE} SET seen_at = ? WHERE id = ?`);
      const forget = db.prepare(`DELETE FROM ${TABLE} WHERE id = ?`);
      for (const row of stale) {
        if (stillAt(row.path, row.dev, row.ino)) keep.run(now, row.id);
        else forgotten += Number(forget.run(row.id).changes);
      }
    });
    return forgotten;
  }

  /** The files whose progress is recorded, most recently recorded first. */
  files(): RecordedFile[] {
    if (this.db === undefined || !this.hasTable()) return [];
    const rows = this.db
      .prepare(
        `SELECT path, line, offset, updated_at, seen_at FROM ${TABLE} ORDER BY updated_at DESC, id DESC`,
      )
      .all() as {
      path: string;
      line: number;
      offset: number;
      updated_at: string;
      seen_at: string | null;
    }[];
    return rows.map((r) => ({
      path: r.path,
      line: Number(r.line),
      offset: Number(r.offset),
      updatedAt: r.updated_at,
      seenAt: r.seen_at,
    }));
  }

  /** A line source's state as last recorded (see CREATE_SOURCE_TABLE); undefined if none. */
  sourceState(key: string): string | undefined {
    if (this.db === undefined) return undefined;
    if (!tableExists(this.db, 'main', 'replay_source_state')) return undefined;
    const row = this.db.prepare('SELECT state FROM replay_source_state WHERE key = ?').get(key) as
      { state: string } | undefined;
    return row?.state;
  }

  /**
   * Records that the file's lines up to `offset` are done, in one transaction: what the inode
   * held before (another first line) is forgotten; `source`, the state its line source built up
   * to there, is recorded with it. `guard` runs first in it (the sync lock's check), so that when
   * it throws nothing is recorded.
   */
  save(
    id: FileIdentity,
    offset: number,
    line: number,
    path: string,
    at: Date,
    guard?: (at: number) => void,
    source?: { key: string; state: string },
  ): void {
    const db = this.db;
    if (db === undefined) throw new DatabaseError('the replay state is open read-only');
    inWriteTransaction(db, 'record replay progress', () => {
      guard?.(at.getTime());
      if (source !== undefined)
        db.prepare(
          `INSERT INTO replay_source_state (key, state, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        ).run(source.key, source.state, tokfTimestamp(at));
      db.prepare(`DELETE FROM ${TABLE} WHERE dev = ? AND ino = ? AND first_line_sha256 <> ?`).run(
        id.dev,
        id.ino,
        id.firstLine,
      );
      db.prepare(
        `INSERT INTO ${TABLE} (dev, ino, first_line_sha256, offset, line, path, updated_at, seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dev, ino, first_line_sha256)
         DO UPDATE SET offset = excluded.offset, line = excluded.line, path = excluded.path,
           updated_at = excluded.updated_at, seen_at = excluded.seen_at`,
      ).run(
        id.dev,
        id.ino,
        id.firstLine,
        offset,
        line,
        // Absolute, so that pruning, from whatever directory it runs, finds the file.
        resolve(path),
        tokfTimestamp(at),
        tokfTimestamp(at),
      );
    });
  }

  close(): void {
    this.db?.close();
  }

  private hasTable(): boolean {
    return this.db !== undefined && tableExists(this.db, 'main', TABLE);
  }
}

/**
 * Whether the file at `path` is still the one of the row. Only an answer that it is not there
 * (or is another file) lets the row go: an unreadable directory keeps it.
 */
function stillAt(path: string, dev: string, ino: string): boolean {
  try {
    const info = statSync(path, { bigint: true });
    return info.dev.toString() === dev && info.ino.toString() === ino;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}
