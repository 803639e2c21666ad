import zlib from 'node:zlib';

import {
  decodeMetricsDataJson,
  decodeMetricsRequestJson,
  encodeMetricsRequest,
  exportResponseType,
} from '../helpers/otlp-proto.js';
import {
  OtlpReceiver,
  flattenPoints,
  otlpReceiverForEachTest,
  startOtlpReceiver,
} from '../helpers/otlp-receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const START = '1772445600000000000'; // 2026-03-02T10:00:00Z
const TIME = '1772445613000000001'; // beyond 2^53: only exact if nothing goes through a double

/** A request with a sum, a histogram and a gauge, in OTLP/JSON form (camelCase, longs as strings). */
function sampleRequest() {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'tokf' } },
            { key: 'service.version', value: { stringValue: '0.2.52' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'tokf', version: '1' },
            metrics: [
              {
                name: 'tokf.filter.invocations',
                unit: '{invocation}',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: START,
                      timeUnixNano: TIME,
                      asInt: '1',
                      attributes: [
                        { key: 'tokf.command', value: { stringValue: 'cargo test' } },
                        { key: 'tokf.exit_code', value: { intValue: '101' } },
                        { key: 'tokf.filter.name', value: { stringValue: 'cargo/test' } },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'tokf.filter.duration',
                unit: 's',
                description: 'Filter time',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      startTimeUnixNano: START,
                      timeUnixNano: TIME,
                      count: '2',
                      sum: 0.5,
                      min: 0.125,
                      max: 0.375,
                      bucketCounts: ['0', '2', '0'],
                      explicitBounds: [0.1, 1],
                      attributes: [{ key: 'tokf.command', value: { stringValue: 'git status' } }],
                    },
                  ],
                },
              },
              {
                name: 'queue.depth',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: TIME,
                      asDouble: 0.25,
                      attributes: [
                        { key: 'flag', value: { boolValue: false } },
                        { key: 'ratio', value: { doubleValue: 1.5 } },
                        {
                          key: 'list',
                          value: {
                            arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] },
                          },
                        },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

let receiver: OtlpReceiver;
let metricsUrl: string;

beforeEach(async () => {
  receiver = new OtlpReceiver();
  ({ metricsUrl } = await receiver.start());
});

afterEach(async () => {
  await receiver.close();
});

function postProtobuf(
  body: Uint8Array,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(metricsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body,
    signal,
  });
}

function postJson(body: unknown) {
  return fetch(metricsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('decoding', () => {
  it('decodes protobuf with exact 64-bit values and records the request', async () => {
    const bytes = encodeMetricsRequest(sampleRequest());
    const res = await postProtobuf(bytes, { 'x-api-key': 'secret' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0); // an empty ExportMetricsServiceResponse

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/metrics',
      contentType: 'application/x-protobuf',
      bodyBytes: bytes.length,
      answeredStatus: 200,
      outcome: 'answered',
      jsonIssues: [],
    });
    expect(request?.headers['x-api-key']).toBe('secret');
    expect(request?.contentEncoding).toBeUndefined();

    const [decoded] = receiver.accepted();
    const point = decoded?.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0];
    expect(point?.timeUnixNano).toBe(TIME);
    expect(point?.startTimeUnixNano).toBe(START);
    expect(point?.asInt).toBe('1');
    expect(point?.flags).toBe(0);
  });

  it('decodes JSON to the same shape as protobuf, whatever zeros the sender wrote', async () => {
    await postProtobuf(encodeMetricsRequest(sampleRequest()));
    const withZeros = sampleRequest() as ReturnType<typeof sampleRequest> & Record<string, unknown>;
    const resource = withZeros.resourceMetrics[0] as Record<string, unknown>;
    resource.schemaUrl = '';
    const sum = (withZeros.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0] ??
      {}) as Record<string, unknown>;
    sum.flags = 0;
    sum.exemplars = [];
    await postJson(withZeros);

    const [fromProtobuf, fromJson] = receiver.accepted();
    expect(fromJson).toEqual(fromProtobuf);
    expect(receiver.requests[1]?.jsonIssues).toEqual([]);
    expect(receiver.requests[1]?.jsonNotes).toEqual([]);
    expect(receiver.requests[1]?.contentType).toBe('application/json');
  });

  it('reports JSON that departs from OTLP/JSON instead of silently dropping it', () => {
    const { decoded, issues, notes } = decodeMetricsRequestJson({
      resource_metrics: [],
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'm',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    dataPoints: [
                      { time_unix_nano: '1', startTimeUnixNano: 5, asInt: '1', bogus: 1 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(issues).toEqual([
      '$.resource_metrics: snake_case key (OTLP/JSON wants lowerCamelCase; ignored)',
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality: enum as a string (OTLP/JSON wants the integer)',
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].time_unix_nano: snake_case key (OTLP/JSON wants lowerCamelCase; ignored)',
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].bogus: unknown field of NumberDataPoint (ignored)',
    ]);
    expect(notes).toEqual([
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].startTimeUnixNano: 64-bit integer as a JSON number (canonical: a decimal string)',
    ]);
    const [point] = flattenPoints(decoded);
    expect(point).toMatchObject({ temporality: 1, timeUnixNano: '0', startTimeUnixNano: '5' });
    // A number past 2^53 has already lost its precision when JSON.parse sees it: a violation.
    expect(
      decodeMetricsRequestJson(
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m",' +
          '"gauge":{"dataPoints":[{"timeUnixNano":1772445613000000001,"asInt":"1"}]}}]}]}]}',
      ).issues,
    ).toEqual([
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano: 64-bit integer as an inexact JSON number 1772445613000000000',
    ]);
  });

  it('decodes a gzip body', async () => {
    const bytes = encodeMetricsRequest(sampleRequest());
    const gzipped = zlib.gzipSync(bytes);
    await postProtobuf(gzipped, { 'content-encoding': 'gzip' });
    await postProtobuf(bytes);
    const [zipped, plain] = receiver.requests;
    expect(zipped).toMatchObject({
      contentEncoding: 'gzip',
      bodyBytes: gzipped.length,
      answeredStatus: 200,
    });
    expect(zipped?.body.length).toBe(bytes.length);
    expect(zipped?.decoded).toEqual(plain?.decoded);
  });

  it('refuses what it cannot decode, without using the script', async () => {
    receiver.enqueue({ status: 503 });
    expect((await postProtobuf(Uint8Array.from([0xff, 0xff, 0xff]))).status).toBe(400);
    expect((await postJson('{not json')).status).toBe(400);
    const text = await fetch(metricsUrl, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect((await fetch(metricsUrl)).status).toBe(405);
    expect(receiver.requests.map((r) => Boolean(r.decodeError))).toEqual([true, true, true, true]);
    expect(receiver.accepted()).toEqual([]);
    expect((await postProtobuf(encodeMetricsRequest(sampleRequest()))).status).toBe(503);
  });

  it('answers 413 over maxBodyBytes', async () => {
    await receiver.close();
    receiver = new OtlpReceiver({ maxBodyBytes: 100 });
    ({ metricsUrl } = await receiver.start());
    const res = await postProtobuf(encodeMetricsRequest(sampleRequest()));
    expect(res.status).toBe(413);
    expect(receiver.accepted()).toEqual([]);
  });

  it('decodes a JSON Lines MetricsData line', () => {
    const { decoded, issues } = decodeMetricsDataJson(JSON.stringify(sampleRequest()));
    expect(issues).toEqual([]);
    expect(flattenPoints(decoded)).toHaveLength(3);
  });
});

describe('flattenPoints', () => {
  it('gives one record per data point with converted attributes', async () => {
    await postProtobuf(encodeMetricsRequest(sampleRequest()));
    const [decoded] = receiver.accepted();
    expect(decoded).toBeDefined();
    const points = flattenPoints(decoded ?? { resourceMetrics: [] });
    const resource = { 'service.name': 'tokf', 'service.version': '0.2.52' };
    expect(points).toEqual([
      {
        resource,
        scope: 'tokf',
        scopeVersion: '1',
        metric: 'tokf.filter.invocations',
        unit: '{invocation}',
        description: '',
        kind: 'sum',
        temporality: 1,
        isMonotonic: true,
        startTimeUnixNano: START,
        timeUnixNano: TIME,
        attributes: {
          'tokf.command': 'cargo test',
          'tokf.exit_code': 101,
          'tokf.filter.name': 'cargo/test',
        },
        value: 1,
        valueType: 'int',
      },
      {
        resource,
        scope: 'tokf',
        scopeVersion: '1',
        metric: 'tokf.filter.duration',
        unit: 's',
        description: 'Filter time',
        kind: 'histogram',
        temporality: 1,
        startTimeUnixNano: START,
        timeUnixNano: TIME,
        attributes: { 'tokf.command': 'git status' },
        count: 2,
        sum: 0.5,
        min: 0.125,
        max: 0.375,
        bucketCounts: [0, 2, 0],
        explicitBounds: [0.1, 1],
      },
      {
        resource,
        scope: 'tokf',
        scopeVersion: '1',
        metric: 'queue.depth',
        unit: '',
        description: '',
        kind: 'gauge',
        temporality: 0,
        startTimeUnixNano: '0',
        timeUnixNano: TIME,
        attributes: { flag: false, ratio: 1.5, list: [1, 'a'] },
        value: 0.25,
        valueType: 'double',
      },
    ]);
    expect(receiver.acceptedPoints()).toEqual(points);
  });

  it('refuses a repeated attribute key and unsupported metric kinds', () => {
    const attribute = { key: 'k', value: { stringValue: 'v' }, keyStrindex: 0 };
    const request = (metric: Record<string, unknown>) => ({
      resourceMetrics: [
        {
          resource: {
            attributes: [attribute, attribute],
            droppedAttributesCount: 0,
            entityRefs: [],
          },
          scopeMetrics: [{ scope: null, metrics: [{ name: 'm', ...metric }], schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    });
    expect(() => flattenPoints(request({ gauge: { dataPoints: [] } }) as never)).toThrow(/twice/);
    const single = request({ summary: {} });
    single.resourceMetrics[0]!.resource.attributes.pop();
    expect(() => flattenPoints(single as never)).toThrow(/summary/);
  });
});

describe('scripted responses', () => {
  const body = () => encodeMetricsRequest(sampleRequest());

  it('answers in queue order, then 200', async () => {
    receiver.enqueue({ status: 503 }, { status: 200 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postProtobuf(body())).status);
    expect(statuses).toEqual([503, 200, 200]);
    expect(receiver.requests.map((r) => r.answeredStatus)).toEqual([503, 200, 200]);
    expect(receiver.accepted()).toHaveLength(2);
  });

  it('sends partial success as a real ExportMetricsServiceResponse (protobuf)', async () => {
    receiver.enqueue({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'too old' } });
    const res = await postProtobuf(body());
    expect(res.status).toBe(200);
    const type = exportResponseType();
    const decoded = type.toObject(type.decode(new Uint8Array(await res.arrayBuffer())), {
      longs: String,
    });
    expect(decoded).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: 'too old' },
    });
    expect(receiver.accepted()).toHaveLength(1);
  });

  it('sends partial success as OTLP/JSON to a JSON request', async () => {
    receiver.enqueue({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'too old' } }, {});
    const res = await postJson(sampleRequest());
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(
      '{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"too old"}}',
    );
    expect(await (await postJson(sampleRequest())).text()).toBe('{}');
  });

  it('throttles with Retry-After and a google.rpc.Status body', async () => {
    receiver.enqueue({ status: 429, retryAfter: '2' }, { status: 400, errorMessage: 'bad point' });
    const throttled = await postProtobuf(body());
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await throttled.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const bad = await postJson(sampleRequest());
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 3, message: 'bad point' });
    expect(receiver.accepted()).toEqual([]);
    expect(receiver.requests).toHaveLength(2);
  });

  it('drops the connection on reset', async () => {
    receiver.enqueue({ reset: true });
    await expect(postProtobuf(body())).rejects.toThrow();
    expect(receiver.requests[0]).toMatchObject({ outcome: 'reset' });
    expect(receiver.requests[0]?.answeredStatus).toBeUndefined();
    expect(receiver.requests[0]?.decoded).toBeDefined();
    expect(receiver.accepted()).toEqual([]);
    expect((await postProtobuf(body())).status).toBe(200);
  });

  it('delays a response', async () => {
    receiver.enqueue({ delayMs: 150, status: 200 });
    const started = Date.now();
    expect((await postProtobuf(body())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hangs until the client gives up', async () => {
    receiver.enqueue({ hangMs: 10_000 });
    await expect(postProtobuf(body(), {}, AbortSignal.timeout(150))).rejects.toThrow();
    // The server learns of the closed connection after the client has given up.
    await waitFor(() => receiver.requests[0]?.outcome !== 'pending', {
      what: 'the receiver to see the client go',
    });
    expect(receiver.requests[0]).toMatchObject({ outcome: 'abandoned' });
    expect(receiver.accepted()).toEqual([]);
  });

  it('hangs forever and still closes promptly', async () => {
    receiver.enqueue({ hangMs: Infinity });
    const pending = postProtobuf(body()).catch((error: unknown) => error);
    await receiver.waitForRequests(1);
    const started = Date.now();
    await receiver.close();
    expect(Date.now() - started).toBeLessThan(1000);
    // fetch's errors come from another realm than jest's globals: compare by name, not instanceof.
    expect(String(await pending)).toMatch(/fetch failed/);
  });

  it('waits for requests', async () => {
    const waiting = receiver.waitForRequests(2);
    await postProtobuf(body());
    await postJson(sampleRequest());
    expect(await waiting).toHaveLength(2);
    await expect(receiver.waitForRequests(3, 50)).rejects.toThrow(/2 of 3/);
  });
});

describe('replies that are not OTLP', () => {
  const body = () => encodeMetricsRequest(sampleRequest());

  it("sends a body of the test's own with its Content-Type and more headers", async () => {
    receiver.enqueue(
      { body: '<html>Please sign in</html>', contentType: 'text/html' },
      { status: 307, headers: { location: 'http://127.0.0.1:9/v1/metrics' } },
    );
    const page = await postProtobuf(body());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(await page.text()).toBe('<html>Please sign in</html>');
    const moved = await fetch(metricsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: body(),
      redirect: 'manual',
    });
    expect(moved.status).toBe(307);
    expect(moved.headers.get('location')).toBe('http://127.0.0.1:9/v1/metrics');
    // Scripted replies are answers all the same: the page was a 200, so it counts as accepted.
    expect(receiver.requests.map((r) => r.answeredStatus)).toEqual([200, 307]);
  });

  it('with decode: false, records bytes that are not OTLP and refuses none of them', async () => {
    const raw = await startOtlpReceiver({ decode: false });
    try {
      const answer = await fetch(raw.metricsUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'not otlp',
      });
      expect(answer.status).toBe(200);
      expect(raw.requests[0]).toMatchObject({ outcome: 'answered', answeredStatus: 200 });
      expect(raw.requests[0]!.decoded).toBeUndefined();
      expect(raw.requests[0]!.body.toString('utf8')).toBe('not otlp');
      expect(raw.requests[0]!.decodeError).toBeUndefined();
    } finally {
      await raw.close();
    }
  });

  it('lets the test write the reply itself, recording the request first and the status sent', async () => {
    const seenBefore: number[] = [];
    const own = await startOtlpReceiver({
      reply: (request, res) => {
        seenBefore.push(own.requests.indexOf(request));
        res.writeHead(202, { 'content-type': 'text/plain' }).end('taken');
      },
    });
    try {
      const answer = await fetch(own.metricsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: body(),
      });
      expect(answer.status).toBe(202);
      expect(await answer.text()).toBe('taken');
      expect(seenBefore).toEqual([0]);
      await waitFor(() => own.requests[0]?.outcome === 'answered', { what: 'the reply to end' });
      expect(own.requests[0]).toMatchObject({ answeredStatus: 202 });
      expect(own.requests[0]!.decoded).toBeDefined();
    } finally {
      await own.close();
    }
  });
});

describe('otlpReceiverForEachTest', () => {
  const each = otlpReceiverForEachTest({ respond: () => ({ status: 503 }) });
  const urls: string[] = [];

  it('gives a test a started receiver with the options given', async () => {
    urls.push(each.url);
    const answer = await fetch(each.metricsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeMetricsRequest(sampleRequest()),
    });
    expect(answer.status).toBe(503);
    expect(each.requests).toHaveLength(1);
  });

  it('gives the next test a fresh one, the last closed; reopen swaps in other options', async () => {
    urls.push(each.url);
    expect(each.requests).toEqual([]);
    await expect(fetch(`${urls[0]}/v1/metrics`, { method: 'POST' })).rejects.toThrow();
    await each.reopen({ maxBodyBytes: 1 });
    expect(each.url).not.toBe(urls[1]);
    const answer = await fetch(each.metricsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeMetricsRequest(sampleRequest()),
    });
    expect(answer.status).toBe(413);
  });
});
