import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * A file's content as a stream of chunks, from byte `from` of a plain file; a .gz file is
 * decompressed from its start (gzip cannot be entered midway; the caller skips what it has), its
 * members one after another, as gzip tools append them.
 */
export function openChunks(path: string, gzip: boolean, from = 0): AsyncIterable<Buffer> {
  if (!gzip) return createReadStream(path, { start: from });
  const gunzip = createGunzip();
  // Errors of either stream reach the reader through the gunzip stream it iterates.
  pipeline(createReadStream(path), gunzip, () => {});
  return gunzip;
}
