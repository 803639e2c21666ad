import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequests } from '../encode/requests.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * The Collector's otlpjsonfile receiver truncates lines over 1 MiB by default; keep every line
 * well under that.
 */
const MAX_LINE_BYTES = 512 * 1024;

const NEWLINE = new Uint8Array([0x0a]);

/**
 * Writes OTLP/JSON Lines in the file exporter's format: one MetricsData object per line, metrics
 * only. The file is replaced by the first write of a run; a run that writes nothing leaves it as
 * an earlier run wrote it.
 */
export class OtlpJsonLinesWriter {
  readonly path: string;
  private fd: number | undefined;
  lines = 0;
  events = 0;

  constructor(
    private readonly dir: string,
    private readonly resource: Record<string, string>,
    fileName: string,
  ) {
    this.path = join(dir, fileName);
  }

  write(events: TokfEvent[]): void {
    if (events.length === 0) return;
    const fd = this.fd ?? this.open();
    for (const line of encodeRequests(events, this.resource, 'http/json', MAX_LINE_BYTES)) {
      writeSync(fd, line.body);
      writeSync(fd, NEWLINE);
      this.lines += 1;
    }
    this.events += events.length;
  }

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(this.path, 'w');
    return this.fd;
  }
}
