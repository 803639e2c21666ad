/**
 * A stock Prometheus (the pinned build) for the end-to-end suite, and its promtool. Live: the OTLP
 * receiver on (`--web.enable-otlp-receiver`, the only non-default flag) and a scrape of itself
 * every second, so that its head's newest time is now, as in a server that scrapes anything: the
 * head takes samples back to about an hour before that, which is the horizon our too-old search
 * meets. Backfilled: started on the blocks promtool made, scraping nothing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { PromQL, ServerProcess, sleep } from './backend-process.js';
import { e2eTmpDir, peerBin } from './peers.js';

export interface PrometheusOptions {
  /** The TSDB directory; default a fresh one. Give promtool's output to serve backfilled blocks. */
  storage?: string;
  /** Scrape itself every second (default true). */
  scrapeItself?: boolean;
}

export class Prometheus {
  readonly promql: PromQL;
  /** What `--endpoint` takes with `--backend prometheus` (the preset adds /api/v1/otlp). */
  readonly url: string;

  private constructor(
    private readonly server: ServerProcess,
    readonly storage: string,
  ) {
    this.url = server.url;
    this.promql = new PromQL(server.url);
  }

  static async start(options: PrometheusOptions = {}): Promise<Prometheus> {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'prometheus-'));
    const storage = options.storage ?? path.join(dir, 'data');
    const scrapeItself = options.scrapeItself ?? true;
    const config = path.join(dir, 'prometheus.yml');
    const server = await ServerProcess.start({
      name: 'Prometheus',
      bin: peerBin('prometheus'),
      dir,
      readyPath: '/-/ready',
      args: (port) => {
        fs.writeFileSync(
          config,
          [
            'global:',
            '  scrape_interval: 1s',
            '  evaluation_interval: 1s',
            ...(scrapeItself
              ? [
                  'scrape_configs:',
                  '  - job_name: prometheus',
                  '    static_configs:',
                  `      - targets: ['127.0.0.1:${port}']`,
                ]
              : []),
            '',
          ].join('\n'),
        );
        return [
          `--config.file=${config}`,
          `--storage.tsdb.path=${storage}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-otlp-receiver',
        ];
      },
    });
    const prometheus = new Prometheus(server, storage);
    if (scrapeItself) await prometheus.waitForOwnSample();
    return prometheus;
  }

  /** Waits until a scrape of itself is stored: from then on the head's newest time is now. */
  private async waitForOwnSample(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const up = await this.promql.scalar('sum(up{job="prometheus"})');
      if (up === 1) return;
      if (Date.now() > deadline)
        throw new Error(`Prometheus stored no scrape of itself in ${timeoutMs} ms:\n${this.log()}`);
      await sleep(200);
    }
  }

  log(): string {
    return this.server.log();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/**
 * `promtool tsdb create-blocks-from openmetrics` as the README gives it; throws with promtool's
 * output when it fails. Returns promtool's output.
 */
export function createBlocksFromOpenMetrics(file: string, blocksDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      peerBin('promtool'),
      ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=720h', file, blocksDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: path.dirname(blocksDir) },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`promtool exited ${code}:\n${output}`));
    });
  });
}
