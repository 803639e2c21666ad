import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Protocol } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { eventAttributes, eventTime } from './event-attributes.js';
import { encodeFitting } from './fit.js';
import { SCOPE_NAME } from './instruments.js';
import type { EncodedRequest } from './requests.js';
import { int64AsStrings, required } from './serialize.js';

/** The SDK's ReadableLogRecord, as the transformer takes it (the SDK itself is not needed). */
type LogRecordIn = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0][number];

/** The event name of every record: one tokf invocation. */
export const LOG_EVENT_NAME = 'tokf.invocation';

// OpenTelemetry's SeverityNumber: INFO and ERROR.
const INFO = 9;
const ERROR = 17;

/**
 * One log record per event, at the event's own time; observed now (when it is sent). A non-zero
 * exit code is an ERROR, anything else INFO; the body is the command.
 */
export function encodeLogRequests(
  events: TokfEvent[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  nowMs: number,
): EncodedRequest[] {
  const res = resourceFromAttributes(resource);
  const observed: [number, number] = [Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000];
  return encodeFitting(events, maxBytes, 'logs', (part) => {
    const records = part.map((e) => toLogRecord(e, res, observed));
    if (protocol === 'http/protobuf')
      return required(ProtobufLogsSerializer.serializeRequest(records));
    return int64AsStrings(required(JsonLogsSerializer.serializeRequest(records)));
  });
}

function toLogRecord(
  e: TokfEvent,
  resource: LogRecordIn['resource'],
  observed: [number, number],
): LogRecordIn {
  const failed = e.exitCode !== null && e.exitCode !== 0;
  const attributes = eventAttributes(e);
  return {
    hrTime: eventTime(e),
    hrTimeObserved: observed,
    severityNumber: failed ? ERROR : INFO,
    severityText: failed ? 'ERROR' : 'INFO',
    body: attributes['tokf.command'],
    eventName: LOG_EVENT_NAME,
    attributes,
    droppedAttributesCount: 0,
    resource,
    instrumentationScope: { name: SCOPE_NAME },
  };
}
