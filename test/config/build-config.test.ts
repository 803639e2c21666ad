import { buildSyncConfig } from '../../src/config/build-config.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { UsageError } from '../../src/errors.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const base: SyncSettings = { db: '/tmp/x.db', endpoint: 'http://collector:4318' };
const build = (settings: SyncSettings, env: NodeJS.ProcessEnv = {}) =>
  buildSyncConfig(settings, env, NOW);

describe('buildSyncConfig: endpoint rules', () => {
  it('appends v1/metrics to a base endpoint from the flag, with or without a trailing slash', () => {
    expect(build(base).endpoint?.url).toBe('http://collector:4318/v1/metrics');
    expect(build({ ...base, endpoint: 'https://otlp.example.com/otlp/' }).endpoint?.url).toBe(
      'https://otlp.example.com/otlp/v1/metrics',
    );
  });

  it('appends v1/metrics to OTEL_EXPORTER_OTLP_ENDPOINT and uses the per-signal variable as is', () => {
    expect(build({ db: 'x' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' }).endpoint?.url).toBe(
      'http://a:4318/v1/metrics',
    );
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:9/custom',
    };
    expect(build({ db: 'x' }, env).endpoint?.url).toBe('http://b:9/custom');
  });

  it('lets the flag beat both variables', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:9/x',
    };
    expect(build(base, env).endpoint?.url).toBe('http://collector:4318/v1/metrics');
  });

  it('merges headers: general, then per-signal, then flag, case-insensitively, percent-decoded', () => {
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=general,x-team=a%20b',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'API-KEY=metrics',
    };
    expect(build(base, env).endpoint?.headers).toEqual({ 'API-KEY': 'metrics', 'x-team': 'a b' });
    expect(build({ ...base, headers: 'api-key=flag' }, env).endpoint?.headers).toEqual({
      'api-key': 'flag',
      'x-team': 'a b',
    });
  });

  it('moves URL credentials into a Basic Authorization header and lists every secret', () => {
    const cfg = build({
      ...base,
      endpoint: 'https://user:s3cr%40t@otlp.example.com?api_key=qtoken',
      headers: 'x-key=hv',
    });
    expect(cfg.endpoint?.url).toBe('https://otlp.example.com/v1/metrics?api_key=qtoken');
    expect(cfg.endpoint?.headers.Authorization).toBe(
      `Basic ${Buffer.from('user:s3cr@t').toString('base64')}`,
    );
    expect(cfg.endpoint?.secrets).toEqual(
      expect.arrayContaining(['hv', 's3cr@t', 's3cr%40t', 'qtoken']),
    );
  });

  it('has no endpoint when none is given, which needs a file or a dry run', () => {
    expect(build({ db: 'x', otlpJsonOut: 'out' }).endpoint).toBeUndefined();
    expect(build({ db: 'x', dryRun: true }).endpoint).toBeUndefined();
    expect(() => build({ db: 'x' })).toThrow(/nothing to do/);
  });
});

describe('buildSyncConfig: defaults and precedence', () => {
  it('defaults to http/protobuf, gzip, a 10 s timeout, batches of 2000 and service.name tokf', () => {
    const cfg = build(base);
    expect(cfg).toMatchObject({
      protocol: 'http/protobuf',
      compression: 'gzip',
      timeoutMs: 10000,
      batchSize: 2000,
      dryRun: false,
      resource: { 'service.name': 'tokf' },
    });
    expect(cfg.since).toBeUndefined();
    expect(cfg.limit).toBeUndefined();
  });

  it('reads protocol, compression and timeout from per-signal, then general variables, flags first', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    };
    expect(build(base, env)).toMatchObject({
      protocol: 'http/json',
      compression: 'none',
      timeoutMs: 2500,
    });
    expect(build({ ...base, protocol: 'http/protobuf', timeout: '700' }, env)).toMatchObject({
      protocol: 'http/protobuf',
      timeoutMs: 700,
    });
  });

  it('resolves service.name: flag, flag attributes, env attributes as tokf reads them, default', () => {
    const env = {
      OTEL_SERVICE_NAME: 'not-read',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-env,team=core',
    };
    expect(build(base, env).resource).toEqual({ 'service.name': 'attr-env', team: 'core' });
    expect(
      build({ ...base, resourceAttributes: 'service.name=attr-flag' }, env).resource[
        'service.name'
      ],
    ).toBe('attr-flag');
    expect(
      build({ ...base, serviceName: 'flag', resourceAttributes: 'service.name=attr-flag' }, env)
        .resource['service.name'],
    ).toBe('flag');
    expect(build(base, { OTEL_SERVICE_NAME: 'not-read' }).resource['service.name']).toBe('tokf');
    expect(build({ ...base, serviceVersion: '0.2.52' }).resource['service.version']).toBe('0.2.52');
  });

  it('takes since, until and limit', () => {
    const cfg = build({ ...base, since: '2026-03-01', until: '24h', limit: '50' });
    expect(cfg.since).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(cfg.until).toBe(NOW - 86_400_000);
    expect(cfg.limit).toBe(50);
  });

  it('treats blank settings as not given, so blank action inputs fall back to the environment', () => {
    const cfg = build(
      { db: 'x', endpoint: ' ', protocol: '', limit: '' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://e:4318' },
    );
    expect(cfg.endpoint?.url).toBe('http://e:4318/v1/metrics');
    expect(cfg.protocol).toBe('http/protobuf');
  });
});

describe('buildSyncConfig: bad values are specific usage errors', () => {
  it.each<[string, SyncSettings, NodeJS.ProcessEnv, RegExp]>([
    ['grpc', { protocol: 'grpc' }, {}, /--protocol: gRPC is not supported; use http\/protobuf/],
    [
      'grpc from env',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /^OTEL_EXPORTER_OTLP_PROTOCOL: gRPC is not supported/,
    ],
    ['unknown protocol', { protocol: 'http/xml' }, {}, /--protocol: "http\/xml" is not a protocol/],
    ['compression', { compression: 'zstd' }, {}, /--compression: "zstd"/],
    ['timeout', { timeout: '10s' }, {}, /--timeout \(milliseconds\): "10s" is not a whole number/],
    ['zero timeout', { timeout: '0' }, {}, /out of range/],
    ['env timeout', {}, { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, /^OTEL_EXPORTER_OTLP_TIMEOUT/],
    ['zero batch', { batchSize: '0' }, {}, /--batch-size: 0 is out of range/],
    [
      'negative limit',
      { limit: '-5' },
      {},
      /^--limit: -5 is out of range; it takes a whole number of 1 or more$/,
    ],
    [
      'negative timeout',
      { timeout: '-1' },
      {},
      /^--timeout \(milliseconds\): -1 is out of range; it takes a whole number from 1 to 600000$/,
    ],
    [
      'negative max-age',
      { maxAge: '-2d' },
      {},
      /^--max-age: -2d is out of range; it takes a duration longer than zero/,
    ],
    ['text limit', { limit: 'ten' }, {}, /--limit: "ten"/],
    ['since', { since: 'last tuesday' }, {}, /^--since: "last tuesday" is not a date/],
    [
      'until before since',
      { since: '2026-03-05', until: '2026-03-04' },
      {},
      /--until must be later than --since/,
    ],
    [
      'until equal since',
      { since: '2026-03-05', until: '2026-03-05' },
      {},
      /--until must be later/,
    ],
    ['endpoint', { endpoint: 'not a url' }, {}, /^--endpoint: not a valid URL/],
    ['endpoint scheme', { endpoint: 'ftp://x' }, {}, /scheme "ftp" is not supported/],
    [
      'env endpoint',
      { endpoint: '' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: '::' },
      /^OTEL_EXPORTER_OTLP_ENDPOINT: not a valid URL/,
    ],
    ['headers', { headers: 'novalue' }, {}, /^--headers: item 1 has no "="/],
    [
      'env headers',
      {},
      { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b' },
      /^OTEL_EXPORTER_OTLP_HEADERS: item 2/,
    ],
    ['header name', { headers: 'bad name=1' }, {}, /"bad name" is not a valid HTTP header name/],
    ['resource attributes', { resourceAttributes: 'x' }, {}, /^--resource-attributes: item 1/],
  ])('%s', (_name, settings, env, message) => {
    const run = () => build({ ...base, ...settings }, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it.each([
    [
      'a control character',
      'Authorization=Bearer%20s3cr%01et',
      'Authorization',
      /a control character \(U\+0001\) at position 12/,
    ],
    ['DEL', 'X-Key=s3cr%7Fet', 'X-Key', /a control character \(U\+007F\)/],
    ['a line break', 'X-Key=s3cr%0Aet', 'X-Key', /a line break \(U\+000A\)/],
    ['a character beyond Latin-1', 'X-Key=s3cr%E2%82%ACet', 'X-Key', /outside Latin-1/],
  ])(
    'a header value with %s is refused at once, the header named, its value never',
    (_what, headers, name, why) => {
      const run = () => build({ ...base, headers });
      expect(run).toThrow(UsageError);
      expect(run).toThrow(new RegExp(`^--headers: the value of "${name}" contains`));
      expect(run).toThrow(why);
      expect(run).toThrow(/^(?!.*s3cr).*$/s);
    },
  );

  it('tabs, spaces and Latin-1 bytes are values HTTP allows', () => {
    expect(build({ ...base, headers: 'X-Key=a%09b c%C3%A9' }).endpoint?.headers['X-Key']).toBe(
      'a\tb cé',
    );
  });

  it('never echoes a malformed endpoint, which may carry a token', () => {
    expect(() => build({ ...base, endpoint: 'https://tok3n@@@ bad' })).toThrow(/^(?!.*tok3n).*$/);
  });
});

describe('temporality and the retry budget', () => {
  const NOW = Date.parse('2026-03-10T12:00:00Z');
  const build = (settings: SyncSettings, env: NodeJS.ProcessEnv = {}) =>
    buildSyncConfig({ otlpJsonOut: 'out', ...settings }, env, NOW);

  it('defaults to delta and 120 s', () => {
    expect(build({})).toMatchObject({ temporality: 'delta', retryBudgetMs: 120_000 });
  });

  it('reads the SDK variable, lowmemory meaning delta for counters and histograms, the flag first', () => {
    const env = (v: string) => ({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: v });
    expect(build({}, env('Cumulative')).temporality).toBe('cumulative');
    expect(build({}, env('lowmemory')).temporality).toBe('delta');
    expect(build({ temporality: 'delta' }, env('cumulative')).temporality).toBe('delta');
  });

  it('refuses what is neither, naming where it came from', () => {
    expect(() => build({ temporality: 'sometimes' })).toThrow(
      '--temporality: "sometimes" is not a temporality (use delta or cumulative)',
    );
    expect(() => build({}, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'x' })).toThrow(
      /^OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: "x" is not a temporality/,
    );
    expect(() => build({ retryBudget: '0s' })).toThrow(
      /--retry-budget: 0s is out of range; it takes a duration longer than zero/,
    );
  });

  it('takes a retry budget as a duration', () => {
    expect(build({ retryBudget: '30s' }).retryBudgetMs).toBe(30_000);
    expect(build({ retryBudget: '1h' }).retryBudgetMs).toBe(3_600_000);
  });
});
