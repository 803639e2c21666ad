/**
 * A real OpenTelemetry Collector (the ocb build of test/e2e/builder-config.yaml) with all three
 * signals: OTLP/HTTP in on a free loopback port, one file exporter shared by the metrics, logs and
 * traces pipelines writing what it received as OTLP JSON Lines into its own directory (rotated
 * there when `rotateMegabytes` is given). For the replay scenarios, which read that output as a
 * user's files and compare it with what a second Collector received.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

import { e2eTmpDir, peerBin } from './peers.js';

const READY_LINE = 'Everything is ready';
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

export interface FileCollectorOptions {
  /** The file exporter's `rotation.max_megabytes` (timberjack; 1 is the smallest). */
  rotateMegabytes?: number;
}

export type OtlpSignal = 'metrics' | 'logs' | 'traces';

export class FileCollector {
  /** OTLP/HTTP base URL, e.g. `http://127.0.0.1:43123` (what `--endpoint` takes). */
  readonly endpoint: string;
  /** Where the file exporter writes: `outputFile` and, with rotation, its rotated siblings. */
  readonly outputDir: string;
  /** The file exporter's live output. */
  readonly outputFile: string;
  readonly logFile: string;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess, port: number, dir: string) {
    this.child = child;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.outputDir = path.join(dir, 'out');
    this.outputFile = path.join(this.outputDir, 'received.jsonl');
    this.logFile = path.join(dir, 'collector.log');
  }

  static async start(options: FileCollectorOptions = {}): Promise<FileCollector> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await FileCollector.startOnce(options);
      } catch (error) {
        lastError = error;
        if (!/address already in use/i.test(String(error))) throw error;
      }
    }
    throw lastError;
  }

  private static async startOnce(options: FileCollectorOptions): Promise<FileCollector> {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'otelcol-'));
    const port = await freePort();
    fs.mkdirSync(path.join(dir, 'out'));
    const config = path.join(dir, 'config.yaml');
    const rotation =
      options.rotateMegabytes === undefined
        ? []
        : ['    rotation:', `      max_megabytes: ${options.rotateMegabytes}`];
    const pipeline = (signal: OtlpSignal): string[] => [
      `    ${signal}:`,
      '      receivers: [otlp]',
      '      exporters: [file]',
    ];
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
        `    path: ${JSON.stringify(path.join(dir, 'out', 'received.jsonl'))}`,
        '    format: json',
        '    flush_interval: 100ms',
        ...rotation,
        'service:',
        '  telemetry:',
        '    metrics:',
        '      level: none',
        '  pipelines:',
        ...pipeline('metrics'),
        ...pipeline('logs'),
        ...pipeline('traces'),
        '',
      ].join('\n'),
    );
    const child = spawn(peerBin('otelcol-e2e'), ['--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir },
    });
    const log = fs.createWriteStream(path.join(dir, 'collector.log'));
    child.on('close', () => log.end());
    let startLog = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the Collector did not start in ${START_TIMEOUT_MS} ms:\n${startLog}`));
      }, START_TIMEOUT_MS);
      const onData = (data: Buffer): void => {
        log.write(data);
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
    return new FileCollector(child, port, dir);
  }

  /** The exporter's files, rotated ones (oldest first, by timberjack's time stamp) then live. */
  files(): string[] {
    // timberjack names a rotated file received-2006-01-02T15-04-05.000-size.jsonl (UTC): by time.
    const names = fs.readdirSync(this.outputDir).sort();
    const live = names.filter((name) => name === 'received.jsonl');
    return [...names.filter((name) => name !== 'received.jsonl'), ...live].map((name) =>
      path.join(this.outputDir, name),
    );
  }

  /** Every complete line written so far, over all files in replay order (`.gz` ones gunzipped). */
  lines(): string[] {
    return this.files().flatMap((file) => {
      const bytes = fs.readFileSync(file);
      const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
      const lines = text.split('\n');
      lines.pop(); // cut short for now, or the empty string after the last newline
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

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
