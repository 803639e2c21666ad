import { statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Signal } from '../config/vocabulary.js';
import { messageOf } from '../errors.js';
import { SpooledJsonLines } from '../output/spooled-json-lines.js';
import { DeadLetters, rejectedTable, type Rejection } from '../progress/dead-letters.js';
import { LOCK_WAIT_MS, SyncLock } from '../progress/sync-lock.js';
import { inWriteTransaction } from '../progress/transaction.js';
import { BUSY_TIMEOUT_MS, openDatabase } from '../source/database.js';
import type { Notice } from './notices.js';
import type { SyncResult } from './sync-result.js';

/** Notices of events kept in the run's file, which say whether they were set aside. */
const KEPT_KINDS: ReadonlySet<Notice['kind']> = new Set([
  'too-old',
  'too-old-for-endpoint',
  'behind-endpoint',
]);

/** Events a run would have set aside as kept in its OTLP/JSON file, held until the file is kept. */
interface Held {
  dbPath: string;
  signal: Signal;
  ids: number[];
  rejection: Rejection;
}

/** Where one pass over a database and signal holds the events it keeps in its file. */
export interface HeldForFile {
  hold(ids: number[], rejection: Rejection): void;
}

/**
 * For a caller that keeps the run's OTLP/JSON Lines files elsewhere (the action uploads them as an
 * artifact), what the runs leave to do once it knows whether it does:
 * - with `spool`, each file is spooled as the run goes and written only if `writeFiles` is called
 *   (the same bytes as written during the run), else `discard`ed: a run whose events were all
 *   delivered never encodes them as OTLP/JSON;
 * - events too old for the endpoint (max-age, or its refusal) are set aside as kept in the file
 *   only by `setAsideHeld`, once the file is kept: if it never is, they stay pending.
 */
export class FilesForLater {
  private readonly spools: SpooledJsonLines[] = [];
  private readonly held: Held[] = [];

  constructor(readonly spool: boolean) {}

  /** A spool standing for the file `fileName` in `dir` (see SpooledJsonLines). */
  spoolFor(
    dir: string,
    resource: Record<string, string>,
    fileName: string,
    signal: Signal,
    now: () => number,
  ): SpooledJsonLines {
    const spool = new SpooledJsonLines(dir, resource, fileName, signal, now);
    this.spools.push(spool);
    return spool;
  }

  hold(dbPath: string, signal: Signal, ids: number[], rejection: Rejection): void {
    if (ids.length > 0) this.held.push({ dbPath, signal, ids, rejection });
  }

  /** Holding for one pass, handed down to what settles its events (see DeliveryParts). */
  heldFor(dbPath: string, signal: Signal): HeldForFile {
    return { hold: (ids, rejection) => this.hold(dbPath, signal, ids, rejection) };
  }

  /** Events held, by database. */
  heldCount(dbPath?: string): number {
    return this.held
      .filter((h) => dbPath === undefined || h.dbPath === dbPath)
      .reduce((n, h) => n + h.ids.length, 0);
  }

  /**
   * Writes every spooled file; a file that cannot be written is said in the returned errors (its
   * spool removed), the others are written.
   */
  writeFiles(): string[] {
    const errors: string[] = [];
    for (const spool of this.spools) {
      try {
        spool.writeFile();
      } catch (err) {
        spool.discard();
        errors.push(messageOf(err));
      }
    }
    return errors;
  }

  discard(): void {
    for (const spool of this.spools) spool.discard();
  }

  /**
   * The file is kept (uploaded): the held events are set aside as kept in it, with its size and
   * time beside them for `status`, and the results say so. Throws if the database cannot record
   * them; they stay pending then.
   */
  async setAsideHeld(
    results: readonly SyncResult[],
    deps: {
      now: () => number;
      sleep?: (ms: number) => Promise<void>;
      busyTimeoutMs?: number;
      /** As the run harness waits for another run's lock (see RunDeps.lockWaitMs). */
      lockWaitMs?: number;
    },
  ): Promise<void> {
    for (const dbPath of new Set(this.held.map((h) => h.dbPath))) {
      const held = this.held.filter((h) => h.dbPath === dbPath);
      const db = openDatabase(dbPath, false, deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
      try {
        const lock = new SyncLock(db);
        await lock.acquire({
          waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS,
          now: deps.now,
          sleep: deps.sleep ?? delay,
        });
        try {
          const at = new Date(deps.now());
          inWriteTransaction(db, 'record set-aside events', () => {
            for (const h of held) {
              const letters = new DeadLetters(db, rejectedTable(h.signal));
              letters.record(h.ids, h.rejection, at);
              if (h.rejection.file !== undefined) {
                const { size, mtimeMs } = statSync(h.rejection.file);
                letters.fileWritten(h.rejection.file, size, mtimeMs);
              }
            }
          });
        } finally {
          lock.release();
        }
      } finally {
        db.close();
      }
      for (const h of held) settle(results, h, true);
      this.held.splice(0, this.held.length, ...this.held.filter((h) => h.dbPath !== dbPath));
    }
  }

  /** The file was not kept: the held events stay pending, and the results say so. */
  leavePending(results: readonly SyncResult[]): void {
    for (const h of this.held) settle(results, h, false);
    this.held.length = 0;
  }
}

/** A result's counts after held events were set aside (`setAside`) or left pending. */
function settle(results: readonly SyncResult[], h: Held, setAside: boolean): void {
  const n = h.ids.length;
  for (const r of results) {
    if (r.database !== h.dbPath) continue;
    const s = r.signals.find((x) => x.signal === h.signal);
    if (setAside) {
      // Counted pending at the end of the run, as the database then held them.
      if (r.pending >= 0) r.pending = Math.max(0, r.pending - n);
      r.setAside += r.setAside >= 0 ? n : 0;
      if (s !== undefined) {
        if (s.pending >= 0) s.pending = Math.max(0, s.pending - n);
        s.setAside += s.setAside >= 0 ? n : 0;
      }
    } else {
      // Counted set aside among the selected, as the run expected to keep them.
      r.selectedSetAside = Math.max(0, r.selectedSetAside - n);
      r.selectedPending += n;
      for (const w of r.warnings)
        if (KEPT_KINDS.has(w.kind) && w.setAside === true) w.setAside = false;
    }
  }
}
