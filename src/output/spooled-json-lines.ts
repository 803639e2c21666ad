import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Signal } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { OtlpJsonLinesWriter } from './otlp-json-lines.js';
import { writing } from './write-failure.js';

const KIND = 'spool of the OTLP/JSON Lines file';

/** Bytes of the length before each spooled batch. */
const HEADER_BYTES = 4;

/** One batch as spooled: its events and the time it was written at (log records are observed then). */
interface SpooledBatch {
  nowMs: number;
  events: TokfEvent[];
}

/**
 * An OTLP/JSON Lines file written only if it turns out to be wanted: each batch is kept as it
 * comes, in a spool beside the file (V8's serialization of the events, far cheaper than OTLP/JSON),
 * and `writeFile` writes the file from it, batch by batch as OtlpJsonLinesWriter would have
 * written them during the run, so that the file is the same byte for byte; `discard` removes the
 * spool. Read back a batch at a time: memory is bounded by a batch, as when writing.
 */
export class SpooledJsonLines {
  /** The file this spool becomes (see writeFile). */
  readonly path: string;
  private readonly spoolPath: string;
  private fd: number | undefined;
  /** Batches spooled; events spooled. */
  lines = 0;
  events = 0;

  constructor(
    private readonly dir: string,
    private readonly resource: Record<string, string>,
    private readonly fileName: string,
    private readonly signal: Signal,
    private readonly now: () => number,
  ) {
    this.path = join(dir, fileName);
    this.spoolPath = `${this.path}.spool`;
  }

  /** Throws FileWriteError (DiskFullError when the disk is full) naming the spool. */
  write(events: TokfEvent[]): void {
    if (events.length === 0) return;
    writing(KIND, this.spoolPath, () => {
      if (this.fd === undefined) {
        mkdirSync(this.dir, { recursive: true });
        this.fd = openSync(this.spoolPath, 'w');
      }
      const body = serialize({ nowMs: this.now(), events } satisfies SpooledBatch);
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32LE(body.byteLength);
      writeSync(this.fd, header);
      writeSync(this.fd, body);
    });
    this.lines += 1;
    this.events += events.length;
  }

  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    closeSync(fd);
  }

  /**
   * Writes the OTLP/JSON Lines file from the spool, then removes the spool. Returns the lines
   * written; throws FileWriteError naming the file (or the spool) that failed.
   */
  writeFile(): number {
    this.close();
    if (this.lines === 0) return 0;
    let batch: SpooledBatch | undefined;
    const file = new OtlpJsonLinesWriter(
      this.dir,
      this.resource,
      this.fileName,
      this.signal,
      () => batch?.nowMs ?? this.now(),
    );
    const fd = writing(KIND, this.spoolPath, () => openSync(this.spoolPath, 'r'));
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      for (;;) {
        const read = writing(KIND, this.spoolPath, () =>
          readSync(fd, header, 0, HEADER_BYTES, null),
        );
        if (read === 0) break;
        const body = Buffer.alloc(header.readUInt32LE());
        writing(KIND, this.spoolPath, () => readExactly(fd, body));
        batch = deserialize(body) as SpooledBatch;
        file.write(batch.events);
      }
      file.close();
    } finally {
      closeSync(fd);
    }
    this.discard();
    return file.lines;
  }

  /** Removes the spool: the file is not wanted, or was written. */
  discard(): void {
    this.close();
    rmSync(this.spoolPath, { force: true });
  }
}

function readExactly(fd: number, into: Buffer): void {
  let at = 0;
  while (at < into.byteLength) {
    const n = readSync(fd, into, at, into.byteLength - at, null);
    if (n === 0) throw new Error(`the spool ends ${into.byteLength - at} bytes short`);
    at += n;
  }
}
