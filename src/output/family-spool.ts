import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Text buffered per family before it goes to that family's part file. */
const FLUSH_CHARS = 256 * 1024;

/** Bytes copied at a time when the parts are joined into the file. */
const COPY_BYTES = 1024 * 1024;

/**
 * One family's lines, gathered in a part file of its own while a run streams, in memory only up
 * to FLUSH_CHARS at a time.
 */
export class FamilyPart {
  private fd: number | undefined;
  private chunks: string[] = [];
  private chars = 0;

  constructor(
    readonly header: string,
    readonly partPath: string,
  ) {}

  append(lines: string): void {
    this.chunks.push(lines);
    this.chars += lines.length;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    this.fd ??= openSync(this.partPath, 'w');
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.chars = 0;
  }

  /** Copies the family (header, then lines) to `out` and removes its part file. */
  copyTo(out: number, buffer: Buffer): void {
    writeSync(out, this.header);
    this.flush();
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    const input = openSync(this.partPath, 'r');
    try {
      for (;;) {
        const n = readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        writeSync(out, buffer, 0, n);
      }
    } finally {
      closeSync(input);
    }
    rmSync(this.partPath, { force: true });
  }

  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.chunks = [];
    rmSync(this.partPath, { force: true });
  }
}

/**
 * A file written as families whose lines arrive interleaved but must end up together (as
 * OpenMetrics wants a family's samples): each family spools to `<path>.partN` beside the file,
 * and commit() joins them, in the order they were opened, into the file, which appears whole
 * (through a rename) or not at all. The directory must exist before the first line is flushed.
 */
export class FamilySpool {
  private readonly parts: FamilyPart[] = [];

  constructor(readonly path: string) {}

  /** A new family under `header`, joined after the families opened before it. */
  family(header: string): FamilyPart {
    const part = new FamilyPart(header, `${this.path}.part${this.parts.length}`);
    this.parts.push(part);
    return part;
  }

  /** Removes every part; the file, if an earlier run left one, stays as it was. */
  discard(): void {
    for (const part of this.parts) part.discard();
  }

  /** Joins the families, then `trailer`, into the file; on failure removes the parts and the copy. */
  commit(trailer: string): void {
    const tmp = `${this.path}.tmp`;
    const out = openSync(tmp, 'w');
    try {
      const buffer = Buffer.allocUnsafe(COPY_BYTES);
      for (const part of this.parts) part.copyTo(out, buffer);
      writeSync(out, trailer);
      fsyncSync(out);
    } catch (err) {
      this.discard();
      closeSync(out);
      rmSync(tmp, { force: true });
      throw err;
    }
    closeSync(out);
    // Renamed whole, so that no one backfills half a file.
    renameSync(tmp, this.path);
  }
}
