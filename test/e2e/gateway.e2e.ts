/**
 * examples/collector-gateway.yaml, the README's Collector gateway for many repositories, loaded
 * into the real Collector peer. That Collector is built with the otlp receiver and the file and
 * debug exporters only (test/e2e/builder-config.yaml), not with the gateway's otlphttp exporter
 * and file_storage extension (the contrib distribution has both), and is not rebuilt for this:
 * - the whole file is decoded by the Collector, which must find nothing wrong in it but exactly
 *   those two components missing from this build;
 * - the gateway's receiving side, its `receivers:` section as written, runs in that Collector
 *   with a file exporter standing in for the backend, and telemetry-sync delivers through it.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { decodeMetricsDataJson, flattenPoints } from '../helpers/otlp-proto.js';
import { createTokfDb, insertEvents, makeEvents } from '../helpers/tokf-db.js';
import { freePort, sleep, stopProcess } from './helpers/backend-process.js';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';

const EXAMPLE = path.resolve('examples/collector-gateway.yaml');
/** The gateway's components this suite's Collector is not built with. */
const NOT_IN_E2E_BUILD = ['otlphttp', 'file_storage'];
const READY_LINE = 'Everything is ready';
const EVENTS = 40;

afterAll(removeE2eTmpDir);

/** The example's top-level section `name:` and its indented lines, as written. */
function section(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`${name}:`);
  if (start === -1) throw new Error(`${EXAMPLE}: no ${name}: section`);
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || /^[\s#]/.test(lines[end]!))) end++;
  return lines.slice(start, end).join('\n');
}

/** The component types a section names (`otlphttp/backend` is of type otlphttp). */
function componentTypes(text: string, name: string): string[] {
  return [...section(text, name).matchAll(/^ {2}([a-z_]+)(?:\/\S*)?:/gm)].map((m) => m[1]!);
}

describe('the Collector gateway example', () => {
  const text = fs.readFileSync(EXAMPLE, 'utf8');

  it('decodes in the real Collector with nothing wrong but the components this build lacks', () => {
    const components = spawnSync(peerBin('otelcol-e2e'), ['components'], { encoding: 'utf8' });
    expect(components.status).toBe(0);
    const used = ['extensions', 'receivers', 'exporters'].flatMap((s) => componentTypes(text, s));
    expect(used.sort()).toEqual(['file_storage', 'otlp', 'otlphttp']);
    const missing = used.filter(
      (type) => !new RegExp(`- name: ${type}\\n`).test(components.stdout),
    );
    expect(missing.sort()).toEqual([...NOT_IN_E2E_BUILD].sort());

    const validate = spawnSync(peerBin('otelcol-e2e'), ['validate', '--config', EXAMPLE], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: e2eTmpDir(),
        BACKEND_ENDPOINT: 'https://backend.example',
        BACKEND_AUTH: 'Bearer e2e',
      },
    });
    expect(validate.status).not.toBe(0);
    const errors = validate.stderr
      .split('\n')
      .filter((line) => line.startsWith("'"))
      .sort();
    expect(errors).toEqual([
      `'exporters' unknown type: "otlphttp" for id: "otlphttp/backend" (valid values: [debug file])`,
      `'extensions' unknown type: "file_storage" for id: "file_storage/queue" (valid values: [])`,
    ]);
  });

  it("runs the gateway's receiving side as written, and telemetry-sync delivers through it", async () => {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'gateway-'));
    const out = path.join(dir, 'received.jsonl');
    const config = path.join(dir, 'config.yaml');
    // The example's receivers verbatim; a file exporter in place of the backend's otlphttp.
    fs.writeFileSync(
      config,
      [
        section(text, 'receivers'),
        'exporters:',
        '  file:',
        `    path: ${JSON.stringify(out)}`,
        '    format: json',
        '    flush_interval: 100ms',
        'service:',
        '  telemetry:',
        '    metrics:',
        '      level: none',
        '  pipelines:',
        '    metrics:',
        '      receivers: [otlp]',
        '      exporters: [file]',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const child = spawn(peerBin('otelcol-e2e'), ['--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The example's own variable, as a deployment would set it.
      env: { PATH: process.env.PATH, HOME: dir, GATEWAY_ENDPOINT: `127.0.0.1:${port}` },
    });
    try {
      let log = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start in 30 s:\n${log}`)), 30_000);
        const onData = (d: Buffer) => {
          log += d.toString();
          if (log.includes(READY_LINE)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`the Collector exited (${code}):\n${log}`)));
      });

      const db = path.join(dir, 'tracking.db');
      createTokfDb(db);
      insertEvents(db, makeEvents(EVENTS));
      const run = await sync(db, ['--endpoint', `http://127.0.0.1:${port}`]);
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ status: 'delivered', delivered: EVENTS, pending: 0 });

      // Events of one second and series are one point whose value counts them.
      const invocations = () =>
        points
          .filter((p) => p.metric === 'tokf.filter.invocations')
          .reduce((n, p) => n + Number(p.value), 0);
      let points: ReturnType<typeof flattenPoints> = [];
      for (let waited = 0; waited < 15_000; waited += 100) {
        const lines = fs.existsSync(out)
          ? fs.readFileSync(out, 'utf8').split('\n').slice(0, -1)
          : [];
        points = lines.flatMap((line) => flattenPoints(decodeMetricsDataJson(line).decoded));
        if (invocations() >= EVENTS) break;
        await sleep(100);
      }
      expect(invocations()).toBe(EVENTS);
    } finally {
      await stopProcess(child, 10_000);
    }
  }, 60_000);
});
