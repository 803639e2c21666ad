import type { SeriesTotals } from '../../src/encode/cumulative.js';
import { EncodeService, type EncodeReply } from '../../src/encode/encode-service.js';
import { toColumns } from '../../src/encode/event-columns.js';
import { MetricsEncoder } from '../../src/encode/metrics-encoder.js';
import type { Encoding } from '../../src/encode/requests.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import {
  bodiesByCase,
  directEncode,
  GOLDEN,
  RESOURCE,
  sampleEvents,
} from '../helpers/request-bodies.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function parts(reply: EncodeReply | undefined) {
  if (reply === undefined || 'error' in reply)
    throw new Error(`no parts: ${JSON.stringify(reply)}`);
  return reply.parts;
}

describe('EncodeService', () => {
  it('encodes metrics to the bodies of main 4339afd (delta, cumulative, continued; protobuf and JSON; split and whole)', () => {
    const viaService = bodiesByCase((signal, events, protocol, maxBytes, encoding: Encoding) => {
      if (signal !== 'metrics') return directEncode(signal, events, protocol, maxBytes, encoding);
      const service = new EncodeService({
        settings: { resource: RESOURCE, protocol, maxRequestBytes: maxBytes },
        // The ledger a thread is started with: what the sending thread acknowledged.
        ledger:
          encoding.temporality === 'cumulative'
            ? (encoding.ledger as Map<string, SeriesTotals>)
            : undefined,
        projected: new Map(),
      });
      const answer = service.handle({ kind: 'encode', columns: toColumns(events) });
      const got = parts(answer?.reply);
      // Each request's events are the next ones of the batch, in order.
      expect(got.reduce((n, p) => n + p.count, 0)).toBe(events.length);
      return got;
    });
    expect(viaService).toEqual(GOLDEN);
  });

  it('follows acknowledgements and lost speculations in the order given, as the sending thread would', () => {
    const events = sampleEvents(600);
    const [a, b, c] = [events.slice(0, 200), events.slice(200, 400), events.slice(400)];
    const settings = {
      resource: RESOURCE,
      protocol: 'http/protobuf' as const,
      maxRequestBytes: 1 << 22,
    };
    const here = new MetricsEncoder(settings, new Map<string, SeriesTotals>());
    const there = new EncodeService({ settings, ledger: new Map(), projected: new Map() });
    const encodeThere = (list: TokfEvent[]) =>
      parts(there.handle({ kind: 'encode', columns: toColumns(list) })?.reply);

    const first = here.encodeAhead(a);
    expect(encodeThere(a).map((p) => hex(p.body))).toEqual(first.map((r) => hex(r.body)));
    const second = here.encodeAhead(b);
    expect(encodeThere(b).map((p) => hex(p.body))).toEqual(second.map((r) => hex(r.body)));
    // The first request acknowledged, the second not: what follows continues from the first.
    here.acknowledged(first[0]!.totals);
    there.handle({ kind: 'acknowledged', totals: first[0]!.totals! });
    here.speculationLost();
    there.handle({ kind: 'speculation-lost' });
    const again = here.encodeAhead(c);
    const againThere = encodeThere(c);
    expect(againThere.map((p) => hex(p.body))).toEqual(again.map((r) => hex(r.body)));
    // And not what it would have been had the second been acknowledged.
    const speculated = new MetricsEncoder(settings, new Map());
    speculated.encodeAhead(a);
    speculated.encodeAhead(b);
    expect(againThere.map((p) => hex(p.body))).not.toEqual(
      speculated.encodeAhead(c).map((r) => hex(r.body)),
    );
    expect([...againThere[0]!.totals!]).toEqual([...again[0]!.totals!]);
  });

  it('answers a failed encoding with its reason rather than throwing', () => {
    const service = new EncodeService({
      settings: { resource: RESOURCE, protocol: 'http/protobuf', maxRequestBytes: 1 << 20 },
      ledger: undefined,
      projected: new Map(),
    });
    const columns = toColumns(sampleEvents(3));
    // A batch whose texts went missing on the way.
    const answer = service.handle({ kind: 'encode', columns: { ...columns, commands: [] } });
    expect(answer?.reply).toEqual({ parts: [] });
    const broken = service.handle({
      kind: 'encode',
      columns: { ...columns, commands: [undefined as unknown as string, 'x', 'y'] },
    });
    expect(broken?.reply).toHaveProperty('error');
  });
});
