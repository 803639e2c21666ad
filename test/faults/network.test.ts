/**
 * The network as it really is, through the bundled CLI: a real proxy (tinyproxy, started and
 * stopped here), endpoints that answer with something other than OTLP, a response body of 1 GB,
 * and errors that must name the host and proxy they concern. Every run that does not deliver
 * leaves every event pending, checked in the database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatus } from '../../src/engine/index.js';
import { logsLine, markersOf } from '../helpers/jsonl-files.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { makeTestCa } from '../helpers/test-ca.js';
import { NO_TINYPROXY, startTinyproxy, TINYPROXY, type Tinyproxy } from '../helpers/tinyproxy.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { distinctEventsDb } from './fault-kit.js';

const N = 12;
const USER = 'bob';
const PASSWORD = 'pr0xy-s3cretpw';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
afterAll(removeTmpDirs);

/** Neither the proxy password nor its Basic token may appear anywhere a person could read. */
function expectNoProxySecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(BASIC);
  }
}

function pendingOf(db: string): { pending: number; delivered: number } {
  const status = readStatus(db, Date.now());
  return { pending: status.pending.count, delivered: status.delivered };
}

const sync = (db: string, url: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  runCli(['sync', '--db', db, '--endpoint', url, '--json', ...args], env);

if (TINYPROXY === undefined) console.warn(NO_TINYPROXY);
const withProxy = TINYPROXY === undefined ? describe.skip : describe;

withProxy('through a real proxy (tinyproxy, Basic credentials)', () => {
  let proxy: Tinyproxy;
  let receiver: OtlpReceiver;
  let tlsReceiver: OtlpReceiver;
  const ca = makeTestCa();
  const proxyUrl = () => `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}`;

  beforeAll(async () => {
    proxy = await startTinyproxy({ user: USER, password: PASSWORD });
    receiver = await startOtlpReceiver();
    tlsReceiver = await startOtlpReceiver({ tls: ca.server });
  });
  afterAll(async () => {
    await proxy?.stop();
    await receiver?.close();
    await tlsReceiver?.close();
  });
  beforeEach(() => {
    receiver.clear();
    tlsReceiver.clear();
  });

  it('sync: an http endpoint through HTTP_PROXY (absolute URL), credentials never shown', async () => {
    const db = distinctEventsDb(N);
    const run = await sync(db, receiver.url, { HTTP_PROXY: proxyUrl() });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'delivered', delivered: N });
    expect(pendingOf(db)).toEqual({ pending: 0, delivered: N });
    const port = new URL(receiver.url).port;
    expect(proxy.log()).toContain(`POST http://127.0.0.1:${port}/v1/metrics`);
    // The proxy took its credentials; the endpoint never saw them.
    for (const r of receiver.requests) expect(r.headers['proxy-authorization']).toBeUndefined();
    expectNoProxySecret(run.stdout, run.stderr);
  });

  it('sync: an https endpoint through https_proxy (CONNECT), trusting a test CA', async () => {
    const db = distinctEventsDb(N);
    const run = await sync(db, tlsReceiver.url, {
      https_proxy: proxyUrl(),
      OTEL_EXPORTER_OTLP_CERTIFICATE: ca.caFile,
    });
    expect([run.code, run.stderr]).toEqual([0, expect.any(String)]);
    expect(pendingOf(db)).toEqual({ pending: 0, delivered: N });
    expect(tlsReceiver.accepted().length).toBeGreaterThan(0);
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(tlsReceiver.url).port}`);
    expectNoProxySecret(run.stdout, run.stderr);
  });

  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'localhost,127.0.0.1:PORT'],
    ['NO_PROXY', '*'],
  ])('sync: %s=%s sends directly, the proxy never asked', async (name, list) => {
    const port = new URL(receiver.url).port;
    const before = proxy.log().length;
    const db = distinctEventsDb(N);
    const run = await sync(db, receiver.url, {
      HTTP_PROXY: proxyUrl(),
      HTTPS_PROXY: proxyUrl(),
      [name]: list.replace('PORT', port),
    });
    expect(run.code).toBe(0);
    expect(pendingOf(db)).toEqual({ pending: 0, delivered: N });
    expect(proxy.log().slice(before)).not.toContain(`127.0.0.1:${port}`);
  });

  it('sync: a proxy that refuses the credentials leaves every event pending and says which proxy', async () => {
    const db = distinctEventsDb(N);
    const run = await sync(db, receiver.url, {
      HTTP_PROXY: `http://${USER}:wr0ng-pw@127.0.0.1:${proxy.port}`,
    });
    expect(run.code).toBe(1);
    expect(pendingOf(db)).toEqual({ pending: N, delivered: 0 });
    // tinyproxy answers refused credentials with 401, which then comes from the proxy, not the
    // endpoint: the message says which proxy the request went through.
    expect(run.stderr).toMatch(/HTTP 40[17]/);
    expect(run.stderr).toContain(
      `through the proxy http://127.0.0.1:${proxy.port}/ from HTTP_PROXY`,
    );
    expect(run.stderr + run.stdout).not.toContain('wr0ng-pw');
    expect(receiver.requests).toHaveLength(0);
  });

  it('sync: CONNECT without credentials: the proxy wants some, and the message says where they go', async () => {
    const db = distinctEventsDb(N);
    const run = await sync(db, tlsReceiver.url, {
      HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`,
      OTEL_EXPORTER_OTLP_CERTIFICATE: ca.caFile,
    });
    expect(run.code).toBe(1);
    expect(pendingOf(db)).toEqual({ pending: N, delivered: 0 });
    expect(run.stderr).toContain(
      `the proxy http://127.0.0.1:${proxy.port}/ (from HTTPS_PROXY) wants credentials (407): give them in the proxy URL`,
    );
  });

  it('replay: log lines to an https endpoint through the proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'net-replay-'));
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, `${logsLine('a')}\n${logsLine('b')}\n`);
    const run = await runCli(
      ['replay', file, '--endpoint', tlsReceiver.url, '--state', join(dir, 's.db'), '--json'],
      { HTTPS_PROXY: proxyUrl(), OTEL_EXPORTER_OTLP_CERTIFICATE: ca.caFile },
    );
    expect([run.code, run.stderr]).toEqual([0, expect.any(String)]);
    expect(markersOf(tlsReceiver.requests)).toEqual(['a#0', 'b#0']);
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(tlsReceiver.url).port}`);
    expectNoProxySecret(run.stdout, run.stderr);
  });
});

describe('network errors name the host tried and the proxy', () => {
  it('a proxy that is down: the proxy, the variable and the endpoint host', async () => {
    const down = await startOtlpReceiver();
    const proxyPort = new URL(down.url).port;
    await down.close();
    const db = distinctEventsDb(3);
    const run = await sync(
      db,
      'http://otlp.example.com:4318',
      { HTTP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxyPort}` },
      '--retry-budget',
      '1s',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `connection to the proxy http://127.0.0.1:${proxyPort}/ (from HTTP_PROXY) for otlp.example.com:4318 failed (ECONNREFUSED)`,
    );
    expectNoProxySecret(run.stdout, run.stderr);
    expect(pendingOf(db)).toEqual({ pending: 3, delivered: 0 });
  });

  it('a host that does not resolve: named, with the proxy hint', async () => {
    const db = distinctEventsDb(3);
    const run = await sync(db, 'http://no-such-host.invalid:4318', {}, '--retry-budget', '1s');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'cannot resolve the host name no-such-host.invalid (ENOTFOUND): check the endpoint',
    );
    expect(run.stderr).toContain('set HTTPS_PROXY');
  });
});

/** The loopback receiver, writing every reply itself with `answer` (a page, not OTLP). */
const page = (answer: (res: http.ServerResponse) => void) =>
  startOtlpReceiver({ reply: (_request, res) => answer(res) });

describe('replies that are not OTLP leave every event pending', () => {
  it.each([
    [
      'a login page (200 text/html)',
      'text/html; charset=utf-8',
      '<!DOCTYPE html><html><head><title>Please sign in</title></head><body>SSO</body></html>',
    ],
    ['another JSON shape (200 application/json)', 'application/json', '{"ok":true,"id":"abc"}'],
  ])('%s: one request, exit 1, nothing delivered', async (_name, type, body) => {
    const server = await startOtlpReceiver({ respond: () => ({ body, contentType: type }) });
    try {
      const db = distinctEventsDb(30);
      const run = await sync(db, server.url, {}, '--batch-size', '10');
      expect(run.code).toBe(1);
      expect(pendingOf(db)).toEqual({ pending: 30, delivered: 0 });
      // Stopped at once: no retry, no bisection, no later batch.
      expect(server.requests.length).toBe(1);
      expect(run.stderr).toContain('HTTP 200: not an OTLP endpoint');
      expect(run.stderr).toContain(`Content-Type ${type}`);
      expect(run.stderr).toContain(body.slice(0, 30));
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', delivered: 0 });
    } finally {
      await server.close();
    }
  });

  it('replay: the same page stops the replay with the line pending', async () => {
    const server = await startOtlpReceiver({
      respond: () => ({ body: '<html>Please sign in</html>', contentType: 'text/html' }),
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'net-replay-'));
      const file = join(dir, 'app.jsonl');
      writeFileSync(file, `${logsLine('a')}\n${logsLine('b')}\n`);
      const args = ['replay', file, '--endpoint', server.url, '--state', join(dir, 's.db')];
      const run = await runCli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('not an OTLP endpoint');
      expect(server.requests.length).toBe(1);
      // Nothing was recorded as acknowledged: a healthy endpoint gets both lines.
      const healthy = await startOtlpReceiver();
      try {
        const again = await runCli([
          ...args.slice(0, 2),
          '--endpoint',
          healthy.url,
          ...args.slice(4),
        ]);
        expect(again.code).toBe(0);
        expect(markersOf(healthy.requests)).toEqual(['a#0', 'b#0']);
      } finally {
        await healthy.close();
      }
    } finally {
      await server.close();
    }
  });
});

describe('Retry-After: 0 from an endpoint that is always busy', () => {
  it('a handful of requests spaced by the backoff, and the run ends within its budget', async () => {
    const server = await page((res) => res.writeHead(503, { 'Retry-After': '0' }).end('busy'));
    try {
      const db = distinctEventsDb(3);
      const started = Date.now();
      const run = await sync(db, server.url, {}, '--retry-budget', '5s', '--timeout', '1000');
      const elapsed = Date.now() - started;
      expect(run.code).toBe(1);
      // Waits of 0.5-1 s, 1-2 s, 2-4 s: at most 4 attempts fit with a 1 s timeout each.
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
      expect(server.requests.length).toBeLessThanOrEqual(4);
      // The budget and the process's start and summary: nothing near a budget plus a timeout.
      expect(elapsed).toBeLessThan(5000 + 2000);
      expect(run.stderr).toMatch(/HTTP 503: busy; gave up after \d attempts/);
      expect(pendingOf(db)).toEqual({ pending: 3, delivered: 0 });
    } finally {
      await server.close();
    }
  });
});

describe('advice for the command and signal running', () => {
  it('replay against a 404: the logs path and variable, no --backend (replay has none)', async () => {
    const server = await page((res) => res.writeHead(404).end('404 page not found'));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'net-replay-'));
      const file = join(dir, 'app.jsonl');
      writeFileSync(file, `${logsLine('a')}\n`);
      const run = await runCli([
        'replay',
        file,
        '--endpoint',
        `${server.url}/api`,
        '--state',
        join(dir, 's.db'),
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`nothing at ${server.url}/api/v1/logs`);
      expect(run.stderr).toContain(`OTLP/HTTP logs are usually at ${server.url}/api/v1/logs`);
      expect(run.stderr).toContain('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT takes the whole URL');
      expect(run.stderr).not.toContain('--backend');
      expect(run.stderr).not.toContain('metrics');
    } finally {
      await server.close();
    }
  });

  it('sync of logs against a 404: the logs path, nothing about metrics backends', async () => {
    const server = await page((res) => res.writeHead(404).end());
    try {
      const db = distinctEventsDb(3);
      const run = await runCli(
        ['sync', '--db', db, '--signals', 'logs', '--endpoint', server.url],
        {},
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`OTLP/HTTP logs are usually at ${server.url}/v1/logs`);
      expect(run.stderr).not.toContain('Prometheus');
    } finally {
      await server.close();
    }
  });
});

/** Peak resident memory of a command in kB, from GNU time, or by watching /proc on Linux. */
function peakRssKb(
  args: string[],
): Promise<{ code: number | null; stderr: string; peakKb: number }> {
  const useTime = existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const child = useTime
      ? spawn('/usr/bin/time', ['-v', process.execPath, CLI, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let watched = 0;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const timer = useTime
      ? undefined
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            watched = Math.max(watched, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
          } catch {
            // Gone already.
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer !== undefined) clearInterval(timer);
      const fromTime = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ code, stderr, peakKb: useTime ? fromTime : watched });
    });
  });
}

describe('a 1 GB response body', () => {
  it('is read only 4 MiB deep: peak RSS under 200 MB, every event pending, within the timeout', async () => {
    const GB = 1 << 30;
    const chunk = Buffer.alloc(1 << 20, 0x3c);
    let offered = 0;
    const server = await page((res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': String(GB) });
      // The same megabyte, again and again, as fast as the client takes it: 1 GB never exists.
      const pump = () => {
        while (offered < GB && !res.destroyed) {
          offered += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    try {
      const db = distinctEventsDb(N);
      const started = Date.now();
      const run = await peakRssKb([
        'sync',
        '--db',
        db,
        '--endpoint',
        server.url,
        '--timeout',
        '20000',
      ]);
      const elapsed = Date.now() - started;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('not an OTLP endpoint');
      expect(run.stderr).toContain('far longer than any OTLP response');
      expect(run.peakKb).toBeGreaterThan(0);
      expect(run.peakKb * 1024).toBeLessThan(200 * 1000 * 1000);
      expect(elapsed).toBeLessThan(20_000);
      // Far from the whole gigabyte went out before the client hung up.
      expect(offered).toBeLessThan(GB / 4);
      expect(pendingOf(db)).toEqual({ pending: N, delivered: 0 });
      console.log(
        `1 GB body: peak RSS ${Math.round(run.peakKb / 1024)} MiB, ${elapsed} ms, ${Math.round(offered / (1 << 20))} MiB offered`,
      );
    } finally {
      await server.close();
    }
  });
});
