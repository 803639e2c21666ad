import type { Protocol, Signal } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { encodeLogRequests } from './logs.js';
import { encodeRequests, type EncodedRequest } from './requests.js';
import { encodeSpanRequests } from './spans.js';

/** Requests of one signal for these events (metrics as delta points; see encodeRequests). */
export function encodeSignalRequests(
  signal: Signal,
  events: TokfEvent[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  nowMs: number,
): EncodedRequest[] {
  switch (signal) {
    case 'metrics':
      return encodeRequests(events, resource, protocol, maxBytes);
    case 'logs':
      return encodeLogRequests(events, resource, protocol, maxBytes, nowMs);
    case 'traces':
      return encodeSpanRequests(events, resource, protocol, maxBytes);
  }
}
