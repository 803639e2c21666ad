import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SeriesTotals } from '../../src/encode/cumulative.js';
import { encodeRequests, type Encoding } from '../../src/encode/requests.js';
import type { PointPool } from '../../src/encode/aggregate.js';
import { encodeSignalRequests } from '../../src/encode/signal-requests.js';
import type { Protocol, Signal } from '../../src/config/vocabulary.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { tokfEvent } from './events.js';

export const RESOURCE = {
  'service.name': 'tokf',
  'service.instance.id': 'ci-7',
  'host.name': 'runner',
};
export const NOW_MS = 1_772_706_500_123;

/** A deterministic mix: repeated and unique commands, non-ASCII text, nulls, late events. */
export function sampleEvents(n: number, seed = 7): TokfEvent[] {
  let s = seed;
  const next = (m: number) => {
    s = (s * 48_271) % 2_147_483_647;
    return s % m;
  };
  const base = Date.UTC(2026, 2, 5, 10, 0, 0);
  return Array.from({ length: n }, (_, i) => {
    // Mostly forward in time, some events seconds behind (late ones for a cumulative series).
    const second = Math.floor(i / 3) - (next(10) === 0 ? next(20) : 0);
    const at = new Date(base + Math.max(0, second) * 1000).toISOString().replace('.000Z', 'Z');
    const kind = next(6);
    return tokfEvent(i + 1, at, {
      command:
        kind === 0
          ? `grep -rn "пример ${next(5)}" src/ — ${'x'.repeat(next(300))}`
          : `cargo test --package crate-${next(7)}`,
      filterName: kind === 1 ? null : `cargo/test-${next(3)}`,
      exitCode: kind === 2 ? null : next(4) === 0 ? 1 : 0,
      inputTokens: next(20_000),
      outputTokens: next(3000),
      filterTimeMs: next(12_000) + (next(2) === 0 ? 0.5 : 0),
    });
  });
}

const sha = (body: Uint8Array) => createHash('sha256').update(body).digest('hex').slice(0, 16);

/** Bodies of today's encoding (main 4339afd), by case: length and a hash of each request. */
export function bodiesByCase(
  encode: (
    signal: Signal,
    events: TokfEvent[],
    protocol: Protocol,
    maxBytes: number,
    encoding: Encoding,
  ) => { body: Uint8Array }[],
): Record<string, string[]> {
  const events = sampleEvents(900);
  const out: Record<string, string[]> = {};
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    for (const maxBytes of [1 << 22, 60_000]) {
      const at = `${protocol} ${maxBytes}`;
      const run = (name: string, signal: Signal, list: TokfEvent[], encoding: Encoding) => {
        out[`${name} ${at}`] = encode(signal, list, protocol, maxBytes, encoding).map(
          (r) => `${r.body.byteLength}:${sha(r.body)}`,
        );
      };
      run('delta', 'metrics', events, { temporality: 'delta' });
      run('cumulative', 'metrics', events.slice(0, 500), {
        temporality: 'cumulative',
        ledger: new Map(),
      });
      // Continuing series from totals acknowledged before: the first part's.
      const first = encodeRequests(events.slice(0, 500), RESOURCE, protocol, maxBytes, {
        temporality: 'cumulative',
        ledger: new Map(),
      });
      let ledger = new Map<string, SeriesTotals>();
      for (const r of first) ledger = new Map([...ledger, ...(r.totals ?? [])]);
      run('cumulative-continued', 'metrics', events.slice(500), {
        temporality: 'cumulative',
        ledger,
      });
      run('logs', 'logs', events, { temporality: 'delta' });
      run('traces', 'traces', events, { temporality: 'delta' });
    }
  }
  return out;
}

/**
 * The encoders called directly, with every metrics encoding taking its points from `pool` (one
 * pool across every case, as an encoder's across its batches).
 */
export function pooledEncode(pool: PointPool): typeof directEncode {
  return (signal, events, protocol, maxBytes, encoding) =>
    signal === 'metrics'
      ? encodeRequests(events, RESOURCE, protocol, maxBytes, encoding, pool)
      : directEncode(signal, events, protocol, maxBytes, encoding);
}

/** Today's path: the encoders called directly, in this thread. */
export function directEncode(
  signal: Signal,
  events: TokfEvent[],
  protocol: Protocol,
  maxBytes: number,
  encoding: Encoding,
) {
  if (signal === 'metrics') return encodeRequests(events, RESOURCE, protocol, maxBytes, encoding);
  return encodeSignalRequests(signal, events, RESOURCE, protocol, maxBytes, NOW_MS);
}

/** Written by main 4339afd's encoders: bodiesByCase(directEncode) run on `git archive 4339afd`. */
export const GOLDEN = JSON.parse(
  readFileSync(new URL('../fixtures/request-bodies-4339afd.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;
