import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSyncConfig } from '../../src/config/build-config.js';
import { resolveEndpoint } from '../../src/config/endpoint.js';
import { Agents } from '../../src/deliver/http-post.js';
import { OtlpExporter } from '../../src/deliver/otlp-exporter.js';
import { HttpTransport, type HttpTarget } from '../../src/deliver/http-transport.js';
import type { AttemptResult } from '../../src/deliver/transport.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';

/**
 * Certificates made at test time with openssl: a private CA, server certificates it issues (good,
 * expired, for another name), one self-signed, and a client certificate for mutual TLS. EC keys,
 * so that making them takes milliseconds.
 */
const dir = mkdtempSync(join(tmpdir(), 'http-transport-tls-'));
const file = (name: string) => join(dir, name);
const pem = (name: string) => readFileSync(file(name), 'utf8');
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const LOOPBACK = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

function selfSigned(name: string, extension?: string): void {
  openssl(
    ...['req', '-x509', ...NEW_KEY, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`)],
    ...['-days', '2', '-subj', `/CN=${name}`],
    ...(extension === undefined ? [] : ['-addext', extension]),
  );
}

let serial = 10;
function issued(name: string, extension: string, days = '1'): void {
  openssl(
    ...['req', ...NEW_KEY, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)],
    ...['-subj', `/CN=${name}`],
  );
  writeFileSync(file(`${name}.ext`), `${extension}\n`);
  openssl(
    ...[
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
    ],
    ...['-set_serial', String(serial++), '-days', days, '-extfile', file(`${name}.ext`)],
    ...['-out', file(`${name}.crt`)],
  );
}

selfSigned('ca');
selfSigned('self', LOOPBACK);
issued('server', LOOPBACK);
// -days -1: not after a day before now, so expired from the start (OpenSSL 3.0 has no -not_after).
issued('expired', LOOPBACK, '-1');
issued('elsewhere', 'subjectAltName=DNS:example.test');
issued('client', 'extendedKeyUsage=clientAuth');
selfSigned('stranger');

type Answer = { status: number; body?: string; contentType?: string };

/** The loopback receiver (https with `tls`, else plain http) answering every POST with `answer`. */
async function serve(
  answer: Answer,
  tls?: https.ServerOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  // The transport is sent bytes that are not OTLP: taken as they come, never refused for that.
  const receiver = await startOtlpReceiver({
    decode: false,
    ...(tls !== undefined && { tls }),
    respond: () => ({
      status: answer.status,
      body: answer.body ?? '',
      contentType: answer.contentType ?? 'text/plain',
    }),
  });
  return { url: receiver.metricsUrl, close: () => receiver.close() };
}

async function sendOnce(target: Omit<HttpTarget, 'headers' | 'timeoutMs'>): Promise<AttemptResult> {
  const transport = new HttpTransport({ headers: {}, timeoutMs: 5000, ...target });
  try {
    return await transport.send(new Uint8Array([1, 2, 3]));
  } finally {
    transport.close();
  }
}

async function against(
  server: https.ServerOptions,
  client: HttpTarget['tls'] = {},
): Promise<AttemptResult> {
  const endpoint = await serve({ status: 200 }, server);
  try {
    return await sendOnce({ url: endpoint.url, tls: client });
  } finally {
    await endpoint.close();
  }
}

/** The target as the sync command's config makes it for `url`, advice included. */
function configured(url: string): Omit<HttpTarget, 'headers' | 'timeoutMs'> {
  const endpoint = resolveEndpoint({ endpoint: url }, {});
  if (endpoint === undefined) throw new Error('no endpoint');
  return { url: endpoint.url, ...(endpoint.advice !== undefined && { advice: endpoint.advice }) };
}

describe('HttpTransport: a 404', () => {
  it('names the URL asked and where OTLP metrics usually are, without query or credentials', async () => {
    const endpoint = await serve({ status: 404, body: '404 page not found' });
    const base = endpoint.url.replace(/\/v1\/metrics$/, '');
    try {
      const result = await sendOnce(configured(`${base}/v1/metrics/v1/metrics?api_key=qs3cret`));
      expect(result).toMatchObject({ kind: 'permanent', status: 404 });
      const message = result.kind === 'permanent' ? result.message : '';
      expect(message).toContain(`nothing at ${base}/v1/metrics/v1/metrics (v1/metrics twice`);
      expect(message).toContain(`OTLP/HTTP metrics are usually at ${base}/v1/metrics`);
      expect(message).toContain(`Prometheus: ${base}/api/v1/otlp/v1/metrics`);
      expect(message).toContain(`Mimir and Grafana Cloud: ${base}/otlp/v1/metrics`);
      expect(message).toContain(`VictoriaMetrics: ${base}/opentelemetry/v1/metrics`);
      expect(message).toContain('--backend sets the path');
      expect(message).toContain('the endpoint said: 404 page not found');
      expect(message).not.toContain('qs3cret');
    } finally {
      await endpoint.close();
    }
  });

  it("keeps the user's own prefix in the suggestions", async () => {
    const endpoint = await serve({ status: 404 });
    const origin = new URL(endpoint.url).origin;
    try {
      const result = await sendOnce(configured(`${origin}/tenant/api/v1/otlp/v1/metrics`));
      const message = result.kind === 'permanent' ? result.message : '';
      expect(message).toContain(`nothing at ${origin}/tenant/api/v1/otlp/v1/metrics; `);
      expect(message).toContain(`usually at ${origin}/tenant/v1/metrics`);
      expect(message).not.toContain('v1/metrics twice');
      expect(message).not.toContain('the endpoint said');
    } finally {
      await endpoint.close();
    }
  });

  it('leaves other statuses as they were', async () => {
    for (const [status, kind] of [
      [204, 'acknowledged'],
      [401, 'permanent'],
      [503, 'retryable'],
    ] as const) {
      const endpoint = await serve({ status, body: 'said so' });
      try {
        const result = await sendOnce({ url: endpoint.url });
        expect(result).toMatchObject({ kind, status });
        if (result.kind !== 'acknowledged') expect(result.message).toBe('said so');
      } finally {
        await endpoint.close();
      }
    }
  });
});

describe('HttpTransport: TLS', () => {
  const server = { key: pem('server.key'), cert: pem('server.crt') };

  it('trusts a CA given besides the usual ones', async () => {
    expect(await against(server, { ca: pem('ca.crt') })).toMatchObject({
      kind: 'acknowledged',
      status: 200,
    });
    const agent = new Agents({ ca: pem('ca.crt') }).for(new URL('https://127.0.0.1/'), undefined);
    const ca = (agent as https.Agent).options.ca as string[];
    expect(ca).toContain(pem('ca.crt'));
    // The system's roots stay: a public endpoint still verifies with the variable set.
    expect(ca.length).toBeGreaterThan(1);
  });

  it.each<[string, https.ServerOptions, HttpTarget['tls'], RegExp]>([
    [
      'a self-signed certificate',
      { key: pem('self.key'), cert: pem('self.crt') },
      {},
      /^TLS with 127\.0\.0\.1:\d+: the endpoint's certificate is self-signed: set OTEL_EXPORTER_OTLP_CERTIFICATE \(or --certificate\) to its PEM file \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
    ],
    [
      'a private CA the server sends along',
      { key: pem('server.key'), cert: pem('server.crt') + pem('ca.crt') },
      {},
      /^TLS with 127\.0\.0\.1:\d+: the endpoint's certificate is issued by a private CA: set OTEL_EXPORTER_OTLP_CERTIFICATE .* to that CA's PEM file \(SELF_SIGNED_CERT_IN_CHAIN\)$/,
    ],
    [
      'a private CA the server does not send',
      server,
      {},
      /^TLS with 127\.0\.0\.1:\d+: the endpoint's certificate is issued by a CA this machine does not trust .*: set OTEL_EXPORTER_OTLP_CERTIFICATE .* \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/,
    ],
    [
      'a CA file that is not the issuer',
      server,
      { ca: pem('stranger.crt') },
      /^TLS with 127\.0\.0\.1:\d+: .*: the file in OTEL_EXPORTER_OTLP_CERTIFICATE \(or --certificate\) is not the issuing CA's PEM file; give that one/,
    ],
    [
      'an expired certificate',
      { key: pem('expired.key'), cert: pem('expired.crt') },
      { ca: pem('ca.crt') },
      /^TLS with 127\.0\.0\.1:\d+: the endpoint's certificate has expired: renew it on the server .*\(CERT_HAS_EXPIRED\)$/,
    ],
    [
      'a certificate for another name',
      { key: pem('elsewhere.key'), cert: pem('elsewhere.crt') },
      { ca: pem('ca.crt') },
      /^TLS with 127\.0\.0\.1:\d+: the endpoint's certificate is for another host name \(IP: 127\.0\.0\.1 is not in the cert's list; it names DNS:example\.test\): .*\(ERR_TLS_CERT_ALTNAME_INVALID\)$/,
    ],
    [
      'a server that wants a client certificate (TLS 1.3)',
      { ...server, requestCert: true, rejectUnauthorized: true, ca: pem('ca.crt') },
      { ca: pem('ca.crt') },
      /^TLS with 127\.0\.0\.1:\d+: the endpoint wants a client certificate: set OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY/,
    ],
    [
      'a server that wants a client certificate (TLS 1.2)',
      {
        ...server,
        requestCert: true,
        rejectUnauthorized: true,
        ca: pem('ca.crt'),
        maxVersion: 'TLSv1.2',
      },
      { ca: pem('ca.crt') },
      /^TLS with 127\.0\.0\.1:\d+: the endpoint ended the handshake; it may want a client certificate: set OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE .*\(EPROTO\)$/,
    ],
  ])(
    'explains %s with what to set, and does not retry',
    async (_name, serverTls, clientTls, message) => {
      const result = await against(serverTls, clientTls);
      expect(result.kind).toBe('permanent');
      expect(result.kind === 'permanent' && result.message).toMatch(message);
    },
  );

  it('sends the client certificate for mutual TLS', async () => {
    const mutual = { ...server, requestCert: true, rejectUnauthorized: true, ca: pem('ca.crt') };
    const client = { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') };
    expect(await against(mutual, client)).toMatchObject({ kind: 'acknowledged', status: 200 });
  });

  it('retries a connection dropped after a refused client certificate, naming the likely cause', async () => {
    const mutual = { ...server, requestCert: true, rejectUnauthorized: true, ca: pem('ca.crt') };
    const client = { ca: pem('ca.crt'), cert: pem('stranger.crt'), key: pem('stranger.key') };
    const result = await against(mutual, client);
    expect(result.kind).toBe('retryable');
    expect(result.kind === 'retryable' && result.message).toMatch(
      /^connection to 127\.0\.0\.1:\d+ failed \((ECONNRESET|EPIPE)\); if it persists, the endpoint may be refusing the client certificate$/,
    );
  });

  it('says so when https meets a port that speaks plain http', async () => {
    const endpoint = await serve({ status: 200 });
    try {
      const result = await sendOnce({ url: endpoint.url.replace(/^http:/, 'https:') });
      expect(result).toMatchObject({ kind: 'permanent' });
      expect(result.kind === 'permanent' && result.message).toMatch(
        /^TLS with 127\.0\.0\.1:\d+: the endpoint does not speak TLS on this port: use http:\/\/ for it/,
      );
    } finally {
      await endpoint.close();
    }
  });
});

describe('the certificate variables reach the connection', () => {
  it('delivers through the exporter to a server whose CA OTEL_EXPORTER_OTLP_CERTIFICATE names', async () => {
    const endpoint = await serve(
      { status: 200 },
      { key: pem('server.key'), cert: pem('server.crt') },
    );
    try {
      const config = buildSyncConfig(
        { endpoint: endpoint.url, otlpJsonOut: dir },
        { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.crt') },
        Date.now(),
      );
      const exporter = new OtlpExporter({
        endpoint: config.endpoint!,
        protocol: 'http/protobuf',
        compression: 'none',
        timeoutMs: 5000,
        userAgent: 'test',
        policy: { initialBackoffMs: 1, maxBackoffMs: 1, budgetMs: 0 },
      });
      try {
        await expect(exporter.send(new Uint8Array([1]))).resolves.toMatchObject({
          kind: 'acknowledged',
        });
      } finally {
        exporter.close();
      }
    } finally {
      await endpoint.close();
    }
  });
});
