import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writing } from './write-failure.js';

/** One line set aside by a replay of OTLP JSON Lines files, as the rejects file keeps it. */
export interface RejectedLine {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line's start (uncompressed bytes for a .gz file). */
  offset: number;
  reason: string;
  /** The endpoint's status, for a line it refused. */
  status?: number;
  /** The line as read (or, for a refused piece of a split or filtered line, that piece). */
  text?: string;
}

/**
 * The rejects file: appended to, one JSON object per line, so that runs add to it and nothing is
 * lost; `jq -r .text` gives the lines back for another try. Created on the first reject only.
 */
export class RejectsFile {
  private ready = false;

  constructor(readonly path: string) {}

  /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
  append(rejected: RejectedLine): void {
    writing('rejects file', this.path, () => {
      if (!this.ready) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.ready = true;
      }
      appendFileSync(this.path, `${JSON.stringify(rejected)}\n`);
    });
  }
}
