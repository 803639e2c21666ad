import { DatabaseSync } from 'node:sqlite';
import { FUTURE_TOLERANCE_S } from '../../src/engine/clock-check.js';
import {
  UNFINISHED_SECONDS,
  letNewestSecondEnd,
  unfinishedSeconds,
} from '../../src/engine/unfinished-seconds.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
  tokfTimestamp,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const NOW = Date.parse('2026-03-02T09:00:10.300Z');

/** A tokf database whose newest row is stamped `newest` (ms). */
function dbWithNewest(newest: number | undefined): DatabaseSync {
  const path = tmpDbPath();
  createTokfDb(path);
  if (newest !== undefined) {
    const [first] = makeEvents(1);
    insertEvents(path, [
      { ...first!, timestamp: tokfTimestamp(newest - 60_000) },
      { ...first!, timestamp: tokfTimestamp(newest) },
    ]);
  }
  return new DatabaseSync(path);
}

async function waited(newest: number | undefined): Promise<{ returned: number; slept: number[] }> {
  const db = dbWithNewest(newest);
  const slept: number[] = [];
  try {
    const returned = await letNewestSecondEnd(
      db,
      () => NOW,
      async (ms) => {
        slept.push(ms);
      },
    );
    return { returned, slept };
  } finally {
    db.close();
  }
}

describe('unfinishedSeconds', () => {
  it('holds the current second and the one before, and those up to the skew tolerance ahead', () => {
    const now = Math.floor(NOW / 1000);
    expect(unfinishedSeconds(NOW)).toEqual({
      from: now - UNFINISHED_SECONDS + 1,
      to: now + FUTURE_TOLERANCE_S,
    });
  });
});

describe('letNewestSecondEnd', () => {
  it("waits for the newest row's second to be over (plus 50 ms) when it is still running", async () => {
    // Stamped 09:00:10: held until 09:00:12, 1.7 s after NOW.
    const { returned, slept } = await waited(Date.parse('2026-03-02T09:00:10Z'));
    expect(slept).toEqual([1700 + 50]);
    expect(returned).toBe(1750);
  });

  it('does not wait when the newest row is older, far ahead (a wrong clock), or missing', async () => {
    for (const newest of [
      Date.parse('2026-03-02T09:00:08Z'),
      NOW + (FUTURE_TOLERANCE_S + 5) * 1000,
      undefined,
    ]) {
      expect(await waited(newest)).toEqual({ returned: 0, slept: [] });
    }
  });

  it('leaves a database it cannot read to the scan that reports it', async () => {
    const db = new DatabaseSync(':memory:');
    try {
      expect(
        await letNewestSecondEnd(
          db,
          () => NOW,
          () => Promise.reject(new Error('slept')),
        ),
      ).toBe(0);
    } finally {
      db.close();
    }
  });
});
