import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Signal } from '../config/vocabulary.js';
import { encodeSignalRequests } from '../encode/signal-requests.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { writing } from './write-failure.js';

const KIND = 'OTLP/JSON Lines file';

/**
 * The Collector's otlpjsonfile receiver truncates lines over 1 MiB by default; keep every line
 * well under that.
 */
const MAX_LINE_BYTES = 512 * 1024;

const NEWLINE = new Uint8Array([0x0a]);

/**
 * Writes OTLP/JSON Lines in the file exporter's format: one MetricsData, LogsData or TracesData
 * object per line, of one signal. The file is replaced by the first write of a run; a run that writes nothing leaves it as
 * an earlier run wrote it.
 */
export class OtlpJsonLinesWriter {
  readonly path: string;
  private fd: number | undefined;
  lines = 0;
  events = 0;
  /** Bytes of the lines written, for the size of the next parts. */
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly resource: Record<string, string>,
    fileName: string,
    private readonly signal: Signal = 'metrics',
    /** The clock, for the observed time of log records. */
    private readonly now: () => number = Date.now,
  ) {
    this.path = join(dir, fileName);
  }

  /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
  write(events: TokfEvent[]): void {
    if (events.length === 0) return;
    writing(KIND, this.path, () => this.writeLines(events));
  }

  private writeLines(events: TokfEvent[]): void {
    const fd = this.fd ?? this.open();
    for (const part of this.parts(events)) {
      const { signal, resource } = this;
      const lines = encodeSignalRequests(
        signal,
        part,
        resource,
        'http/json',
        MAX_LINE_BYTES,
        this.now(),
      );
      for (const line of lines) {
        writeSync(fd, line.body);
        writeSync(fd, NEWLINE);
        this.lines += 1;
        this.bytes += line.body.byteLength;
      }
      this.events += part.length;
    }
  }

  /**
   * A batch cut into parts that should fit a line, by the bytes per event seen so far: encoding a
   * whole batch only to halve it until it fits costs several JSON encodings and their garbage.
   * Parts end at a change of second, so that a second's points stay on one line where they fit.
   */
  private *parts(events: TokfEvent[]): Generator<TokfEvent[]> {
    const perEvent = this.events === 0 ? 0 : this.bytes / this.events;
    const size =
      perEvent === 0 ? events.length : Math.max(1, Math.floor((0.75 * MAX_LINE_BYTES) / perEvent));
    let start = 0;
    while (start < events.length) {
      let end = Math.min(events.length, start + size);
      const limit = Math.min(events.length, start + 4 * size);
      while (end < limit && events[end]!.epochSeconds === events[end - 1]!.epochSeconds) end += 1;
      yield events.slice(start, end);
      start = end;
    }
  }

  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      writing(KIND, this.path, () => flush(fd));
    } finally {
      closeSync(fd);
    }
  }

  private open(): number {
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(this.path, 'w');
    return this.fd;
  }
}

/** fsync, where the file can be synced: a pipe or a device (`/dev/stdout`) cannot, and need not. */
function flush(fd: number): void {
  try {
    fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EROFS') throw err;
  }
}
