import type { Type } from 'protobufjs';
import type { Signal } from '../../src/config/vocabulary.js';
import { readExportResponse } from '../../src/deliver/response.js';
import { exportResponseType } from '../helpers/otlp-proto.js';
import { signalResponseType } from '../helpers/otlp-signals.js';

/** Each signal's response type from the official schema, and its rejected-count field. */
const SIGNALS: [Signal, () => Type, string][] = [
  ['metrics', exportResponseType, 'rejectedDataPoints'],
  ['logs', () => signalResponseType('logs'), 'rejectedLogRecords'],
  ['traces', () => signalResponseType('traces'), 'rejectedSpans'],
];

const text = (s: string) => new TextEncoder().encode(s);

describe('readExportResponse: what a 2xx body says', () => {
  it.each(SIGNALS)(
    '%s: reads partial success in protobuf encoded by the official schema',
    (signal, type, field) => {
      const t = type();
      const body = t
        .encode(t.fromObject({ partialSuccess: { [field]: 7, errorMessage: 'seven too old' } }))
        .finish();
      expect(readExportResponse(body, signal)).toEqual({
        otlp: true,
        partial: { rejectedPoints: 7, message: 'seven too old' },
      });
    },
  );

  it.each(SIGNALS)(
    '%s: reads partial success in JSON, the count as a string or a number, either key style',
    (signal, _type, field) => {
      const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      for (const body of [
        `{"partialSuccess":{"${field}":"2","errorMessage":"two"}}`,
        `{"partial_success":{"${snake}":2,"error_message":"two"}}`,
      ]) {
        expect(readExportResponse(text(body), signal)).toEqual({
          otlp: true,
          partial: { rejectedPoints: 2, message: 'two' },
        });
      }
    },
  );

  it.each(SIGNALS)("%s: refuses another signal's count in JSON", (signal, _type, field) => {
    const other = SIGNALS.find(([, , f]) => f !== field)![2];
    const reading = readExportResponse(text(`{"partialSuccess":{"${other}":"2"}}`), signal);
    expect(reading).toMatchObject({ otlp: false });
    expect(reading.otlp ? '' : reading.why).toContain(`partialSuccess.${other}`);
  });

  it.each([
    ['an empty body', ''],
    ['blank lines', '\n\r\n'],
    ['{}', '{}'],
    ['an empty partial success', '{"partialSuccess":{}}'],
    ['a null partial success', '{"partialSuccess":null}'],
  ])('takes %s as full success', (_name, body) => {
    expect(readExportResponse(text(body), 'metrics')).toEqual({
      otlp: true,
      partial: { rejectedPoints: 0, message: undefined },
    });
  });

  it('takes an empty protobuf partial success (as Go encodes it) as full success', () => {
    const t = exportResponseType();
    const body = t.encode(t.fromObject({ partialSuccess: {} })).finish();
    expect([...body]).toEqual([0x0a, 0x00]);
    expect(readExportResponse(body, 'metrics')).toMatchObject({
      otlp: true,
      partial: { rejectedPoints: 0 },
    });
  });

  it.each([
    ['a login page', '<!doctype html><html><title>Please sign in</title></html>'],
    ['plain text', 'OK'],
    ['a sentence that protobuf might half read', 'Please sign in to continue'],
    ['another JSON shape', '{"status":"success","data":[]}'],
    ['a JSON array', '[]'],
    ['a JSON string', '"ok"'],
    ['a count that is not a number', '{"partialSuccess":{"rejectedDataPoints":"many"}}'],
    ['a message that is not a string', '{"partialSuccess":{"errorMessage":3}}'],
    ['truncated JSON', '{"partialSuccess":'],
  ])('refuses %s', (_name, body) => {
    expect(readExportResponse(text(body), 'metrics')).toMatchObject({ otlp: false });
  });

  it('refuses protobuf with fields an export response does not have', () => {
    // Field 2 (varint 1) after a valid partial_success: well-formed, but not this message.
    expect(readExportResponse(new Uint8Array([0x0a, 0x00, 0x10, 0x01]), 'metrics')).toMatchObject({
      otlp: false,
    });
    // Random bytes.
    expect(
      readExportResponse(new Uint8Array([0xff, 0x13, 0x00, 0x42, 0x99]), 'traces'),
    ).toMatchObject({ otlp: false });
  });

  it('refuses a body longer than was read, whatever it starts with', () => {
    const reading = readExportResponse(text('{}'), 'metrics', true);
    expect(reading).toMatchObject({ otlp: false });
    expect(reading.otlp ? '' : reading.why).toMatch(/longer/);
  });
});
