import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequests } from '../encode/requests.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * The Collector's otlpjsonfile receiver truncates lines over 1 MiB by default; keep every line
 * well under that.
 */
export const MAX_LINE_BYTES = 512 * 1024;

const NEWLINE = new Uint8Array([0x0a]);

/**
 * Writes OTLP/JSON Lines in the file exporter's format: one MetricsData object per line, metrics
 * only. The file is created afresh each run and holds what this run sent or would have sent.
 */
export class OtlpJsonLinesWriter {
  readonly path: string;
  private readonly fd: number;
  lines = 0;
  events = 0;

  constructor(
    dir: string,
    private readonly resource: Record<string, string>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'metrics.jsonl');
    this.fd = openSync(this.path, 'w');
  }

  write(events: TokfEvent[]): void {
    for (const line of encodeRequests(events, this.resource, 'http/json', MAX_LINE_BYTES)) {
      writeSync(this.fd, line.body);
      writeSync(this.fd, NEWLINE);
      this.lines += 1;
    }
    this.events += events.length;
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
