/**
 * What the metrics backends of the end-to-end suite (Prometheus, VictoriaMetrics) share: a server
 * process on a free loopback port, its log kept in its temp directory, readiness by polling an
 * HTTP path, and the Prometheus HTTP query API that both answer.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const START_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Ends a peer process: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A loopback port free at the moment of asking (a start retries if it is taken since). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerSpec {
  /** For messages: `Prometheus`, `VictoriaMetrics`. */
  name: string;
  bin: string;
  /** Arguments for a given port. */
  args: (port: number) => string[];
  /** Where the log goes (`<dir>/server.log`) and the process's HOME. */
  dir: string;
  /** A path answering 200 once the server takes requests (`/-/ready`, `/health`). */
  readyPath: string;
}

/** A backend server process; `url` is its base URL, e.g. `http://127.0.0.1:40123`. */
export class ServerProcess {
  readonly url: string;
  readonly logFile: string;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.logFile = logFile;
  }

  /** Starts the server and waits until `readyPath` answers 200. Retries on a port taken since. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await ServerProcess.startOnce(spec, attempt);
      } catch (error) {
        lastError = error;
        if (!/address already in use/i.test(String(error))) throw error;
      }
    }
    throw lastError;
  }

  private static async startOnce(spec: ServerSpec, attempt: number): Promise<ServerProcess> {
    const port = await freePort();
    const logFile = path.join(spec.dir, attempt === 0 ? 'server.log' : `server-${attempt}.log`);
    const log = fs.openSync(logFile, 'w');
    const child = spawn(spec.bin, spec.args(port), {
      cwd: spec.dir,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH, HOME: spec.dir },
    });
    fs.closeSync(log);
    const server = new ServerProcess(spec.name, child, port, logFile);
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = String(signal ?? code)));
    child.on('error', (error) => (exited = error.message));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exited !== undefined)
        throw new Error(`${spec.name} exited (${exited}) before it was ready:\n${server.log()}`);
      try {
        const response = await fetch(`${server.url}${spec.readyPath}`);
        await response.arrayBuffer();
        if (response.status === 200) return server;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(
          `${spec.name} was not ready in ${START_TIMEOUT_MS} ms (${spec.readyPath}):\n${server.log()}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** The end of the server's log, for failure messages. */
  log(chars = 4000): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 15_000);
  }
}

/** One series of a query's answer: its labels (`__name__` included) and its samples. */
export interface SeriesSamples {
  metric: Record<string, string>;
  /** [epoch seconds, value] in time order: one for an instant vector, every raw sample for a range. */
  samples: [number, number][];
}

/**
 * The Prometheus HTTP query API (`/api/v1/query`, `/api/v1/label/__name__/values`), which
 * VictoriaMetrics answers too. `params` go with every request (VictoriaMetrics: `nocache=1`).
 */
export class PromQL {
  constructor(
    private readonly url: string,
    private readonly params: Record<string, string> = {},
  ) {}

  /**
   * An instant query at `time` (epoch seconds; default now). A range selector such as
   * `m{...}[1h]` gives every raw sample of the window, which is how the suite reads a series back
   * exactly as stored.
   */
  async query(expr: string, time?: number): Promise<SeriesSamples[]> {
    const body = new URLSearchParams({ query: expr, ...this.params });
    if (time !== undefined) body.set('time', String(time));
    const data = (await this.call('/api/v1/query', body)) as {
      resultType: string;
      result: {
        metric: Record<string, string>;
        value?: [number, string];
        values?: [number, string][];
      }[];
    };
    return data.result.map((r) => ({
      metric: r.metric,
      samples: (r.values ?? (r.value ? [r.value] : [])).map(([t, v]) => [Number(t), Number(v)]),
    }));
  }

  /** The value of a query that yields one number (e.g. `sum(...)`); undefined when it yields none. */
  async scalar(expr: string, time?: number): Promise<number | undefined> {
    const result = await this.query(expr, time);
    if (result.length > 1) throw new Error(`${expr}: ${result.length} series, expected one`);
    return result[0]?.samples[0]?.[1];
  }

  /** Every metric name the backend holds. */
  async metricNames(): Promise<string[]> {
    const data = (await this.call(
      '/api/v1/label/__name__/values',
      new URLSearchParams(this.params),
      'GET',
    )) as string[];
    return [...data].sort();
  }

  private async call(
    apiPath: string,
    body: URLSearchParams,
    method: 'GET' | 'POST' = 'POST',
  ): Promise<unknown> {
    const response =
      method === 'GET'
        ? await fetch(`${this.url}${apiPath}?${body.toString()}`)
        : await fetch(`${this.url}${apiPath}`, { method, body });
    const text = await response.text();
    let parsed: { status?: string; data?: unknown; error?: string };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error(`${apiPath} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    if (response.status !== 200 || parsed.status !== 'success')
      throw new Error(
        `${apiPath} (${body.get('query') ?? ''}) answered ${response.status}: ${text}`,
      );
    return parsed.data;
  }
}
