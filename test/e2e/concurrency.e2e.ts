/**
 * Scenario 3 of the end-to-end suite: concurrency with the real writer. tokf 0.2.54 records
 * invocations in a loop while our CLI syncs the same database back to back, then once more after
 * the loop. Exactly the rows tokf wrote must arrive, none twice.
 *
 * No two points of a series at one timestamp: a sync holds the last seconds, which tokf may still
 * be writing into, for a later run (without that, 22 of 101 series-seconds arrived twice here).
 */
import { nanosOf } from '../helpers/expectations.js';
import { readEvents } from '../helpers/tokf-db.js';
import { Collector } from './helpers/collector.js';
import { comparable, expectedPoints, mergeByPoint } from './helpers/expected.js';
import { removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';
import type { SyncResult } from './helpers/sync.js';
import { TokfSandbox } from './helpers/tokf.js';
import type { TokfRun } from './helpers/tokf.js';

/** How long tokf writes while the syncs run. */
const WRITE_MS = 10_000;

/** Whether a second still being written may be sent (before the engine held the last seconds). */
const UNFINISHED_SECOND_NOW = false;

let sandbox: TokfSandbox;
let collector: Collector;

beforeAll(async () => {
  sandbox = new TokfSandbox('concurrency');
  collector = await Collector.start();
});

afterAll(async () => {
  await collector?.stop();
  removeE2eTmpDir();
});

describe('concurrency with the real writer', () => {
  it('tokf writing in a loop while syncs run back to back: every row arrives once', async () => {
    const tokfRuns: TokfRun[] = [];
    let writing = true;
    let stop = false;
    // Mostly one series, so that seconds shared between two syncs show up as collisions.
    const writer = (async () => {
      const deadline = Date.now() + WRITE_MS;
      for (let i = 0; Date.now() < deadline && !stop; i++) {
        tokfRuns.push(
          await sandbox.run(i % 5 === 4 ? ['run', 'sh', '-c', 'exit 1'] : ['run', 'echo', 'tick']),
        );
      }
      writing = false;
    })();

    const syncs: SyncResult[] = [];
    const runSync = async () => {
      const run = await sync(sandbox.db, ['--endpoint', collector.endpoint]);
      expect({ code: run.code, errors: run.result.errors }).toEqual({ code: 0, errors: [] });
      syncs.push(run.result);
    };
    try {
      // tokf creates the database on its first run.
      while (tokfRuns.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      while (writing) await runSync();
    } finally {
      // A failed sync ends the test: stop tokf too rather than leave it writing into a removed dir.
      stop = true;
      await writer;
    }
    await runSync();

    for (const run of tokfRuns) {
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 0,
        stderr: expect.not.stringMatching(/tracking error/),
      });
    }
    const rows = readEvents(sandbox.db);
    expect(rows).toHaveLength(tokfRuns.length);
    const delivered = syncs.reduce((n, s) => n + s.delivered, 0);
    expect(delivered).toBe(rows.length);
    expect(syncs.at(-1)).toMatchObject({ pending: 0 });

    const expected = expectedPoints(rows);
    const received = comparable(
      await collector.waitForPoints(
        (points) =>
          points
            .filter((p) => p.metric === 'tokf.filter.invocations')
            .reduce((n, p) => n + (p.value ?? 0), 0) >= rows.length,
      ),
    );
    await collector.barrier();
    const { merged, collisions } = mergeByPoint(comparable(collector.points()));
    // Every row's contribution, once: lost or repeated rows would change these totals.
    expect(merged).toEqual(expected);
    expect(received.length).toBeGreaterThanOrEqual(expected.length);

    // Seconds a sync sent as its last one: the only ones another sync may send again.
    const splitSeconds = syncs
      .filter((s) => s.delivered > 0 && s.lastEventTime)
      .map((s) => nanosOf(s.lastEventTime!));
    if (UNFINISHED_SECOND_NOW) {
      for (const collision of collisions) {
        expect(splitSeconds).toContain(collision.timeUnixNano);
        const syncsEndingThere = splitSeconds.filter((t) => t === collision.timeUnixNano).length;
        expect(collision.points).toBeLessThanOrEqual(syncsEndingThere + 1);
      }
    } else {
      expect(collisions).toEqual([]);
    }

    const seconds = new Set(rows.map((r) => r.timestamp)).size;
    process.stderr.write(
      `\nconcurrency: ${rows.length} rows over ${seconds} s written by tokf, ${syncs.length} syncs ` +
        `(${syncs.filter((s) => s.delivered > 0).length} delivering), ${collector.lines().length} requests; ` +
        `${collisions.length} series-seconds sent twice (${new Set(collisions.map((c) => c.timeUnixNano)).size} distinct seconds)\n`,
    );
  });
});
