import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { openChunks } from './file-stream.js';

/**
 * What tells one file from another across runs: its device and inode (which a rename keeps) and
 * a hash of its first line (which a rotation that compresses or copies keeps, and which a file
 * replaced in place, or a new file on a reused inode, changes).
 */
export interface FileIdentity {
  dev: string;
  ino: string;
  /** SHA-256 of the first line's bytes, newline excluded, hex. */
  firstLine: string;
  /** Size on disk now (compressed bytes for a .gz file). */
  size: number;
}

/**
 * The file's identity, or undefined while it has no complete first line: nothing to send yet (a
 * plain file's unterminated last line may still be being written). For a .gz file an
 * unterminated first line counts, gzip files being written whole. The first line is hashed as it
 * streams by, never held.
 */
export async function fileIdentity(path: string, gzip: boolean): Promise<FileIdentity | undefined> {
  const info = await stat(path, { bigint: true });
  const hash = createHash('sha256');
  let seen = 0;
  let complete = false;
  const chunks = openChunks(path, gzip);
  for await (const chunk of chunks) {
    const newline = chunk.indexOf(0x0a);
    hash.update(newline === -1 ? chunk : chunk.subarray(0, newline));
    seen += newline === -1 ? chunk.byteLength : newline;
    if (newline !== -1) {
      complete = true;
      break;
    }
  }
  if (!complete && !(gzip && seen > 0)) return undefined;
  return {
    dev: info.dev.toString(),
    ino: info.ino.toString(),
    firstLine: hash.digest('hex'),
    size: Number(info.size),
  };
}
