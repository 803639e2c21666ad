/**
 * The one loopback receiver of the tests: a real OTLP/HTTP server on 127.0.0.1 that decodes every
 * request with the official schema (see otlp-proto.ts), records it, and answers from a script of
 * responses (success, partial success, throttling, errors, redirects, pages that are not OTLP,
 * dropped connections, slow or hanging responses), or lets the test write a reply of its own
 * (bodies that stream or stall). `otlpReceiverForEachTest` gives each test a fresh one;
 * `startOtlpReceiver` one the test closes itself.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

import protobuf from 'protobufjs';

import {
  decodeMetricsRequestJson,
  decodeMetricsRequestProtobuf,
  exportResponseType,
  flattenPoints,
  TO_OBJECT_OPTIONS,
} from './otlp-proto.js';
import type { DecodedMetricsRequest, FlatPoint } from './otlp-proto.js';
import {
  decodeSignalRequest,
  otherSignalOfPath,
  signalResponseType,
  type DecodedSignalRequest,
} from './otlp-signals.js';

export { flattenPoints } from './otlp-proto.js';
export type { DecodedMetricsRequest, FlatPoint } from './otlp-proto.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** How to answer one request. Every field is optional; `{}` is a plain 200. */
export interface ScriptedResponse {
  /** HTTP status. Default 200. */
  status?: number;
  /**
   * On a 2xx: send the path's signal's Export*ServiceResponse with this partial_success (the
   * count under the signal's own name: rejectedDataPoints, rejectedLogRecords, rejectedSpans).
   */
  partialSuccess?: {
    rejectedDataPoints?: number;
    rejectedLogRecords?: number;
    rejectedSpans?: number;
    errorMessage?: string;
  };
  /** Value of a Retry-After header (seconds or an HTTP date). */
  retryAfter?: string;
  /** Message of the google.rpc.Status body sent with an error status. */
  errorMessage?: string;
  /** Send errorMessage as a text/plain body, as Prometheus's http.Error does, not as a Status. */
  plainText?: boolean;
  /**
   * A body of the test's own instead of the OTLP one (an HTML page, a proxy's error), sent with
   * `contentType` (default text/plain) whatever the status.
   */
  body?: string | Uint8Array;
  /** Content-Type of `body`. */
  contentType?: string;
  /** More response headers, e.g. a redirect's Location. */
  headers?: http.OutgoingHttpHeaders;
  /** Destroy the connection after reading the request, without any response. */
  reset?: boolean;
  /** Answer after this many ms. */
  delayMs?: number;
  /**
   * Answer after this many ms (Infinity: never), meant to outlast the client's timeout. If the
   * client gives up first, nothing is sent and the request's outcome is `abandoned`.
   */
  hangMs?: number;
}

/** What happened to a request. */
export type RequestOutcome = 'pending' | 'answered' | 'reset' | 'abandoned';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/v1/metrics`. */
  path: string;
  /** Node's lower-cased request headers. */
  headers: http.IncomingHttpHeaders;
  /** Media type without parameters, lower case (`application/x-protobuf`, `application/json`). */
  contentType: string;
  /** Content-Encoding header, lower case, if any. */
  contentEncoding?: string;
  /** Body size on the wire (compressed, if it was). */
  bodyBytes: number;
  /** Body after decompression. */
  body: Buffer;
  /** The decoded ExportMetricsServiceRequest, when decoding worked. */
  decoded?: DecodedMetricsRequest;
  /** On /v1/logs and /v1/traces: the decoded logs or traces request instead. */
  signalDecoded?: DecodedSignalRequest;
  /** Why decoding failed (the request was then answered 400/413/415). */
  decodeError?: string;
  /** For JSON bodies: violations of OTLP/JSON (see JsonDecodeResult.issues). */
  jsonIssues: string[];
  /** For JSON bodies: accepted but non-canonical encodings (see JsonDecodeResult.notes). */
  jsonNotes: string[];
  /** Date.now() when the whole body had arrived. */
  receivedAt: number;
  /** The scripted response used (`undefined` when the receiver refused the request itself). */
  response?: ScriptedResponse;
  /** HTTP status sent, once one was sent. */
  answeredStatus?: number;
  outcome: RequestOutcome;
}

/** Options of the receiver. */
export interface OtlpReceiverOptions {
  /** Answer 413 (without using the script) to bodies larger than this on the wire. */
  maxBodyBytes?: number;
  /**
   * Decides the answer from the decoded request when the script is empty, e.g. a 400 for any
   * request that carries a poison point, as a backend validating each point would.
   */
  respond?: (request: ReceivedRequest) => ScriptedResponse | undefined;
  /**
   * A store that keeps series in order, as Prometheus does (see ordered-store.ts): a metrics
   * request whose scripted answer is a success, a reset or a hang is appended to it first (so a
   * lost reply still leaves the data stored), and refused with its plain-text 400 when it may not
   * (after the scripted delay or hang, which a reset still ends without an answer).
   */
  store?: { append(request: DecodedMetricsRequest): string | undefined };
  /** Key and certificate: the receiver speaks https. */
  tls?: https.ServerOptions;
  /**
   * false: record the body as it came (gunzipped) without decoding it, and never refuse a request
   * of its own accord, for tests of a transport that sends bytes that are not OTLP.
   */
  decode?: boolean;
  /**
   * The test writes the reply itself (a body that streams or stalls), instead of the script; the
   * request is recorded first, and its status once the reply is sent.
   */
  reply?: (request: ReceivedRequest, res: http.ServerResponse) => void;
}

// google.rpc.Status, the body OTLP/HTTP servers send with error statuses. Built by reflection so
// that no extra .proto file is needed.
const STATUS_TYPE = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(STATUS_TYPE);

/** gRPC status codes matching HTTP statuses, for the Status body. */
const GRPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  502: 14, // UNAVAILABLE
  503: 14,
  504: 4, // DEADLINE_EXCEEDED
};

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function gunzip(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zlib.gunzip(body, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** A scriptable OTLP/HTTP metrics receiver. */
export class OtlpReceiver {
  /** Every request received, in arrival order, including refused and reset ones. */
  readonly requests: ReceivedRequest[] = [];

  private readonly queue: ScriptedResponse[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly server: http.Server | https.Server;
  private baseUrl: string | undefined;
  /** Requests whose body has been read and decoded (or refused). */
  private settled = 0;

  constructor(private readonly options: OtlpReceiverOptions = {}) {
    const listener: http.RequestListener = (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    };
    this.server =
      options.tls === undefined
        ? http.createServer(listener)
        : https.createServer(options.tls, listener);
    // A refused handshake is the client's to report; the receiver has nothing to add.
    this.server.on('tlsClientError', () => {});
  }

  /** Listen on 127.0.0.1 on a free port. */
  async start(): Promise<{ url: string; metricsUrl: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `${this.options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
    return { url: this.baseUrl, metricsUrl: `${this.baseUrl}/v1/metrics` };
  }

  /** Base URL, e.g. `http://127.0.0.1:40123` (after start). */
  get url(): string {
    if (!this.baseUrl) throw new Error('OtlpReceiver: not started');
    return this.baseUrl;
  }

  /** `<url>/v1/metrics`. */
  get metricsUrl(): string {
    return `${this.url}/v1/metrics`;
  }

  /** Stop listening, drop every connection and pending timer. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Script the next responses, consumed one per request in order; when empty, 200. */
  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** Forget recorded requests and scripted responses. */
  clear(): void {
    this.requests.length = 0;
    this.settled = 0;
    this.queue.length = 0;
  }

  /** Decoded bodies of the requests answered with a 2xx, in arrival order. */
  accepted(): DecodedMetricsRequest[] {
    return this.requests
      .filter((r) => r.decoded && r.answeredStatus !== undefined && r.answeredStatus < 300)
      .map((r) => r.decoded as DecodedMetricsRequest);
  }

  /** Every data point of every accepted request, flattened. */
  acceptedPoints(): FlatPoint[] {
    return this.accepted().flatMap(flattenPoints);
  }

  /** Resolves once at least `count` requests have arrived and been decoded. */
  waitForRequests(count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    if (this.settled >= count) return Promise.resolve(this.requests);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        reject(new Error(`OtlpReceiver: ${this.settled} of ${count} requests arrived`));
      }, timeoutMs);
      this.timers.add(timer);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          this.timers.delete(timer);
          resolve(this.requests);
        },
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const wire = Buffer.concat(chunks);
    const contentEncoding = req.headers['content-encoding']?.toLowerCase();
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      contentType: mediaType(req.headers['content-type']),
      ...(contentEncoding ? { contentEncoding } : {}),
      bodyBytes: wire.length,
      body: wire,
      jsonIssues: [],
      jsonNotes: [],
      receivedAt: Date.now(),
      outcome: 'pending',
    };
    // Recorded before decoding (gunzip is asynchronous) so that `requests` keeps arrival order.
    this.requests.push(record);
    const refusal = await this.decode(record, wire);
    this.settled++;
    this.notifyWaiters();

    if (refusal) {
      this.send(record, res, refusal, { errorMessage: record.decodeError ?? '' });
      return;
    }
    const { reply } = this.options;
    if (reply !== undefined) {
      res.once('finish', () => {
        record.answeredStatus = res.statusCode;
        record.outcome = 'answered';
      });
      res.once('close', () => {
        if (record.outcome === 'pending') record.outcome = 'abandoned';
      });
      reply(record, res);
      return;
    }
    let response = this.queue.shift() ?? this.options.respond?.(record) ?? {};
    const { store } = this.options;
    if (store !== undefined && record.decoded !== undefined && (response.status ?? 200) < 300) {
      const refused = store.append(record.decoded);
      if (refused !== undefined)
        response = { ...response, status: 400, errorMessage: `${refused}\n`, plainText: true };
    }
    record.response = response;
    const delay = response.hangMs ?? response.delayMs ?? 0;
    const answer = (): void => {
      if (res.destroyed || req.socket.destroyed) {
        record.outcome = 'abandoned';
        return;
      }
      if (response.reset) {
        record.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      this.send(record, res, response.status ?? 200, response);
    };
    if (delay <= 0) {
      answer();
      return;
    }
    res.once('close', () => {
      if (record.outcome === 'pending') record.outcome = 'abandoned';
    });
    if (delay === Infinity) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, delay);
    this.timers.add(timer);
  }

  /** Decode the body into the record; returns an HTTP status to refuse the request with, if any. */
  private async decode(record: ReceivedRequest, wire: Buffer): Promise<number | undefined> {
    if (record.method !== 'POST') {
      record.decodeError = `method ${record.method} not allowed`;
      return 405;
    }
    if (this.options.maxBodyBytes !== undefined && wire.length > this.options.maxBodyBytes) {
      record.decodeError = `body of ${wire.length} bytes over the ${this.options.maxBodyBytes} limit`;
      return 413;
    }
    try {
      if (record.contentEncoding === 'gzip') record.body = await gunzip(wire);
      else if (record.contentEncoding && record.contentEncoding !== 'identity') {
        record.decodeError = `unsupported Content-Encoding ${record.contentEncoding}`;
        return 415;
      }
      if (this.options.decode === false) return undefined;
      const other = otherSignalOfPath(record.path);
      if (
        other !== undefined &&
        (record.contentType === PROTOBUF || record.contentType === JSON_TYPE)
      ) {
        record.signalDecoded = decodeSignalRequest(
          other,
          record.body,
          record.contentType === JSON_TYPE,
        );
      } else if (record.contentType === PROTOBUF) {
        record.decoded = decodeMetricsRequestProtobuf(record.body);
      } else if (record.contentType === JSON_TYPE) {
        const json = decodeMetricsRequestJson(record.body.toString('utf8'));
        record.decoded = json.decoded;
        record.jsonIssues = json.issues;
        record.jsonNotes = json.notes;
      } else {
        record.decodeError = `unsupported Content-Type ${record.contentType || '(none)'}`;
        return 415;
      }
    } catch (error) {
      record.decodeError = error instanceof Error ? error.message : String(error);
      return 400;
    }
    return undefined;
  }

  private send(
    record: ReceivedRequest,
    res: http.ServerResponse,
    status: number,
    response: ScriptedResponse,
  ): void {
    const json = record.contentType === JSON_TYPE;
    let body: Uint8Array | string;
    if (response.body !== undefined) {
      body = response.body;
    } else if (status >= 200 && status < 300) {
      const other = otherSignalOfPath(record.path);
      const type = other === undefined ? exportResponseType() : signalResponseType(other);
      const message = type.fromObject(
        response.partialSuccess ? { partialSuccess: response.partialSuccess } : {},
      );
      body = json
        ? JSON.stringify(type.toObject(message, { ...TO_OBJECT_OPTIONS, defaults: false }))
        : type.encode(message).finish();
    } else if (response.plainText === true) {
      body = response.errorMessage ?? '';
    } else {
      const message = STATUS_TYPE.fromObject({
        code: GRPC_CODES[status] ?? 2, // UNKNOWN
        message: response.errorMessage ?? http.STATUS_CODES[status] ?? '',
      });
      body = json
        ? JSON.stringify(STATUS_TYPE.toObject(message))
        : STATUS_TYPE.encode(message).finish();
    }
    const plain = status >= 300 && response.plainText === true;
    const headers: http.OutgoingHttpHeaders = {
      ...response.headers,
      'content-type':
        response.body !== undefined
          ? (response.contentType ?? 'text/plain')
          : plain
            ? 'text/plain; charset=utf-8'
            : json
              ? JSON_TYPE
              : PROTOBUF,
      'content-length': Buffer.byteLength(body),
    };
    if (response.retryAfter !== undefined) headers['retry-after'] = response.retryAfter;
    res.writeHead(status, headers).end(body);
    record.answeredStatus = status;
    record.outcome = 'answered';
  }

  private notifyWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter && this.settled >= waiter.count) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** A receiver listening on 127.0.0.1 on a free port; the caller closes it. */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const receiver = new OtlpReceiver(options);
  await receiver.start();
  return receiver;
}

/** The receiver of the running test, and a way to swap it for one with other options. */
export type ReceiverForEachTest = OtlpReceiver & {
  /** Closes the running test's receiver and starts one with `options` in its place. */
  reopen(options?: OtlpReceiverOptions): Promise<void>;
};

/**
 * A fresh receiver for each test of the enclosing file or describe: started before each test and
 * closed after it, so that no test sees another's requests or script. The object returned stands
 * for the running test's receiver.
 */
export function otlpReceiverForEachTest(options: OtlpReceiverOptions = {}): ReceiverForEachTest {
  let current: OtlpReceiver | undefined;
  const running = (): OtlpReceiver => {
    if (current === undefined) throw new Error('otlpReceiverForEachTest: used outside a test');
    return current;
  };
  const reopen = async (other: OtlpReceiverOptions = {}): Promise<void> => {
    await running().close();
    current = await startOtlpReceiver(other);
  };
  beforeEach(async () => {
    current = await startOtlpReceiver(options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as ReceiverForEachTest, {
    get(_target, key) {
      if (key === 'reopen') return reopen;
      const receiver = running();
      const value: unknown = Reflect.get(receiver, key, receiver);
      return typeof value === 'function' ? value.bind(receiver) : value;
    },
  });
}
