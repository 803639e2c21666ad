/**
 * examples/collector-gateway.yaml, the README's Collector gateway for many repositories, run as
 * written in the real Collector peer (test/e2e/builder-config.yaml has its otlphttp exporter and
 * file_storage extension). Only its environment variables are set; a second Collector (otlp
 * receiver, file exporter) is the backend, behind a loopback forwarder that notes the
 * Authorization header and, closed, makes the backend unreachable.
 * - telemetry-sync syncs through the gateway and every event lands in the backend;
 * - the persistent queue: with the backend away, the gateway acknowledges a second sync, is killed
 *   (SIGKILL) and started again on the same queue directory, and once the backend is back every
 *   event of that sync arrives, exactly as recorded.
 *
 * One deviation from the file, for the suite only: `--set service.telemetry.metrics.level=none`,
 * because several Collectors run at once and the default internal metrics listener (:8888) would
 * be fought over. It changes nothing about receiving, queueing or exporting.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { createTokfDb, insertEvents, makeEvents, readEvents } from '../helpers/tokf-db.js';
import { freePort, sleep, stopProcess } from './helpers/backend-process.js';
import { Collector } from './helpers/collector.js';
import { comparable, expectedPoints, instrumentTotal } from './helpers/expected.js';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';

const EXAMPLE = path.resolve('examples/collector-gateway.yaml');
const READY_LINE = 'Everything is ready';
const START_TIMEOUT_MS = 30_000;
/** The example retries from 5 s on (randomised ±50 %), so a backend back is reached within ~10 s. */
const REDELIVERY_TIMEOUT_MS = 60_000;
const FIRST_SYNC = 40;
const SECOND_SYNC = 25;
const TOKEN = 'Bearer e2e-gateway-token';
/** Only for the suite: see the header comment. */
const SUITE_ONLY_ARGS = ['--set=service.telemetry.metrics.level=none'];

/**
 * The backend's address as the gateway knows it: a loopback forwarder that notes each request's
 * Authorization header and passes the request on, byte for byte, to the backend of the moment.
 * Closed, nothing listens there: the gateway's connections are refused.
 */
class BackendDoor {
  readonly authorizations: (string | undefined)[] = [];
  private server: http.Server | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(target: string): Promise<void> {
    const server = http.createServer((req, res) => {
      this.authorizations.push(req.headers.authorization);
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502).end(String(error));
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** The example gateway in its own process, its log kept for the assertions and for failures. */
class Gateway {
  log = '';

  private constructor(private readonly child: ChildProcess) {}

  static async start(env: NodeJS.ProcessEnv, home: string): Promise<Gateway> {
    const child = spawn(peerBin('otelcol-e2e'), ['--config', EXAMPLE, ...SUITE_ONLY_ARGS], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: home, ...env },
    });
    const gateway = new Gateway(child);
    const onData = (data: Buffer): void => {
      gateway.log += data.toString();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await gateway.waitForLog(READY_LINE, START_TIMEOUT_MS);
    return gateway;
  }

  /** Poll the log for `text`; throws with the log on timeout or if the process ended. */
  async waitForLog(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`the gateway exited before logging "${text}":\n${this.log}`);
      if (Date.now() > deadline)
        throw new Error(`the gateway did not log "${text}" in ${timeoutMs} ms:\n${this.log}`);
      await sleep(100);
    }
  }

  /** A crash: no shutdown, no flush, no goodbye to the queue. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 10_000);
  }
}

function exampleComponentTypes(text: string): string[] {
  // The component ids of the extensions, receivers and exporters sections (`otlphttp/backend`
  // is of type otlphttp).
  const types: string[] = [];
  for (const name of ['extensions', 'receivers', 'exporters']) {
    const lines = text.split('\n');
    let i = lines.indexOf(`${name}:`) + 1;
    if (i === 0) throw new Error(`${EXAMPLE}: no ${name}: section`);
    for (; i < lines.length && (lines[i] === '' || /^[\s#]/.test(lines[i]!)); i++) {
      const match = /^ {2}([a-z_]+)(?:\/\S*)?:/.exec(lines[i]!);
      if (match) types.push(match[1]!);
    }
  }
  return types.sort();
}

describe('the Collector gateway example', () => {
  let dir: string;
  let db: string;
  let door: BackendDoor;
  let backend: Collector | undefined;
  let gateway: Gateway | undefined;
  let gatewayEnv: NodeJS.ProcessEnv;
  let gatewayEndpoint: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'gateway-'));
    db = path.join(dir, 'tracking.db');
    createTokfDb(db);
    backend = await Collector.start();
    door = new BackendDoor(await freePort());
    await door.open(backend.endpoint);
    const port = await freePort();
    gatewayEndpoint = `http://127.0.0.1:${port}`;
    gatewayEnv = {
      GATEWAY_ENDPOINT: `127.0.0.1:${port}`,
      GATEWAY_QUEUE_DIR: path.join(dir, 'queue'),
      BACKEND_ENDPOINT: door.url,
      BACKEND_AUTH: TOKEN,
    };
    gateway = await Gateway.start(gatewayEnv, dir);
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await backend?.stop();
    await door?.close();
    removeE2eTmpDir();
  });

  it('validates in the real Collector, which has every component it uses', () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const used = exampleComponentTypes(text);
    expect(used).toEqual(['file_storage', 'otlp', 'otlphttp']);
    const components = spawnSync(peerBin('otelcol-e2e'), ['components'], { encoding: 'utf8' });
    expect(components.status).toBe(0);
    // v0.161.0 lists the exporter as otlp_http and still takes the older name the file uses.
    const listed = used.map((type) => (type === 'otlphttp' ? 'otlp_http' : type));
    for (const type of listed) expect(components.stdout).toMatch(new RegExp(`- name: ${type}\\n`));

    const validate = spawnSync(peerBin('otelcol-e2e'), ['validate', '--config', EXAMPLE], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        BACKEND_ENDPOINT: 'https://backend.example',
        BACKEND_AUTH: TOKEN,
      },
    });
    expect({ status: validate.status, stderr: validate.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
  });

  it('passes every event of a sync on to the backend, with its Authorization', async () => {
    insertEvents(db, makeEvents(FIRST_SYNC, { seed: 3 }));
    const rows = readEvents(db);
    const run = await sync(db, ['--endpoint', gatewayEndpoint]);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', delivered: FIRST_SYNC, pending: 0 });

    const points = await backend!.waitForPoints(
      (all) => instrumentTotal(comparable(all), 'tokf.filter.invocations') >= FIRST_SYNC,
    );
    await backend!.settle();
    expect(comparable(backend!.points())).toEqual(expectedPoints(rows));
    expect(new Set(points.map((p) => p.resource['service.name']))).toEqual(
      new Set([run.result.service.name]),
    );
    expect(door.authorizations.length).toBeGreaterThan(0);
    expect(new Set(door.authorizations)).toEqual(new Set([TOKEN]));
  }, 60_000);

  it('keeps what it acknowledged through a SIGKILL while the backend is away, and delivers it', async () => {
    // The backend goes away: its Collector stops and nothing listens at its address.
    await backend!.stop();
    backend = undefined;
    await door.close();
    const requestsBefore = door.authorizations.length;

    const firstId = Math.max(...readEvents(db).map((row) => row.id)) + 1;
    insertEvents(db, makeEvents(SECOND_SYNC, { start: '2026-03-05T14:00:00Z', seed: 9 }));
    const rows = readEvents(db).filter((row) => row.id >= firstId);
    expect(rows).toHaveLength(SECOND_SYNC);
    const run = await sync(db, ['--endpoint', gatewayEndpoint]);
    // The gateway acknowledged: for telemetry-sync these events are delivered.
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', delivered: SECOND_SYNC, pending: 0 });
    // It tried the backend and was refused: the events are in its queue, nowhere else.
    await gateway!.waitForLog('connection refused', 15_000);

    await gateway!.kill();
    gateway = await Gateway.start(gatewayEnv, dir);
    backend = await Collector.start();
    await door.open(backend.endpoint);

    await backend.waitForPoints(
      (all) => instrumentTotal(comparable(all), 'tokf.filter.invocations') >= SECOND_SYNC,
      REDELIVERY_TIMEOUT_MS,
    );
    await backend.settle();
    // Exactly the second sync's events, each once: nothing lost, nothing doubled.
    expect(comparable(backend.points())).toEqual(expectedPoints(rows));
    expect(door.authorizations.length).toBeGreaterThan(requestsBefore);
    expect(new Set(door.authorizations)).toEqual(new Set([TOKEN]));
  }, 150_000);
});
