/** A sync through a 307: delivered, and the hop is a note of the run that a person sees. */
import { describeNotice } from '../../src/report/notices.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

it('a sync through a 307 to another origin delivers, names the hop and the headers left behind', async () => {
  const receiver = await startOtlpReceiver();
  const balancer = await startOtlpReceiver({
    respond: (req) => ({ status: 307, headers: { location: `${receiver.url}${req.path}` } }),
  });
  const origin = balancer.url;
  try {
    const db = tmpDbPath('redirect-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(30));
    const result = await syncTo(origin, db, { headers: 'x-api-key=k3y', batchSize: '10' });
    expect(result).toMatchObject({ status: 'delivered', delivered: 30, pending: 0 });
    for (const r of receiver.requests) expect(r.headers['x-api-key']).toBeUndefined();
    const notes = result.warnings.filter((w) => w.kind === 'redirected');
    expect(notes).toHaveLength(1);
    expect(describeNotice(notes[0]!)).toMatch(/^\d+ requests? followed a redirect: /);
    expect(describeNotice(notes[0]!)).toContain(
      `HTTP 307: redirected from ${origin}/v1/metrics to ${receiver.url}/v1/metrics; x-api-key not sent to the other origin; give the final URL as the endpoint`,
    );
    expect(notes[0]!.count).toBeGreaterThanOrEqual(1);
  } finally {
    await balancer.close();
    await receiver.close();
  }
});
