import type { TokfEvent } from '../source/tokf-event.js';
import type { EncodedRequest } from './requests.js';

/**
 * Requests of one record per event (logs, spans), as few as fit `maxBytes` each: the list is
 * halved until each part fits; a single event larger than the cap is sent alone.
 */
export function encodeFitting(
  events: TokfEvent[],
  maxBytes: number,
  unit: string,
  build: (events: TokfEvent[]) => Uint8Array,
): EncodedRequest[] {
  if (events.length === 0) return [];
  const body = build(events);
  if (body.byteLength <= maxBytes || events.length === 1)
    return [{ body, events, points: { [unit]: events.length } }];
  const mid = Math.floor(events.length / 2);
  return [
    ...encodeFitting(events.slice(0, mid), maxBytes, unit, build),
    ...encodeFitting(events.slice(mid), maxBytes, unit, build),
  ];
}
