/**
 * A real OpenTelemetry Collector (the ocb build of test/e2e/builder-config.yaml) for the end-to-end
 * suite: OTLP/HTTP in on a free loopback port, one file exporter shared by the pipelines of the
 * signals asked for, writing what it received as OTLP JSON Lines into its own directory (rotated
 * there when `rotateMegabytes` is given), read back and decoded with the official schema.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { decodeMetricsDataJson, flattenPoints } from '../../helpers/otlp-proto.js';
import type { FlatPoint } from '../../helpers/otlp-proto.js';
import { freePort, sleep, stopProcess } from './backend-process.js';
import { e2eTmpDir, peerBin } from './peers.js';

export { sleep };

/** What the Collector logs once every pipeline is listening. */
const READY_LINE = 'Everything is ready';
const START_TIMEOUT_MS = 30_000;
/** The file exporter buffers its writes; a short flush keeps the waits short. */
const FLUSH_INTERVAL = '100ms';
const POLL_MS = 100;

export interface CollectorOptions {
  /**
   * Also write every batch to the Collector's log with the debug exporter, to look at a run by eye
   * (with KEEP_E2E_TMP=1 the log stays). Default: E2E_COLLECTOR_DEBUG set.
   */
  debug?: boolean;
  /** The signals with a pipeline (default: metrics only). */
  signals?: readonly OtlpSignal[];
  /** The file exporter's `rotation.max_megabytes` (timberjack; 1 is the smallest). */
  rotateMegabytes?: number;
}

export type OtlpSignal = 'metrics' | 'logs' | 'traces';

/** The exporter's live file, in outputDir. */
const LIVE_FILE = 'received.jsonl';
/** The resource attribute of a barrier's request (see barrier()); lines() leaves its line out. */
const BARRIER_KEY = 'telemetry-sync.e2e.barrier';

export class Collector {
  /** OTLP/HTTP base URL, e.g. `http://127.0.0.1:43123` (what `--endpoint` takes). */
  readonly endpoint: string;
  /** The metrics path itself (what tokf's live exporter takes: it appends nothing). */
  readonly metricsUrl: string;
  /** Where the file exporter writes: `outputFile` and, with rotation, its rotated siblings. */
  readonly outputDir: string;
  /** The file exporter's live output. */
  readonly outputFile: string;
  /** The Collector's own stdout and stderr. */
  readonly logFile: string;
  private readonly child: ChildProcess;
  private barriers = 0;

  private constructor(
    child: ChildProcess,
    port: number,
    dir: string,
    /** A signal the Collector has a pipeline for, for barrier(). */
    private readonly barrierSignal: OtlpSignal,
  ) {
    this.child = child;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.metricsUrl = `${this.endpoint}/v1/metrics`;
    this.outputDir = path.join(dir, 'out');
    this.outputFile = path.join(this.outputDir, LIVE_FILE);
    this.logFile = path.join(dir, 'collector.log');
  }

  /** Start a Collector and wait until it listens. Retries on a port taken in between. */
  static async start(options: CollectorOptions = {}): Promise<Collector> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await Collector.startOnce(options);
      } catch (error) {
        lastError = error;
        if (!/address already in use/i.test(String(error))) throw error;
      }
    }
    throw lastError;
  }

  private static async startOnce(options: CollectorOptions): Promise<Collector> {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'otelcol-'));
    const port = await freePort();
    fs.mkdirSync(path.join(dir, 'out'));
    const outputFile = path.join(dir, 'out', LIVE_FILE);
    const config = path.join(dir, 'config.yaml');
    const debug = options.debug ?? Boolean(process.env.E2E_COLLECTOR_DEBUG);
    const exporters = debug ? ['file', 'debug'] : ['file'];
    const rotation =
      options.rotateMegabytes === undefined
        ? []
        : ['    rotation:', `      max_megabytes: ${options.rotateMegabytes}`];
    const pipelines = (options.signals ?? ['metrics']).flatMap((signal) => [
      `    ${signal}:`,
      '      receivers: [otlp]',
      `      exporters: [${exporters.join(', ')}]`,
    ]);
    fs.writeFileSync(
      config,
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        '      http:',
        `        endpoint: 127.0.0.1:${port}`,
        'exporters:',
        '  file:',
        `    path: ${JSON.stringify(outputFile)}`,
        '    format: json',
        `    flush_interval: ${FLUSH_INTERVAL}`,
        ...rotation,
        '  debug:',
        '    verbosity: detailed',
        'service:',
        // No internal metrics endpoint: several Collectors run at once and would fight over :8888.
        '  telemetry:',
        '    metrics:',
        '      level: none',
        '  pipelines:',
        ...pipelines,
        '',
      ].join('\n'),
    );
    const child = spawn(peerBin('otelcol-e2e'), ['--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir },
    });
    const logFile = fs.createWriteStream(path.join(dir, 'collector.log'));
    let startLog = '';
    child.on('close', () => logFile.end());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the Collector did not start in ${START_TIMEOUT_MS} ms:\n${startLog}`));
      }, START_TIMEOUT_MS);
      const onData = (data: Buffer): void => {
        logFile.write(data);
        if (startLog.includes(READY_LINE)) return;
        startLog += data.toString();
        if (!startLog.includes(READY_LINE)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`the Collector exited (${signal ?? code}) before it was ready:\n${startLog}`),
        );
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new Collector(child, port, dir, options.signals?.[0] ?? 'metrics');
  }

  /** The exporter's files, rotated ones (oldest first, by timberjack's time stamp) then live. */
  files(): string[] {
    // timberjack names a rotated file received-2006-01-02T15-04-05.000-size.jsonl (UTC): by time.
    const names = fs.readdirSync(this.outputDir).sort();
    const live = names.filter((name) => name === LIVE_FILE);
    return [...names.filter((name) => name !== LIVE_FILE), ...live].map((name) =>
      path.join(this.outputDir, name),
    );
  }

  /** Every complete line written so far, over all files in replay order (`.gz` ones gunzipped). */
  lines(): string[] {
    return this.fileLines().filter((line) => !line.includes(BARRIER_KEY));
  }

  /**
   * Resolves once everything the Collector answered before the call is in the file: a request sent
   * now goes through the same file exporter after them (no batching, no queue, written in order),
   * so its line in the file says they are there. For "nothing more came" checks after a sender we
   * waited for (our CLI, tokf), instead of a sleep; lines() leaves the marker's line out.
   */
  async barrier(timeoutMs = 15_000): Promise<void> {
    const id = `${BARRIER_KEY}=${process.pid}-${++this.barriers}`;
    const resource = { attributes: [{ key: BARRIER_KEY, value: { stringValue: id } }] };
    const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
    const bodies: Record<OtlpSignal, unknown> = {
      metrics: {
        resourceMetrics: [
          {
            resource,
            scopeMetrics: [
              {
                metrics: [
                  { name: 'e2e.barrier', gauge: { dataPoints: [{ timeUnixNano, asInt: '1' }] } },
                ],
              },
            ],
          },
        ],
      },
      logs: {
        resourceLogs: [
          { resource, scopeLogs: [{ logRecords: [{ timeUnixNano, body: { stringValue: id } }] }] },
        ],
      },
      traces: {
        resourceSpans: [
          {
            resource,
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                    name: id,
                    kind: 1,
                    startTimeUnixNano: timeUnixNano,
                    endTimeUnixNano: timeUnixNano,
                  },
                ],
              },
            ],
          },
        ],
      },
    };
    await this.post(this.barrierSignal, bodies[this.barrierSignal]);
    const deadline = Date.now() + timeoutMs;
    while (!this.fileLines().some((line) => line.includes(id))) {
      if (Date.now() > deadline)
        throw new Error(
          `waited ${timeoutMs} ms for the barrier ${id} to reach the exporter's file`,
        );
      await sleep(POLL_MS);
    }
  }

  private fileLines(): string[] {
    return this.files().flatMap((file) => {
      const bytes = fs.readFileSync(file);
      const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
      const lines = text.split('\n');
      // The exporter's buffer is flushed by size too, so the last line may be cut short for now.
      lines.pop();
      return lines.filter((line) => line.trim() !== '');
    });
  }

  /** Poll until at least `count` lines were written; throws with the count so far on timeout. */
  async waitForLines(count: number, timeoutMs = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.lines();
      if (lines.length >= count) return lines;
      if (Date.now() > deadline)
        throw new Error(`waited ${timeoutMs} ms for ${count} lines; ${lines.length} so far`);
      await sleep(POLL_MS);
    }
  }

  /** POST one OTLP/JSON request body to a signal's path; throws unless the answer is 200. */
  async post(signal: OtlpSignal, body: unknown): Promise<void> {
    const response = await fetch(`${this.endpoint}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`POST /v1/${signal}: ${response.status} ${text}`);
  }

  /**
   * Every data point received so far, decoded with the official schema, each with the number of
   * the exporter line it came from (one line per request received, as there is no batching).
   */
  points(): (FlatPoint & { line: number })[] {
    return this.lines().flatMap((line, index) => {
      const { decoded, issues } = decodeMetricsDataJson(line);
      if (issues.length > 0)
        throw new Error(`file exporter line ${index + 1}: ${issues.join('; ')}`);
      return flattenPoints(decoded).map((point) => ({ ...point, line: index + 1 }));
    });
  }

  /** Poll the exporter's file until `done(points)` holds; throws with what arrived on timeout. */
  async waitForPoints(
    done: (points: (FlatPoint & { line: number })[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<(FlatPoint & { line: number })[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const points = this.points();
      if (done(points)) return points;
      if (Date.now() > deadline)
        throw new Error(
          `waited ${timeoutMs} ms on the Collector; ${points.length} points in ${this.lines().length} lines so far`,
        );
      await sleep(POLL_MS);
    }
  }

  /**
   * Wait long enough for anything received to have reached the file, and for a sender whose end we
   * cannot see (a gateway's queue redelivering) to have sent stragglers. After our own CLI or tokf,
   * use barrier().
   */
  settle(): Promise<void> {
    return sleep(1000);
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 10_000);
  }
}
