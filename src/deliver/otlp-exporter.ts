import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { redact } from '../config/redact.js';
import type { Compression, EndpointConfig, Protocol, Signal } from '../config/vocabulary.js';
import { HttpTransport } from './http-transport.js';
import type { Transport } from './transport.js';
import type { DeliveryOutcome } from './outcome.js';
import { RetryingTransport, type RetryOptions } from './retrying-transport.js';

const gzipAsync = promisify(gzipCallback);
/**
 * Fastest zlib level: OTLP bodies repeat the same attributes and bucket bounds point after point,
 * so level 1 already shrinks them about fifteen times, at a quarter of the default level's cost.
 */
export const GZIP_LEVEL = 1;

/**
 * zlib's output chunk: a request of the default batch (2000 events, about 2.8 MB encoded)
 * compresses to about 240 KB, one chunk of this size where zlib's default of 16 KB took fifteen
 * round trips to the thread pool, each handled on the main thread (0.78 s of it in a 1M-event sync,
 * in `node --cpu-prof`). The compressed bytes are the same either way.
 */
export const GZIP_CHUNK_BYTES = 256 * 1024;

const CONTENT_TYPES: Record<Protocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

export interface ExporterOptions extends RetryOptions {
  endpoint: EndpointConfig;
  protocol: Protocol;
  compression: Compression;
  /** Per attempt. */
  timeoutMs: number;
  userAgent: string;
  /** What is sent: a 2xx must carry this signal's export response. Metrics if not given. */
  otlpSignal?: Signal;
  /** Told of each redirect followed, in words. */
  onRedirect?: (line: string) => void;
  now?: () => number;
  /** Stands in for the network (tests); an HTTP transport to the endpoint otherwise. */
  transport?: Transport;
}

/** Sends encoded OTLP requests to one endpoint: compression, headers, retries, one outcome each. */
export class OtlpExporter {
  private readonly retrying: RetryingTransport;

  constructor(private readonly options: ExporterOptions) {
    const { endpoint, protocol, compression, timeoutMs, userAgent } = options;
    const transport =
      options.transport ??
      new HttpTransport(
        {
          url: endpoint.url,
          headers: {
            ...endpoint.headers,
            'Content-Type': CONTENT_TYPES[protocol],
            'User-Agent': userAgent,
            ...(compression === 'gzip' && { 'Content-Encoding': 'gzip' }),
          },
          endpointHeaders: Object.keys(endpoint.headers),
          timeoutMs,
          secrets: endpoint.secrets,
          ...(options.otlpSignal !== undefined && { signal: options.otlpSignal }),
          ...(endpoint.tls !== undefined && { tls: endpoint.tls }),
          ...(endpoint.proxies !== undefined && { proxies: endpoint.proxies }),
          ...(endpoint.advice !== undefined && { advice: endpoint.advice }),
          ...(options.onRedirect !== undefined && { onRedirect: options.onRedirect }),
        },
        options.now,
      );
    const { onRetry } = options;
    this.retrying = new RetryingTransport(transport, {
      attemptTimeoutMs: timeoutMs,
      ...options,
      ...(onRetry !== undefined && {
        onRetry: (wait) => onRetry({ ...wait, reason: redact(wait.reason, endpoint.secrets) }),
      }),
    });
  }

  /**
   * The body as it goes on the wire. Compression runs in the thread pool, so a caller that starts
   * it as soon as a request is encoded gets it done while the main thread encodes the next one.
   */
  wireBody(payload: Uint8Array): Promise<Uint8Array> {
    if (this.options.compression !== 'gzip') return Promise.resolve(payload);
    return gzipAsync(payload, { level: GZIP_LEVEL, chunkSize: GZIP_CHUNK_BYTES });
  }

  /**
   * Sends `payload`; `wire` is its wire body when the caller started that already. What the
   * endpoint said comes back with the request's secrets masked, in whatever form it echoed them,
   * so that no reason, note or record made of it holds one.
   */
  async send(payload: Uint8Array, wire?: Promise<Uint8Array>): Promise<DeliveryOutcome> {
    const outcome = await this.retrying.send(await (wire ?? this.wireBody(payload)));
    if (outcome.message === undefined) return outcome;
    return { ...outcome, message: redact(outcome.message, this.options.endpoint.secrets) };
  }

  close(): void {
    this.retrying.close();
  }
}
