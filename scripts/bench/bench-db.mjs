// Benchmark databases: tokf's own DDL, a realistic mix of commands, filters and exit codes (the
// test helpers' generator), several events in one second at times. Cached by size, since a
// million rows take a while to write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { freshTokfSchema, generateEvents } from '../../test/helpers/tokf-events.mjs';

const VERSION = 1;
const CHUNK = 20_000;

export function benchCacheDir() {
  const base =
    process.env.TELEMETRY_SYNC_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'telemetry-sync');
  return path.join(base, 'bench');
}

/** The cached database of `size` events, written first if missing. */
export function benchDatabase(size) {
  const dir = benchCacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `tokf-${size}-v${VERSION}.db`);
  if (fs.existsSync(file)) return { file, built: false, ms: 0 };
  const started = Date.now();
  const tmp = `${file}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  const db = new DatabaseSync(tmp);
  const insert = freshTokfSchema(db);
  let start = Date.parse('2025-09-01T08:00:00Z');
  db.exec('BEGIN');
  for (let done = 0; done < size; done += CHUNK) {
    const events = generateEvents(Math.min(CHUNK, size - done), {
      start: new Date(start).toISOString().replace('.000Z', 'Z'),
      seed: 1000 + done,
      maxGapSeconds: 20,
    });
    for (const e of events) insert(e);
    start = Date.parse(events.at(-1).timestamp) + 1000;
  }
  db.exec('COMMIT');
  db.close();
  fs.renameSync(tmp, file);
  return { file, built: true, ms: Date.now() - started };
}

/**
 * The cached database of `size` events as a first sync reads it, every row pending, through the
 * source's own scan; for scripts that run the sources (after resolveTsSources).
 */
export async function pendingBenchRows(size) {
  const { scanPending } = await import('../../src/source/pending-events.ts');
  const { readEventsSchema } = await import('../../src/source/events-schema.ts');
  const { file } = benchDatabase(size);
  const db = new DatabaseSync(file, { readOnly: true });
  const { columns } = readEventsSchema(db, file);
  const rows = scanPending(db, (first, last) => ({ gaps: [{ first, last }] }), columns);
  return { rows, close: () => db.close() };
}
