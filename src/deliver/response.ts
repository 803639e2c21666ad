import protobuf from 'protobufjs/light.js';
import type { Signal } from '../config/vocabulary.js';

export interface PartialSuccess {
  /** Data points, log records or spans the endpoint rejected, by the signal sent. */
  rejectedPoints: number;
  message: string | undefined;
}

/** What a 2xx body says: an OTLP export response (with its partial success), or something else. */
export type ReplyReading = { otlp: true; partial: PartialSuccess } | { otlp: false; why: string };

/**
 * The rejected-count field of each signal's Export*PartialSuccess (opentelemetry-proto
 * collector/<signal>/v1/<signal>_service.proto): field 1 in all three, under its own name.
 */
const REJECTED_FIELD: Record<Signal, string> = {
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
};

/**
 * Each signal's Export*ServiceResponse as a protobufjs type, from the official field numbers and
 * types, so that protobufjs decodes (and checks) the body and the JSON form is held to the same
 * field names. Made on first use: a run that never gets an answer need not build them.
 */
const responseTypes = new Map<Signal, protobuf.Type>();
function responseType(signal: Signal): protobuf.Type {
  let type = responseTypes.get(signal);
  if (type === undefined) {
    const root = protobuf.Root.fromJSON({
      nested: {
        PartialSuccess: {
          fields: {
            [REJECTED_FIELD[signal]]: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
        ExportResponse: { fields: { partialSuccess: { type: 'PartialSuccess', id: 1 } } },
      },
    });
    type = root.lookupType('ExportResponse');
    responseTypes.set(signal, type);
  }
  return type;
}

/**
 * Reads a 2xx body for what it says. It is an acknowledgement only when it is empty or is the
 * signal's Export*ServiceResponse, in JSON or protobuf whatever the Content-Type claims (`{}` is
 * a valid JSON answer to a protobuf request). Held strictly: JSON must have no field the message
 * does not, and protobuf must be exactly the message protobufjs decodes from it (encoded again,
 * the same bytes), so that a login page, a proxy's block page or another service's JSON is never
 * taken for one. `truncated`: the body was longer than was read, which no export response is.
 */
export function readExportResponse(
  body: Uint8Array,
  signal: Signal,
  truncated = false,
): ReplyReading {
  if (truncated) return { otlp: false, why: 'the body is far longer than any OTLP response' };
  if (body.byteLength === 0 || isBlank(body)) return { otlp: true, partial: NONE };
  const type = responseType(signal);
  const json = readJson(body, type);
  if (json !== undefined) return json;
  const proto = readProtobuf(body, type, signal);
  if (proto !== undefined) return proto;
  return {
    otlp: false,
    why: `the body is neither JSON nor protobuf of an OTLP Export${title(signal)}ServiceResponse`,
  };
}

const NONE: PartialSuccess = { rejectedPoints: 0, message: undefined };

function isBlank(body: Uint8Array): boolean {
  return body.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09);
}

function readJson(body: Uint8Array, type: protobuf.Type): ReplyReading | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
  const shapeError = checkJson(value, type, '');
  if (shapeError !== undefined) return { otlp: false, why: `JSON, but ${shapeError}` };
  const partial =
    (value as { partialSuccess?: unknown; partial_success?: unknown }).partialSuccess ??
    (value as { partial_success?: unknown }).partial_success;
  return { otlp: true, partial: partialOf(partial) };
}

/**
 * Whether `value` has the shape of `type` in the proto3 JSON mapping (lowerCamelCase or the
 * original snake_case names, 64-bit integers as numbers or decimal strings); what is wrong if
 * not.
 */
function checkJson(value: unknown, type: protobuf.Type, path: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${path === '' ? 'the body' : path} is not an object`;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = type.fieldsArray.find((f) => f.name === key || snakeCase(f.name) === key);
    const at = path === '' ? key : `${path}.${key}`;
    if (field === undefined) return `"${at}" is no field of an OTLP export response`;
    if (item === null) continue;
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) {
      const inner = checkJson(item, field.resolvedType, at);
      if (inner !== undefined) return inner;
    } else if (field.type === 'int64') {
      const integer =
        (typeof item === 'number' && Number.isInteger(item)) ||
        (typeof item === 'string' && /^-?\d+$/.test(item));
      if (!integer) return `"${at}" is not an integer`;
    } else if (typeof item !== 'string') {
      return `"${at}" is not a string`;
    }
  }
  return undefined;
}

function readProtobuf(
  body: Uint8Array,
  type: protobuf.Type,
  signal: Signal,
): ReplyReading | undefined {
  let message: protobuf.Message;
  try {
    message = type.decode(body);
  } catch {
    return undefined;
  }
  // protobufjs skips what it does not know; bytes it skipped are missing when encoded again.
  const again = type.encode(message).finish();
  if (!Buffer.from(again).equals(Buffer.from(body))) return undefined;
  const object = type.toObject(message, { longs: String }) as { partialSuccess?: unknown };
  return { otlp: true, partial: partialOf(object.partialSuccess, REJECTED_FIELD[signal]) };
}

/** The rejected count and message of a partial success, whichever signal's name it carries. */
function partialOf(partial: unknown, field?: string): PartialSuccess {
  if (typeof partial !== 'object' || partial === null) return NONE;
  const p = partial as Record<string, unknown>;
  const names = field === undefined ? Object.values(REJECTED_FIELD) : [field];
  const raw = names.map((n) => p[n] ?? p[snakeCase(n)]).find((v) => v !== undefined && v !== null);
  const rejected = Number(raw ?? 0);
  const text = p.errorMessage ?? p.error_message;
  return {
    rejectedPoints: Number.isFinite(rejected) && rejected > 0 ? rejected : 0,
    message: typeof text === 'string' && text !== '' ? text : undefined,
  };
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function title(signal: Signal): string {
  return { metrics: 'Metrics', logs: 'Logs', traces: 'Trace' }[signal];
}
