/** Shared pieces of the fault suite: databases whose events can be told apart on the wire. */
export { syncTo } from '../helpers/sync-engine.js';
import { DatabaseSync } from 'node:sqlite';
import { REJECTED_TABLE } from '../../src/progress/dead-letters.js';
import type { FlatPoint } from '../helpers/otlp-proto.js';
import { createTokfDb, insertEvents, tmpDbPath } from '../helpers/tokf-db.js';

/**
 * A tokf database whose every event has its own command (`cmd-<n>`), so each event is its own
 * series and every delivery of it can be counted on the receiving side.
 */
export function distinctEventsDb(n: number, start = Date.parse('2026-03-02T09:00:00Z')): string {
  const path = tmpDbPath('faults-');
  createTokfDb(path, 'fresh');
  insertEvents(
    path,
    Array.from({ length: n }, (_, i) => ({
      timestamp: new Date(start + Math.floor(i / 3) * 1000).toISOString().replace('.000Z', 'Z'),
      command: `cmd-${i + 1}`,
      filterName: i % 4 === 0 ? null : 'cargo/test',
      inputTokensEst: 100 + i,
      outputTokensEst: 10,
      filterTimeMs: i % 50,
      exitCode: i % 7 === 0 ? 1 : 0,
    })),
  );
  return path;
}

/** How often each command arrived in accepted requests. */
export function deliveriesByCommand(points: readonly FlatPoint[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of points) {
    if (p.metric !== 'tokf.filter.invocations') continue;
    const cmd = String(p.attributes['tokf.command']);
    counts.set(cmd, (counts.get(cmd) ?? 0) + (p.value ?? 0));
  }
  return counts;
}

/** Commands of events set aside as rejected, with the reasons recorded. */
export function rejectedCommands(path: string): Map<string, string> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const exists = db.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(REJECTED_TABLE);
    if (exists === undefined) return new Map();
    const rows = db
      .prepare(
        `SELECT e.command AS command, r.reason AS reason FROM ${REJECTED_TABLE} r JOIN events e ON e.id = r.event_id`,
      )
      .all();
    return new Map(rows.map((r) => [String(r.command), String(r.reason)]));
  } finally {
    db.close();
  }
}
