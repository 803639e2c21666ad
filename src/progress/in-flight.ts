import type { DatabaseSync } from 'node:sqlite';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/**
 * Our table of events a sync sent without reading the endpoint's answer: written before each
 * request goes out and cleared when its answer is recorded, so that what remains after a run that
 * did not end cleanly (killed, cancelled, its retries of a timed-out request exhausted) names the
 * events the endpoint may hold although no acknowledgement was recorded. The next run reads an
 * out-of-order refusal of exactly those as "already in the backend", not as bad data. Bookkeeping
 * of this copy of the database, like the run log: a merge of copies leaves it out.
 */
export const IN_FLIGHT_TABLE = 'telemetry_sync_in_flight';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${IN_FLIGHT_TABLE} (
  signal TEXT PRIMARY KEY,
  event_ids TEXT NOT NULL,
  since TEXT NOT NULL
)`;

/**
 * The events of one signal that may have reached the endpoint unrecorded, by id: those earlier
 * runs left here, and those of this run's requests whose answer was not read. The request being
 * sent is written with them before it goes out.
 */
export class InFlight {
  private created = false;
  /** May be held by the endpoint, unrecorded: loaded, plus this run's unanswered requests. */
  private readonly unanswered = new Set<number>();
  /** What the table holds now, so that nothing is written when it would not change. */
  private stored = '';

  constructor(
    private readonly db: DatabaseSync,
    private readonly signal: string,
  ) {}

  prepareForWriting(): void {
    inWriteTransaction(this.db, 'create the in-flight table', () => this.db.exec(CREATE_TABLE));
    this.created = true;
  }

  /** Reads the ids left by earlier runs; none when no table of ours is there (a read-only run). */
  load(): ReadonlySet<number> {
    if (!this.created && !this.exists()) return this.unanswered;
    const row = this.db
      .prepare(`SELECT event_ids FROM ${IN_FLIGHT_TABLE} WHERE signal = ?`)
      .get(this.signal);
    if (row === undefined) return this.unanswered;
    this.stored = String(row.event_ids);
    for (const id of parseRanges(this.stored)) this.unanswered.add(id);
    return this.unanswered;
  }

  /** Whether the endpoint may hold the event although its delivery was never recorded. */
  mayHold(id: number): boolean {
    return this.unanswered.has(id);
  }

  /** Events the endpoint may hold for another reason (see the caller), for this run only. */
  suppose(ids: readonly number[]): void {
    for (const id of ids) this.unanswered.add(id);
  }

  /** Before a request goes out: from now until its answer is recorded it may land unrecorded. */
  sending(ids: readonly number[], at: Date): void {
    if (ids.every((id) => this.unanswered.has(id))) return;
    this.write(new Set([...this.unanswered, ...ids]), at);
  }

  /** A request was acknowledged (joins the caller's transaction): its events are delivered. */
  delivered(ids: readonly number[], at: Date): void {
    for (const id of ids) this.unanswered.delete(id);
    this.write(this.unanswered, at);
  }

  /**
   * A request's answer was read and it was not taken: it adds nothing the endpoint may hold. Its
   * events that may be held from before stay so.
   */
  notTaken(at: Date): void {
    this.write(this.unanswered, at);
  }

  /** A request's answer was not read (timed out, dropped, interrupted): it may have landed. */
  unread(ids: readonly number[], at: Date): void {
    for (const id of ids) this.unanswered.add(id);
    this.write(this.unanswered, at);
  }

  private write(ids: ReadonlySet<number>, at: Date): void {
    const text = ids.size === 0 ? '' : formatRanges(ids);
    if (text === this.stored || !this.created) return;
    inWriteTransaction(this.db, 'record the request in flight', () => {
      if (text === '')
        this.db.prepare(`DELETE FROM ${IN_FLIGHT_TABLE} WHERE signal = ?`).run(this.signal);
      else
        this.db
          .prepare(
            `INSERT INTO ${IN_FLIGHT_TABLE} (signal, event_ids, since) VALUES (?, ?, ?)
             ON CONFLICT(signal) DO UPDATE SET event_ids = excluded.event_ids, since = excluded.since`,
          )
          .run(this.signal, text, tokfTimestamp(at));
    });
    this.stored = text;
  }

  private exists(): boolean {
    return tableExists(this.db, 'main', IN_FLIGHT_TABLE);
  }
}

/** Ids as runs of consecutive ones, "1-500,502,504-510": a request is mostly one run. */
export function formatRanges(ids: ReadonlySet<number>): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const from = sorted[i] as number;
    let to = from;
    while (i + 1 < sorted.length && sorted[i + 1] === to + 1) to = sorted[++i] as number;
    i += 1;
    parts.push(from === to ? `${from}` : `${from}-${to}`);
  }
  return parts.join(',');
}

/** The ids of formatRanges' text; parts that are not ids are ignored (a damaged row is no reason to stop). */
export function parseRanges(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let id = from; id <= to && to - from < 10_000_000; id += 1) out.add(id);
  }
  return out;
}
