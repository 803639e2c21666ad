import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, PRESETS, parseBackend } from '../../src/config/backends.js';
import { buildSyncConfig } from '../../src/config/build-config.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { UsageError } from '../../src/errors.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const build = (settings: SyncSettings, env: NodeJS.ProcessEnv = {}) =>
  buildSyncConfig({ db: '/tmp/x.db', ...settings }, env, NOW);
const urlOf = (settings: SyncSettings, env: NodeJS.ProcessEnv = {}) =>
  build(settings, env).endpoint?.url;

describe('an endpoint that already ends in /v1/metrics', () => {
  it('is used as it is, from the flag or from OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(urlOf({ endpoint: 'http://h:4318/v1/metrics' })).toBe('http://h:4318/v1/metrics');
    // A trailing slash only gets a 404 from receivers that match the path exactly.
    expect(urlOf({ endpoint: 'http://h:4318/v1/metrics/' })).toBe('http://h:4318/v1/metrics');
    expect(urlOf({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://h/otlp/v1/metrics' })).toBe(
      'https://h/otlp/v1/metrics',
    );
  });

  it('is used as it is whatever the backend, whose path it would otherwise get', () => {
    expect(urlOf({ backend: 'prometheus', endpoint: 'http://h:9090/api/v1/otlp/v1/metrics' })).toBe(
      'http://h:9090/api/v1/otlp/v1/metrics',
    );
  });

  it('still gets v1/metrics when the path only contains it further up', () => {
    expect(urlOf({ endpoint: 'http://h/v1/metrics/tenant' })).toBe(
      'http://h/v1/metrics/tenant/v1/metrics',
    );
  });
});

describe('--metrics-endpoint', () => {
  it('is used as is, nothing appended, not even the backend path', () => {
    expect(urlOf({ metricsEndpoint: 'http://h:9/ingest' })).toBe('http://h:9/ingest');
    expect(urlOf({ metricsEndpoint: 'http://h:9/ingest', backend: 'prometheus' })).toBe(
      'http://h:9/ingest',
    );
  });

  it('beats --endpoint and both variables', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:9/x',
    };
    expect(urlOf({ metricsEndpoint: 'http://m:1/y', endpoint: 'http://e:2' }, env)).toBe(
      'http://m:1/y',
    );
  });

  it('moves credentials into headers and keeps query values secret, as --endpoint does', () => {
    const endpoint = build({ metricsEndpoint: 'https://u:pw0rd@h/x?key=qsecret' }).endpoint;
    expect(endpoint?.url).toBe('https://h/x?key=qsecret');
    expect(endpoint?.headers.Authorization).toBe(
      `Basic ${Buffer.from('u:pw0rd').toString('base64')}`,
    );
    expect(endpoint?.secrets).toEqual(expect.arrayContaining(['pw0rd', 'qsecret']));
  });

  it('names itself when it is bad', () => {
    expect(() => build({ metricsEndpoint: 'ftp://h' })).toThrow(
      /^--metrics-endpoint: scheme "ftp"/,
    );
  });
});

describe('a URL without a scheme', () => {
  it.each([
    ['localhost:4318', 'localhost:4318'],
    ['127.0.0.1:4318', '127.0.0.1:4318'],
    ['collector.internal:4318/v1/metrics', 'collector.internal:4318'],
    ['[::1]:4318', '[::1]:4318'],
  ])('%s is refused with the fix', (text, hostPort) => {
    const run = () => build({ endpoint: text });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(
      `--endpoint: "${hostPort}" has no scheme; add http:// (or https:// for TLS): http://${hostPort}`,
    );
  });

  it('is refused from the variables too, naming them', () => {
    expect(() => build({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" has no scheme/,
    );
    expect(() => build({}, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'h:4318/x' })).toThrow(
      /^OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "h:4318" has no scheme/,
    );
  });

  it('echoes only the host and port, never a credential or a query', () => {
    const run = () => build({ endpoint: 'user:tok3n@host:4318/x?k=qv4l' });
    expect(run).toThrow(/--endpoint: the URL has no scheme; start it with http:\/\/ or https:\/\//);
    expect(run).toThrow(/^(?!.*(tok3n|qv4l)).*$/);
    expect(() => build({ endpoint: 'localhost:4318/x?k=qv4l' })).toThrow(/^(?!.*qv4l).*$/);
  });
});

describe('--backend', () => {
  it("knows exactly the backends the README's Backends section documents, aliases included", () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('\n## Backends\n');
    expect(start).toBeGreaterThan(-1);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    // Each backend's table is headed `| | \`--backend name\` (also \`alias\`) |`.
    const documented: string[] = [];
    const aliases: [alias: string, backend: string][] = [];
    for (const m of section.matchAll(
      /^\|\s*\|\s*`--backend ([a-z-]+)`(?: \(also `([a-z-]+)`\))?/gm,
    )) {
      documented.push(m[1]!);
      if (m[2] !== undefined) aliases.push([m[2], m[1]!]);
    }
    // The default has no table: the prose names it.
    if (section.includes('`--backend otlp`, the default')) documented.push('otlp');
    expect(documented.sort()).toEqual([...BACKENDS].sort());
    for (const backend of documented) expect(() => build({ backend, dryRun: true })).not.toThrow();
    // An alias in a table's head is that table's backend.
    expect(aliases).not.toEqual([]);
    for (const [alias, backend] of aliases)
      expect(parseBackend(alias, '--backend', Date.now())).toBe(backend);
  });

  it.each<[string, string, string]>([
    ['otlp', 'http://h:4318', 'http://h:4318/v1/metrics'],
    ['prometheus', 'http://h:9090', 'http://h:9090/api/v1/otlp/v1/metrics'],
    ['mimir', 'http://h:8080', 'http://h:8080/otlp/v1/metrics'],
    [
      'mimir',
      'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
      'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/metrics',
    ],
    ['victoriametrics', 'http://h:8428', 'http://h:8428/opentelemetry/v1/metrics'],
    ['victoriametrics', 'http://h:8428/opentelemetry/', 'http://h:8428/opentelemetry/v1/metrics'],
    ['datadog', 'https://otlp.datadoghq.eu', 'https://otlp.datadoghq.eu/v1/metrics'],
    ['newrelic', 'https://otlp.nr-data.net', 'https://otlp.nr-data.net/v1/metrics'],
    ['honeycomb', 'https://api.honeycomb.io', 'https://api.honeycomb.io/v1/metrics'],
    ['elastic', 'https://x.ingest.elastic.cloud:443', 'https://x.ingest.elastic.cloud/v1/metrics'],
  ])('%s: %s becomes %s', (backend, endpoint, url) => {
    expect(urlOf({ backend, endpoint })).toBe(url);
  });

  it('puts its path after a prefix of the base URL, and on OTEL_EXPORTER_OTLP_ENDPOINT too', () => {
    expect(urlOf({ backend: 'prometheus', endpoint: 'http://h/prom/' })).toBe(
      'http://h/prom/api/v1/otlp/v1/metrics',
    );
    expect(urlOf({ backend: 'mimir' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://m:8080' })).toBe(
      'http://m:8080/otlp/v1/metrics',
    );
    // The per-signal variable is a whole URL: it is left alone.
    expect(urlOf({ backend: 'mimir' }, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m/x' })).toBe(
      'http://m/x',
    );
  });

  it.each<[string, string, number | undefined]>([
    ['otlp', 'delta', undefined],
    ['prometheus', 'cumulative', undefined],
    ['mimir', 'cumulative', undefined],
    ['victoriametrics', 'cumulative', 31 * 24 * HOUR],
    ['datadog', 'delta', HOUR],
    ['newrelic', 'delta', 48 * HOUR],
    ['honeycomb', 'delta', undefined],
    ['elastic', 'delta', 2 * HOUR],
  ])('%s: temporality %s, max-age %s ms by default', (backend, temporality, maxAgeMs) => {
    const cfg = build({ backend, endpoint: 'http://h' });
    expect(cfg.temporality).toBe(temporality);
    expect(cfg.maxAgeMs).toBe(maxAgeMs);
  });

  it('only changes defaults: a flag, an input or a variable still wins', () => {
    const prom = { backend: 'prometheus', endpoint: 'http://h' };
    expect(build({ ...prom, temporality: 'delta' }).temporality).toBe('delta');
    expect(
      build(prom, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' }).temporality,
    ).toBe('delta');
    const dd = { backend: 'datadog', endpoint: 'http://h' };
    expect(build({ ...dd, maxAge: '30d' }).maxAgeMs).toBe(30 * 24 * HOUR);
    expect(build({ ...dd, temporality: 'cumulative' }).temporality).toBe('cumulative');
  });

  it('has its age limit lifted by --max-age none (Datadog with historical ingestion on)', () => {
    expect(build({ backend: 'datadog', endpoint: 'http://h', maxAge: 'none' }).maxAgeMs).toBe(
      undefined,
    );
    expect(build({ endpoint: 'http://h', maxAge: 'NONE' }).maxAgeMs).toBeUndefined();
    expect(() => build({ endpoint: 'http://h', maxAge: 'never' })).toThrow(
      /^--max-age: "never" is not a duration \(such as 90m, 1h, 7d\) or none$/,
    );
  });

  it('takes names as people write them, and refuses others with the list', () => {
    expect(build({ backend: ' VictoriaMetrics ', dryRun: true }).temporality).toBe('cumulative');
    expect(urlOf({ backend: 'grafana-cloud', endpoint: 'https://g/otlp' })).toBe(
      'https://g/otlp/v1/metrics',
    );
    expect(urlOf({ backend: 'new_relic', endpoint: 'https://n' })).toBe('https://n/v1/metrics');
    const run = () => build({ backend: 'influx', dryRun: true });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(`--backend: "influx" is not a backend (use one of ${BACKENDS.join(', ')})`);
  });

  it('applies without an endpoint too: temporality and age shape the OTLP/JSON file', () => {
    expect(build({ backend: 'prometheus', otlpJsonOut: 'out' }).temporality).toBe('cumulative');
  });

  it('has a preset for every backend it names', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...BACKENDS].sort());
  });
});

describe('TLS files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-config-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  for (const name of ['ca', 'client', 'other']) {
    openssl(
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '1'],
      ...['-subj', `/CN=${name}`],
    );
  }
  const read = (name: string) => readFileSync(file(name), 'utf8');
  writeFileSync(file('both.pem'), read('client.crt') + read('client.key'));
  writeFileSync(file('garbage.pem'), 'not a certificate\n');
  writeFileSync(
    file('broken.crt'),
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  );
  openssl(
    'ec',
    '-in',
    file('client.key'),
    '-aes256',
    '-passout',
    'pass:pw',
    '-out',
    file('enc.key'),
  );
  const https = { endpoint: 'https://h:4318' };

  it('reads the CA, the client certificate and key into the endpoint config, as PEM', () => {
    const tls = build(https, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.crt'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.crt'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.key'),
    }).endpoint?.tls;
    expect(tls).toEqual({ ca: read('ca.crt'), cert: read('client.crt'), key: read('client.key') });
  });

  it('takes the metrics variables over the general ones, and the flags over both', () => {
    const env = {
      OTEL_EXPORTER_OTLP_CERTIFICATE: file('other.crt'),
      OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: file('ca.crt'),
    };
    expect(build(https, env).endpoint?.tls?.ca).toBe(read('ca.crt'));
    expect(build({ ...https, certificate: file('client.crt') }, env).endpoint?.tls?.ca).toBe(
      read('client.crt'),
    );
  });

  it('takes the key from the certificate file when it holds both', () => {
    const tls = build({ ...https, clientCertificate: file('both.pem') }).endpoint?.tls;
    expect(tls).toEqual({ cert: read('both.pem'), key: read('both.pem') });
  });

  it('leaves the endpoint without TLS files when none are given', () => {
    expect(build(https).endpoint).not.toHaveProperty('tls');
  });

  it('does not read the files when there is no endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_CERTIFICATE: file('missing.crt') };
    expect(build({ otlpJsonOut: 'out' }, env).endpoint).toBeUndefined();
  });

  it.each<[string, SyncSettings, NodeJS.ProcessEnv, string | RegExp]>([
    [
      'missing file',
      {},
      { OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/ca.pem' },
      'OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read "/nonexistent/ca.pem": no such file',
    ],
    [
      'a directory',
      {},
      { OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: dir },
      `OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: cannot read "${dir}": it is a directory`,
    ],
    [
      'not PEM',
      { certificate: file('garbage.pem') },
      {},
      /^--certificate: ".*garbage\.pem" holds no PEM certificate/,
    ],
    [
      'a broken certificate',
      {},
      { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('broken.crt') },
      /^OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: the certificate in ".*broken\.crt" cannot be read/,
    ],
    [
      'a certificate for a key',
      { clientCertificate: file('client.crt') },
      { OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.crt') },
      /^OTEL_EXPORTER_OTLP_CLIENT_KEY: ".*client\.crt" holds no PEM private key/,
    ],
    [
      'an encrypted key',
      { clientCertificate: file('client.crt'), clientKey: file('enc.key') },
      {},
      /^--client-key: the key in ".*enc\.key" is protected by a passphrase/,
    ],
    [
      'a certificate without its key',
      {},
      { OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: file('client.crt') },
      'OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: a client certificate needs its private key: give --client-key or OTEL_EXPORTER_OTLP_CLIENT_KEY',
    ],
    [
      'a key without its certificate',
      { clientKey: file('client.key') },
      {},
      '--client-key: a client key needs its certificate: give --client-certificate or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
    ],
    [
      'a key of another certificate',
      { clientCertificate: file('client.crt'), clientKey: file('other.key') },
      {},
      '--client-key: this key does not belong to the client certificate (--client-certificate)',
    ],
  ])('%s is a usage error naming the setting', (_name, settings, env, message) => {
    const run = () => build({ ...https, ...settings }, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it('never puts key material in an error', () => {
    const bodies = ['client.key', 'other.key'].map((name) => read(name).split('\n')[1]!);
    const run = () =>
      build({ ...https, clientCertificate: file('client.crt'), clientKey: file('other.key') });
    expect(run).toThrow(UsageError);
    for (const body of bodies) expect(run).toThrow(new RegExp(`^(?!.*${body.slice(0, 20)})`));
  });
});
