/**
 * Times OTLP cannot carry: before 1970-01-01 or after 2262-04-11 a timestamp would go out as
 * another time (a wrapped fixed64 in protobuf) or a negative one (in JSON); such rows are
 * unreadable and set aside as such. An event at the epoch itself is sent, its start time not
 * before 1970.
 */
import { parseEventTime } from '../../src/source/tokf-event.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { createTokfDb, insertEvents, removeTmpDirs, tmpDbPath } from '../helpers/tokf-db.js';
import { rejectedCommands, syncTo } from '../faults/fault-kit.js';

afterAll(removeTmpDirs);

const ROWS = [
  ['0000-03-05T10:00:00Z', 'year-0'],
  ['1969-12-31T23:59:59Z', 'year-1969'],
  ['2300-01-01T00:00:00Z', 'year-2300'],
  ['1970-01-01T00:00:00Z', 'epoch'],
  ['2026-03-02T09:00:00Z', 'now-ish'],
] as const;

function database(): string {
  const path = tmpDbPath('times-');
  createTokfDb(path);
  insertEvents(
    path,
    ROWS.map(([timestamp, command]) => ({
      timestamp,
      command,
      filterName: 'cargo/test',
      inputTokensEst: 100,
      outputTokensEst: 10,
      filterTimeMs: 5,
      exitCode: 0,
    })),
  );
  return path;
}

describe('times outside what OTLP can carry', () => {
  it('parseEventTime: 1970-01-01 to 2262-04-11 only', () => {
    expect(parseEventTime('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseEventTime('2262-04-11T23:47:15Z')).toBe(9_223_372_035);
    expect(parseEventTime('2262-04-11T23:47:17Z')).toBeUndefined();
    expect(parseEventTime('1969-12-31T23:59:59Z')).toBeUndefined();
    expect(parseEventTime('0000-03-05T10:00:00Z')).toBeUndefined();
    expect(parseEventTime('2300-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each(['http/protobuf', 'http/json'])(
    '%s: rows at year 0, 1969 and 2300 are set aside as unreadable; the epoch row starts at 0',
    async (protocol) => {
      const path = database();
      const receiver = await startOtlpReceiver();
      try {
        const r = await syncTo(receiver.url, path, { protocol });
        expect(r).toMatchObject({ selected: 2, delivered: 2, unreadable: 3, pending: 0 });
        expect(r.setAside).toBe(3);
        expect([...rejectedCommands(path).keys()].sort()).toEqual([
          'year-0',
          'year-1969',
          'year-2300',
        ]);
        expect([...rejectedCommands(path).values()][0]).toMatch(
          /^the timestamp is not a time OTLP can carry \(1970-01-01 to 2262-04-11, UTC\)/,
        );
        const points = receiver.acceptedPoints();
        const commands = new Set(points.map((p) => p.attributes['tokf.command']));
        expect([...commands].sort()).toEqual(['epoch', 'now-ish']);
        for (const p of points) {
          expect(BigInt(p.startTimeUnixNano)).toBeGreaterThanOrEqual(0n);
          expect(BigInt(p.timeUnixNano)).toBeGreaterThanOrEqual(BigInt(p.startTimeUnixNano));
          expect(BigInt(p.timeUnixNano)).toBeLessThan(2n ** 63n);
        }
        const epoch = points.filter((p) => p.attributes['tokf.command'] === 'epoch');
        expect(epoch.length).toBeGreaterThan(0);
        for (const p of epoch) expect([p.startTimeUnixNano, p.timeUnixNano]).toEqual(['0', '0']);
        // Nowhere on the wire a negative time.
        for (const req of receiver.requests)
          expect(req.body.toString('latin1')).not.toMatch(/"(start)?[tT]imeUnixNano":"?-/);
      } finally {
        await receiver.close();
      }
    },
  );

  it('cumulative: the epoch row starts at 0 too', async () => {
    const path = database();
    const receiver = await startOtlpReceiver();
    try {
      const r = await syncTo(receiver.url, path, { temporality: 'cumulative' });
      expect(r).toMatchObject({ delivered: 2, unreadable: 3 });
      for (const p of receiver.acceptedPoints())
        expect(BigInt(p.startTimeUnixNano)).toBeGreaterThanOrEqual(0n);
    } finally {
      await receiver.close();
    }
  });
});
