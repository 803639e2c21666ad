import { setTimeout as delay } from 'node:timers/promises';
import type { DatabaseSync } from 'node:sqlite';
import { parseEventTime } from '../source/tokf-event.js';
import { FUTURE_TOLERANCE_S } from './clock-check.js';

/**
 * Seconds held back for a later run: the current one and the one before, since tokf stamps an
 * event with the second it ended in and writes the row a moment later (measured with tokf 0.2.54:
 * holding 2 s gave no second sent twice while tokf wrote 300 rows during back-to-back syncs).
 */
export const UNFINISHED_SECONDS = 2;

/**
 * The seconds not over yet at `nowMs`, and those up to the clock-skew tolerance ahead: events
 * stamped further ahead are a wrong clock (reported), not a second in progress, and are sent.
 */
export function unfinishedSeconds(nowMs: number): { from: number; to: number } {
  const now = Math.floor(nowMs / 1000);
  return { from: now - UNFINISHED_SECONDS + 1, to: now + FUTURE_TOLERANCE_S };
}

/**
 * A sync often runs right after tokf: rather than hold its newest events for the next run, wait
 * (at most UNFINISHED_SECONDS) for their second to be over. Only the newest row is looked at.
 * Returns how long it waited, in ms.
 */
export async function letNewestSecondEnd(
  db: DatabaseSync,
  now: () => number,
  sleep: (ms: number) => Promise<void> = delay,
): Promise<number> {
  let newest: number | undefined;
  try {
    const row = db.prepare('SELECT timestamp FROM events ORDER BY id DESC LIMIT 1').get();
    newest = parseEventTime(typeof row?.timestamp === 'string' ? row.timestamp : '');
  } catch {
    return 0; // the scan reports what is wrong with the database
  }
  if (newest === undefined) return 0;
  const { from, to } = unfinishedSeconds(now());
  if (newest < from || newest > to) return 0;
  const wait = (newest + UNFINISHED_SECONDS) * 1000 - now();
  if (wait <= 0 || wait > UNFINISHED_SECONDS * 1000) return 0;
  await sleep(wait + 50);
  return wait + 50;
}
