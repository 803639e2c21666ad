/**
 * Speculation's compression ahead of sending: once a request's wire body is ready, the encoded
 * body it was made from is let go of and its memory freed at once; the wire body is freed once the
 * request is acknowledged, and an encoded body sent as it is stays until then. Which buffers may
 * be freed at all: test/encode/body-buffer.test.ts.
 */
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import { RELEASED, Speculation } from '../../src/engine/speculation.js';
import { noEncodingThread, TokfEncoder } from '../../src/engine/tokf-encoder.js';
import { RESOURCE, sampleEvents } from '../helpers/request-bodies.js';

const gzipAsync = promisify(gzip);
const db = new DatabaseSync(':memory:');
afterAll(() => db.close());

function speculation(wireBody: (body: Uint8Array) => Promise<Uint8Array>): Speculation {
  const config = {
    resource: RESOURCE,
    protocol: 'http/protobuf' as const,
    maxRequestBytes: 1 << 22,
  };
  const encoder = new TokfEncoder(config, 'metrics', db, () => 0, undefined, noEncodingThread);
  return new Speculation({ encoder, wireBody, encoded: () => {} });
}

describe('Speculation', () => {
  it('frees an encoded body once its compressed form is ready, and sends that, the same bytes', async () => {
    let release!: () => void;
    const compressing = new Promise<void>((r) => (release = r));
    const spec = speculation(async (body) => {
      const wire = gzipSync(body);
      await compressing;
      return wire;
    });
    const [request] = await spec.ahead(sampleEvents(300)).requests;
    const encoded = request!.body;
    const bytes = Buffer.from(encoded);
    expect(encoded.byteLength).toBeGreaterThan(1000);
    // Still being compressed: the body is whole.
    expect(encoded.buffer.byteLength).toBe(bytes.byteLength);
    release();
    const wire = await spec.wire(request!)!;
    expect(request!.body).toBe(RELEASED);
    expect(encoded.byteLength).toBe(0);
    expect((encoded.buffer as ArrayBuffer & { detached: boolean }).detached).toBe(true);
    expect(gunzipSync(wire).equals(bytes)).toBe(true);
  });

  it('frees the wire body of a request once it is acknowledged, and only then', async () => {
    // As the exporter compresses (one output chunk of 256 KB), whose output is a buffer of its own.
    const spec = speculation((body) => gzipAsync(body, { level: 1, chunkSize: 256 * 1024 }));
    const [request] = await spec.ahead(sampleEvents(300)).requests;
    const wire = await spec.wire(request!)!;
    expect(wire.byteLength).toBeGreaterThan(100);
    await spec.sent(request!);
    expect(wire.byteLength).toBe(0);
    expect(spec.wire(request!)).toBeUndefined();

    // Sent as it is (no compression): the encoded body is the wire body.
    const plain = speculation(async (body) => body);
    const [same] = await plain.ahead(sampleEvents(300)).requests;
    const body = same!.body;
    expect(await plain.wire(same!)).toBe(body);
    await plain.sent(same!);
    expect(body.byteLength).toBe(0);
  });

  it('keeps a body that is sent as it is (no compression) until the request is acknowledged', async () => {
    const plain = speculation(async (body) => body);
    const [request] = await plain.ahead(sampleEvents(5)).requests;
    const body = request!.body;
    const wire = await plain.wire(request!)!;
    expect(wire).toBe(body);
    expect(request!.body).toBe(body);
    expect(body.byteLength).toBeGreaterThan(0);
  });
});
