/**
 * TokfEncoder's encoding thread: when a run starts it (not for the first ten thousand events at
 * the default batch size), and that requests encoded ahead on it, through acknowledgements and a
 * lost speculation, are byte for byte those encoded in this thread alone.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Protocol } from '../../src/config/vocabulary.js';
import type { SeriesTotals } from '../../src/encode/cumulative.js';
import type { EncodeThreadStart } from '../../src/encode/encode-service.js';
import { EncodeThread } from '../../src/encode/encode-thread.js';
import type { EncodedRequest } from '../../src/encode/requests.js';
import { TokfEncoder, type ThreadStarter } from '../../src/engine/tokf-encoder.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { bundleEncodeWorker } from '../helpers/encode-worker-bundle.js';
import { RESOURCE, sampleEvents } from '../helpers/request-bodies.js';

const hex = (r: EncodedRequest) => Buffer.from(r.body).toString('hex');
const DEFAULT_BATCH = 2000;

let dir: string;
let script: string;
const db = new DatabaseSync(':memory:');

beforeAll(async () => {
  ({ dir, script } = await bundleEncodeWorker());
}, 120_000);

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function encoder(
  protocol: Protocol,
  ledger: Map<string, SeriesTotals> | undefined,
  startThread: ThreadStarter,
): TokfEncoder {
  const config = { resource: RESOURCE, protocol, maxRequestBytes: 60_000 };
  return new TokfEncoder(config, 'metrics', db, () => 0, ledger, startThread);
}

const batchesOf = (events: TokfEvent[], size: number) =>
  Array.from({ length: Math.ceil(events.length / size) }, (_, i) =>
    events.slice(i * size, (i + 1) * size),
  );

describe('TokfEncoder', () => {
  it('starts no encoding thread for a run of 10k events at the default batch size, and one with the sixth batch', async () => {
    const starts: EncodeThreadStart[] = [];
    const enc = encoder('http/protobuf', undefined, (start) => {
      starts.push(start);
      return undefined;
    });
    const batches = batchesOf(sampleEvents(6 * DEFAULT_BATCH), DEFAULT_BATCH);
    for (const batch of batches.slice(0, 5)) await enc.encodeAhead(batch);
    expect(starts).toEqual([]);
    await enc.encodeAhead(batches[5]!);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.settings).toEqual({
      resource: RESOURCE,
      protocol: 'http/protobuf',
      maxRequestBytes: 60_000,
    });
    enc.close();
  });

  it('starts none for logs or traces, whose records are encoded in this thread', async () => {
    let started = 0;
    const config = { resource: RESOURCE, protocol: 'http/protobuf' as const, maxRequestBytes: 1e6 };
    const enc = new TokfEncoder(
      config,
      'logs',
      db,
      () => 0,
      undefined,
      () => {
        started += 1;
        return undefined;
      },
    );
    for (const batch of batchesOf(sampleEvents(900), 100)) await enc.encodeAhead(batch);
    expect(started).toBe(0);
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`on its thread, encodes what this thread alone would, cumulative through acknowledgements and a lost speculation (${protocol})`, async () => {
      const threads: EncodeThread[] = [];
      const withThread = encoder(protocol, new Map(), (start) => {
        const thread = new EncodeThread(start, script);
        threads.push(thread);
        return thread;
      });
      const alone = encoder(protocol, new Map(), () => undefined);
      try {
        const batches = batchesOf(sampleEvents(2400), 200);
        // Read ahead as a run reads: every batch asked for before any answer is awaited.
        const there = batches.map((b) => withThread.encodeAhead(b));
        const here = batches.map((b) => alone.encodeAhead(b));
        expect(threads).toHaveLength(1);
        // The thread took over after the sixth batch: the later ones are its answers.
        expect(there[6]).toBeInstanceOf(Promise);
        const got = await Promise.all(there);
        const want = await Promise.all(here);
        expect(got.map((rs) => rs.map(hex))).toEqual(want.map((rs) => rs.map(hex)));
        expect(got.flat().length).toBeGreaterThan(batches.length);

        // The first seven requests acknowledged, the eighth not whole: what follows it is encoded
        // again from what was acknowledged, here and there alike.
        const sent = got.flat();
        const mine = want.flat();
        for (let i = 0; i < 7; i += 1) {
          withThread.acknowledged(sent[i]!);
          alone.acknowledged(mine[i]!);
        }
        withThread.speculationLost();
        alone.speculationLost();
        const rest = batches.slice(8);
        const again = await Promise.all(rest.map((b) => withThread.encodeAhead(b)));
        const againAlone = await Promise.all(rest.map((b) => alone.encodeAhead(b)));
        expect(again.map((rs) => rs.map(hex))).toEqual(againAlone.map((rs) => rs.map(hex)));
        // Not the bodies encoded before the loss: the totals continued differ.
        expect(again.map((rs) => rs.map(hex))).not.toEqual(got.slice(8).map((rs) => rs.map(hex)));
        // Events are this thread's own objects, in order.
        expect(again.flat().flatMap((r) => r.events)).toEqual(rest.flat());
        expect(again[0]![0]!.events[0]).toBe(rest[0]![0]);
      } finally {
        withThread.close();
      }
    }, 60_000);
  }

  it.each([
    ['delta', undefined],
    ['cumulative', new Map<string, SeriesTotals>()],
  ])(
    'encodes every %s batch after the sixth on its thread, busy or not, each as this thread alone would',
    async (_, ledger) => {
      const threads: EncodeThread[] = [];
      const enc = encoder('http/protobuf', ledger, (start) => {
        const thread = new EncodeThread(start, script);
        threads.push(thread);
        return thread;
      });
      const alone = encoder('http/protobuf', ledger && new Map(), () => undefined);
      try {
        const batches = batchesOf(sampleEvents(4800), 200);
        // Read ahead as a run reads: the thread has every later batch waiting, so it is busy.
        const there = batches.map((b) => enc.encodeAhead(b));
        const want = await Promise.all(batches.map((b) => alone.encodeAhead(b)));
        expect(threads).toHaveLength(1);
        expect(there.slice(0, 6).some((r) => r instanceof Promise)).toBe(false);
        expect(there.slice(6).every((r) => r instanceof Promise)).toBe(true);
        const got = await Promise.all(there);
        expect(got.map((rs) => rs.map(hex))).toEqual(want.map((rs) => rs.map(hex)));
        expect(got.flat().flatMap((r) => r.events)).toEqual(batches.flat());
      } finally {
        enc.close();
      }
    },
    60_000,
  );

  it('refuses encodings once its thread died, so that nothing after is sent or recorded', async () => {
    const broken = join(dir, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("the thread broke");');
    const enc = encoder('http/protobuf', undefined, (start) => new EncodeThread(start, broken));
    const batches = batchesOf(sampleEvents(1600), 200);
    for (const batch of batches.slice(0, 6)) await enc.encodeAhead(batch);
    await expect(enc.encodeAhead(batches[6]!)).rejects.toThrow('the thread broke');
    await expect(enc.encodeAhead(batches[7]!)).rejects.toThrow('the thread broke');
    enc.close();
  }, 60_000);
});
