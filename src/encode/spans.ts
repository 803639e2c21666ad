import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Protocol } from '../config/vocabulary.js';
import { programOf, type TokfEvent } from '../source/tokf-event.js';
import { eventAttributes, eventTime } from './event-attributes.js';
import { encodeFitting } from './fit.js';
import { SCOPE_NAME } from './instruments.js';
import type { EncodedRequest } from './requests.js';
import { int64AsStrings, required } from './serialize.js';

/** The SDK's ReadableSpan, as the transformer takes it (the SDK itself is not needed). */
type SpanIn = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0][number];

/**
 * One span per event, a trace of its own: named for the program and subcommand that ran (`git
 * status`; see programOf), starting at the event's time and lasting its recorded filter time,
 * which is the only duration tokf stores. A non-zero exit code is status ERROR.
 */
export function encodeSpanRequests(
  events: TokfEvent[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
): EncodedRequest[] {
  const res = resourceFromAttributes(resource);
  return encodeFitting(events, maxBytes, 'spans', (part) => {
    const spans = part.map((e) => toSpan(e, res));
    if (protocol === 'http/protobuf')
      return required(ProtobufTraceSerializer.serializeRequest(spans));
    return int64AsStrings(required(JsonTraceSerializer.serializeRequest(spans)));
  });
}

/**
 * Trace and span id of an event, from what the row holds (its origin, else its id; time, command,
 * filter) and nothing of where the database lies: the same row sent again is the same span, from a
 * merged copy too.
 */
export function spanIdsOf(e: TokfEvent): { traceId: string; spanId: string } {
  const identity = JSON.stringify([e.origin ?? e.id, e.timestamp, e.command, e.filterName]);
  const hash = createHash('sha256').update(`tokf.invocation\n${identity}`).digest('hex');
  return { traceId: hash.slice(0, 32), spanId: hash.slice(32, 48) };
}

function toSpan(e: TokfEvent, resource: SpanIn['resource']): SpanIn {
  const { traceId, spanId } = spanIdsOf(e);
  const failed = e.exitCode !== null && e.exitCode !== 0;
  const startTime = eventTime(e);
  const endTime = eventTime(e, e.filterTimeMs);
  return {
    name: programOf(e.command),
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
    startTime,
    endTime,
    duration: [Math.floor(e.filterTimeMs / 1000), (e.filterTimeMs % 1000) * 1_000_000],
    status: failed
      ? { code: SpanStatusCode.ERROR, message: `exit code ${e.exitCode}` }
      : { code: SpanStatusCode.UNSET },
    attributes: eventAttributes(e),
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: { name: SCOPE_NAME },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
