/**
 * A stock single-node VictoriaMetrics (the pinned build) for the end-to-end suite: a temp
 * `-storageDataPath`, a loopback `-httpListenAddr`, every other flag at its default (retention one
 * month). It takes OTLP/HTTP at /opentelemetry/v1/metrics and answers the Prometheus query API.
 */
import fs from 'node:fs';
import path from 'node:path';

import { PromQL, ServerProcess, sleep } from './backend-process.js';
import { e2eTmpDir, peerBin } from './peers.js';

export class VictoriaMetrics {
  /** Queries skip VictoriaMetrics' result cache, which would hide what a later run added. */
  readonly promql: PromQL;
  /** What `--endpoint` takes with `--backend victoriametrics` (the preset adds /opentelemetry). */
  readonly url: string;

  private constructor(private readonly server: ServerProcess) {
    this.url = server.url;
    this.promql = new PromQL(server.url, { nocache: '1' });
  }

  static async start(): Promise<VictoriaMetrics> {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'victoriametrics-'));
    const server = await ServerProcess.start({
      name: 'VictoriaMetrics',
      bin: peerBin('victoria-metrics'),
      dir,
      readyPath: '/health',
      args: (port) => [
        `-storageDataPath=${path.join(dir, 'data')}`,
        `-httpListenAddr=127.0.0.1:${port}`,
      ],
    });
    return new VictoriaMetrics(server);
  }

  /** Makes what was ingested searchable at once (it is otherwise buffered for a second or so). */
  async forceFlush(): Promise<void> {
    const response = await fetch(`${this.url}/internal/force_flush`);
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`force_flush answered ${response.status}: ${text}`);
  }

  /**
   * `vm_rows_ignored_total{reason="small_timestamp"}` from its own /metrics: the samples it
   * dropped for being older than its retention, after answering the request with a success. Its
   * storage metrics lag a little: with `atLeast`, waits up to 15 s for the count to get there.
   */
  async rowsIgnoredAsTooOld(atLeast = 0): Promise<number> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await fetch(`${this.url}/metrics`);
      const text = await response.text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('vm_rows_ignored_total{reason="small_timestamp"}'));
      if (line === undefined)
        throw new Error(
          'VictoriaMetrics /metrics has no vm_rows_ignored_total{reason="small_timestamp"}',
        );
      const count = Number(line.split(' ').pop());
      if (count >= atLeast || Date.now() > deadline) return count;
      await sleep(250);
    }
  }

  log(): string {
    return this.server.log();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
