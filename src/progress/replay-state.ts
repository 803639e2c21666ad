import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from '../errors.js';
import type { FileIdentity } from '../jsonl/identity.js';
import { messageOf } from '../errors.js';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';

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
  UNIQUE (dev, ino, first_line_sha256)
)`;

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

/**
 * The progress of replays of OTLP JSON Lines files, in a small SQLite database of its own: per
 * file, what identifies it and the offset up to which its lines were acknowledged. Each record is
 * one short transaction, committed before the next line is sent.
 */
export class ReplayState {
  private constructor(readonly db: DatabaseSync | undefined) {}

  /** Opens (and creates, unless read-only) the state database. Read-only and absent: empty. */
  static open(path: string, readOnly: boolean): ReplayState {
    if (readOnly && !existsSync(path)) return new ReplayState(undefined);
    try {
      if (!readOnly) mkdirSync(dirname(path), { recursive: true });
      const db = new DatabaseSync(path, { readOnly });
      db.exec('PRAGMA busy_timeout = 5000');
      if (!readOnly) {
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = FULL');
        db.exec(CREATE_TABLE);
      }
      return new ReplayState(db);
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
   * Records that the file's lines up to `offset` are done, in one transaction: what the inode
   * held before (another first line) is forgotten.
   */
  save(id: FileIdentity, offset: number, line: number, path: string, at: Date): void {
    const db = this.db;
    if (db === undefined) throw new DatabaseError('the replay state is open read-only');
    inWriteTransaction(db, 'record replay progress', () => {
      db.prepare(`DELETE FROM ${TABLE} WHERE dev = ? AND ino = ? AND first_line_sha256 <> ?`).run(
        id.dev,
        id.ino,
        id.firstLine,
      );
      db.prepare(
        `INSERT INTO ${TABLE} (dev, ino, first_line_sha256, offset, line, path, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dev, ino, first_line_sha256)
         DO UPDATE SET offset = excluded.offset, line = excluded.line, path = excluded.path,
           updated_at = excluded.updated_at`,
      ).run(id.dev, id.ino, id.firstLine, offset, line, path, tokfTimestamp(at));
    });
  }

  close(): void {
    this.db?.close();
  }

  private hasTable(): boolean {
    return (
      this.db
        ?.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`)
        .get(TABLE) !== undefined
    );
  }
}
