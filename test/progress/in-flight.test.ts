import { DatabaseSync } from 'node:sqlite';
import { formatRanges, InFlight, parseRanges } from '../../src/progress/in-flight.js';
import { createTokfDb, removeTmpDirs, tmpDbPath } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

function open(): DatabaseSync {
  const path = tmpDbPath('in-flight-');
  createTokfDb(path, 'fresh');
  return new DatabaseSync(path);
}

const AT = new Date('2026-03-02T10:00:00Z');

describe('ids as ranges', () => {
  it('writes runs of consecutive ids and reads them back', () => {
    const ids = new Set([7, 1, 2, 3, 5, 9, 10]);
    expect(formatRanges(ids)).toBe('1-3,5,7,9-10');
    expect([...parseRanges('1-3,5,7,9-10')].sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 7, 9, 10]);
  });

  it('ignores parts that are not ids', () => {
    expect([...parseRanges('4,x,6-7,-3,')]).toEqual([4, 6, 7]);
  });
});

describe('InFlight', () => {
  it('keeps a request sent without an answer for the next run, and forgets it once delivered', () => {
    const db = open();
    const run1 = new InFlight(db, 'metrics');
    run1.prepareForWriting();
    run1.load();
    run1.sending([1, 2, 3], AT);
    // A run that ends here (killed) leaves the request noted.
    const run2 = new InFlight(db, 'metrics');
    run2.prepareForWriting();
    expect([...run2.load()]).toEqual([1, 2, 3]);
    expect(run2.mayHold(2)).toBe(true);
    expect(run2.mayHold(4)).toBe(false);
    // The next request carries them and more: refused with an answer read, they stay noted.
    run2.sending([1, 2, 3, 4, 5], AT);
    run2.notTaken(AT);
    expect([...new InFlight(db, 'metrics').load()]).toEqual([1, 2, 3]);
    // Delivered: nothing is left, and the other signals never saw any of it.
    run2.delivered([1, 2, 3], AT);
    expect(new InFlight(db, 'metrics').load().size).toBe(0);
    expect(new InFlight(db, 'logs').load().size).toBe(0);
    db.close();
  });

  it('a request whose answer was not read stays noted, within the run and after it', () => {
    const db = open();
    const run = new InFlight(db, 'logs');
    run.prepareForWriting();
    run.load();
    run.sending([10, 11], AT);
    run.unread([10, 11], AT);
    expect(run.mayHold(11)).toBe(true);
    expect([...new InFlight(db, 'logs').load()]).toEqual([10, 11]);
    db.close();
  });

  it('reads nothing, and creates nothing, in a database without the table', () => {
    const db = open();
    expect(new InFlight(db, 'metrics').load().size).toBe(0);
    expect(
      db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'telemetry_sync_in_flight'").get(),
    ).toBeUndefined();
    db.close();
  });
});
