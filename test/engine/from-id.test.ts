import { buildSyncConfig } from '../../src/config/build-config.js';
import { runSync } from '../../src/engine/index.js';
import { expectedSums, sumsByPoint } from '../helpers/expectations.js';
import { FAST_RETRY, syncTo } from '../helpers/sync-engine.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

describe('fromId (set by the action for events another run took charge of)', () => {
  it('sends only events from that id on; the earlier ones stay pending for a later run', async () => {
    const path = tmpDbPath();
    createTokfDb(path, 'fresh');
    insertEvents(path, makeEvents(30));
    const rows = readEvents(path);
    const config = {
      ...buildSyncConfig({ db: path, endpoint: receiver.url }, {}, Date.now()),
      fromId: 21,
    };
    const first = await runSync(config, {
      now: Date.now,
      log: () => {},
      userAgent: 'telemetry-sync/test',
      retryPolicy: FAST_RETRY,
    });
    expect(first).toMatchObject({ selected: 10, delivered: 10, pending: 20 });
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(rows.slice(20)).invocations,
    );
    const second = await syncTo(receiver.url, path);
    expect(second).toMatchObject({ selected: 20, delivered: 20, pending: 0 });
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(rows).invocations,
    );
  });
});
