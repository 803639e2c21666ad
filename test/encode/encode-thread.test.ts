import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncodeThread } from '../../src/encode/encode-thread.js';
import { MetricsEncoder } from '../../src/encode/metrics-encoder.js';
import type { SeriesTotals } from '../../src/encode/cumulative.js';
import { bundleEncodeWorker } from '../helpers/encode-worker-bundle.js';
import { RESOURCE, sampleEvents } from '../helpers/request-bodies.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let dir: string;
let script: string;

beforeAll(async () => {
  ({ dir, script } = await bundleEncodeWorker());
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EncodeThread', () => {
  it('encodes on its own thread the requests this thread would, events and totals included, in the order asked', async () => {
    const settings = {
      resource: RESOURCE,
      protocol: 'http/protobuf' as const,
      maxRequestBytes: 60_000,
    };
    const ledger = new Map<string, SeriesTotals>();
    const here = new MetricsEncoder(settings, new Map(ledger));
    const thread = new EncodeThread({ settings, ledger, projected: new Map() }, script);
    try {
      const events = sampleEvents(900);
      const batches = [events.slice(0, 300), events.slice(300, 600), events.slice(600)];
      // All asked for before any answer: answers come back in order.
      const answers = await Promise.all(batches.map((b) => thread.encodeAhead(b)));
      for (const [i, batch] of batches.entries()) {
        const expected = here.encodeAhead(batch);
        const got = answers[i]!;
        expect(got.length).toBeGreaterThan(1);
        expect(got.map((r) => hex(r.body))).toEqual(expected.map((r) => hex(r.body)));
        expect(got.map((r) => r.events)).toEqual(expected.map((r) => r.events));
        // The events are this thread's own objects, not copies.
        expect(got[0]!.events[0]).toBe(batch[0]);
        expect(got.map((r) => r.points)).toEqual(expected.map((r) => r.points));
        expect(got.map((r) => [...r.totals!])).toEqual(expected.map((r) => [...r.totals!]));
      }
      // A lost speculation: what follows continues from the acknowledged totals only.
      const first = answers[0]![0]!;
      here.acknowledged(first.totals);
      thread.acknowledged(first.totals!);
      here.speculationLost();
      thread.speculationLost();
      const again = await thread.encodeAhead(batches[1]!);
      expect(again.map((r) => hex(r.body))).toEqual(
        here.encodeAhead(batches[1]!).map((r) => hex(r.body)),
      );
    } finally {
      thread.close();
    }
  }, 60_000);

  it('refuses what it was asked once its thread failed, saying so', async () => {
    const settings = {
      resource: RESOURCE,
      protocol: 'http/protobuf' as const,
      maxRequestBytes: 1 << 20,
    };
    const missing = join(dir, 'no-such-worker.js');
    writeFileSync(missing, 'throw new Error("broken bundle");');
    const thread = new EncodeThread({ settings, ledger: undefined, projected: new Map() }, missing);
    await expect(thread.encodeAhead(sampleEvents(10))).rejects.toThrow('broken bundle');
    await expect(thread.encodeAhead(sampleEvents(10))).rejects.toThrow('broken bundle');
    thread.close();
  }, 60_000);

  it('is not available where its bundled script is not beside it (the sources, as tests run them)', () => {
    expect(EncodeThread.available()).toBe(false);
    expect(EncodeThread.worthStarting(2)).toBe(false);
  });

  it('is worth starting only where there is a second core for it', () => {
    expect(EncodeThread.worthStarting(1, script)).toBe(false);
    expect(EncodeThread.worthStarting(2, script)).toBe(true);
    expect(EncodeThread.worthStarting(2, undefined)).toBe(false);
  });
});
