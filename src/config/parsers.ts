import { UsageError } from '../errors.js';
import { parseDuration } from './time-spec.js';
import {
  SIGNALS,
  type Builtins,
  type Compression,
  type Parser,
  type Protocol,
  type Signal,
  type Temporality,
} from './vocabulary.js';

export const parseProtocol: Parser<Protocol> = (text, source) => {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'http/protobuf' || lower === 'http/json') return lower;
  if (lower === 'grpc') {
    throw new UsageError(
      `${source}: gRPC is not supported; use http/protobuf or http/json against the endpoint's OTLP/HTTP port (usually 4318)`,
    );
  }
  throw new UsageError(`${source}: "${value}" is not a protocol (use http/protobuf or http/json)`);
};

export const parseCompression: Parser<Compression> = (text, source) => {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'gzip' || lower === 'none') return lower;
  throw new UsageError(`${source}: "${value}" is not a compression (use gzip or none)`);
};

export function wholeNumber(min: number, max: number): Parser<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
  return (text, source) => {
    const trimmed = text.trim();
    // A negative whole number is a number out of range, not "not a number".
    if (!/^-?\d+$/.test(trimmed)) {
      throw new UsageError(`${source}: "${text}" is not a whole number`);
    }
    const value = Number(trimmed);
    if (value < min || value > max) {
      throw new UsageError(
        `${source}: ${trimmed} is out of range; it takes a whole number ${range}`,
      );
    }
    return value;
  };
}

/** The same parser, with the unit its number is in named in its errors. */
export function withUnit<T>(unit: string, parser: Parser<T>): Parser<T> {
  return (text, source, now) => parser(text, `${source} (${unit})`, now);
}

/** Paths are taken as written: a directory name may begin or end with a space. */
export const asWritten: Parser<string> = (text) => text;

/**
 * Temporality, as the OpenTelemetry SDK reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
 * `lowmemory` means delta for counters and histograms, which is all tokf has.
 */
export const parseTemporality: Parser<Temporality> = (text, source) => {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'delta' || lower === 'cumulative') return lower;
  if (lower === 'lowmemory') return 'delta';
  throw new UsageError(`${source}: "${value}" is not a temporality (use delta or cumulative)`);
};

/** A duration, or `none` for no limit at all, which lifts the limit a backend preset sets. */
export const durationOrNone: Parser<number | null> = (text, source) => {
  if (text.trim().toLowerCase() === 'none') return null;
  // A number and a unit is a duration: parseDuration says what is wrong with it (out of range).
  if (/^-?\d+[smhdw]$/.test(text.trim())) return parseDuration(text, source);
  throw new UsageError(`${source}: "${text}" is not a duration (such as 90m, 1h, 7d) or none`);
};

/** What to do with the rows of tokf's built-in commands: send them, or skip them as live export does. */
export const parseBuiltins: Parser<Builtins> = (text, source) => {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'send' || lower === 'skip') return lower;
  throw new UsageError(`${source}: "${value}" is not send or skip`);
};

/**
 * The signals to send each event as, a comma-separated list of metrics, logs and traces; always
 * in that order, whatever the order given, each once.
 */
export const parseSignals: Parser<Signal[]> = (text, source) => {
  const given = text
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  const unknown = given.filter((w) => !(SIGNALS as readonly string[]).includes(w));
  if (unknown.length > 0)
    throw new UsageError(`${source}: "${unknown[0]}" is not a signal (use metrics, logs, traces)`);
  if (given.length === 0) throw new UsageError(`${source}: name at least one signal`);
  return SIGNALS.filter((s) => given.includes(s));
};
