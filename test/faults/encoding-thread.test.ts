/**
 * The encoding thread of a long run dies mid-run (its bundle damaged, or its heap exhausted): the
 * run stops reading, says which thread failed and what to do, exits non-zero with what was
 * acknowledged recorded and nothing else, and the next run, with a sound bundle, delivers the rest
 * once each.
 */
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from '../helpers/run-cli.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { withDb } from '../helpers/progress-db.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb } from './fault-kit.js';

const EVENTS = 2000;
const BATCH = 100;
/** Batches encoded on the main thread before the run starts its encoding thread (TokfEncoder). */
const BEFORE_THREAD = 6;
/** The thread answers this many batches, then dies on the next. */
const ANSWERED = 2;

let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'broken-thread-'));
  cpSync(resolve('dist'), dist, { recursive: true });
  // The real worker, behind one that lets it answer ANSWERED batches and on the next one fills
  // the thread's heap to its limit before the real worker sees it (listeners run in the order
  // added; the real one is added by the import below): the thread is stopped there.
  renameSync(join(dist, 'encode-worker.js'), join(dist, 'real-encode-worker.js'));
  writeFileSync(
    join(dist, 'encode-worker.js'),
    `import { parentPort } from 'node:worker_threads';
let batches = 0;
parentPort.on('message', (call) => {
  if (call.kind !== 'encode' || ++batches <= ${ANSWERED}) return;
  const hoard = [];
  for (;;) hoard.push(new Array(1 << 20).fill(batches));
});
await import('./real-encode-worker.js');
`,
  );
});

afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  removeTmpDirs();
});

function sync(cli: string, db: string, url: string) {
  return runNode(cli, [
    'sync',
    '--db',
    db,
    '--endpoint',
    url,
    '--batch-size',
    String(BATCH),
    '--json',
  ]);
}

function pendingCount(db: string): number {
  return withDb(db, (d) => {
    const row = d
      .prepare(
        'SELECT count(*) AS n FROM events e WHERE NOT EXISTS (SELECT 1 FROM telemetry_sync_delivered r WHERE e.id BETWEEN r.first_id AND r.last_id)',
      )
      .get();
    return Number(row?.n);
  });
}

it('stops at a dead encoding thread, saying so, with only what was acknowledged recorded, and the next run delivers the rest once', async () => {
  const receiver = await startOtlpReceiver();
  const db = distinctEventsDb(EVENTS);
  try {
    const broken = await sync(join(dist, 'cli.js'), db, receiver.url);
    expect(broken.code).toBe(1);
    const result = JSON.parse(broken.stdout);
    expect(result.status).toBe('partial');
    // The batches before the thread and those it answered; a batch runs on to the end of its
    // second (three events per second here), so each is 100 to 102 events.
    const batches = BEFORE_THREAD + ANSWERED;
    const reached = result.delivered as number;
    expect(reached).toBeGreaterThanOrEqual(batches * BATCH);
    expect(reached).toBeLessThanOrEqual(batches * (BATCH + 2));
    // Reading stopped there: the batch the thread died on and the few read ahead of it, not the
    // whole database (which a run of millions of events held until it ran out of memory).
    expect(result.selected).toBeLessThanOrEqual(reached + 4 * (BATCH + 2));
    expect(broken.stderr).toContain(
      `the encoding thread (${join(dist, 'encode-worker.js')}) failed: Worker terminated due to reaching memory limit: JS heap out of memory`,
    );
    expect(broken.stderr).toMatch(/not sent and stay pending: run the sync again/);
    expect(pendingCount(db)).toBe(EVENTS - reached);
    const first = deliveriesByCommand(receiver.acceptedPoints());
    expect(first.size).toBe(reached);
    expect([...first.values()].every((n) => n === 1)).toBe(true);
    expect(first.has(`cmd-${reached}`)).toBe(true);
    expect(first.has(`cmd-${reached + 1}`)).toBe(false);

    const sound = await sync(resolve('dist/cli.js'), db, receiver.url);
    expect(sound.code).toBe(0);
    expect(JSON.parse(sound.stdout)).toMatchObject({
      status: 'delivered',
      delivered: EVENTS - reached,
      pending: 0,
    });
    const all = deliveriesByCommand(receiver.acceptedPoints());
    expect(all.size).toBe(EVENTS);
    expect([...all.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await receiver.close();
  }
}, 120_000);
