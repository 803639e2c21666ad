import ncc from '@vercel/ncc';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The encoding thread's entry point bundled as scripts/bundle.mjs bundles it, in a directory of
 * its own (the sources, as tests run them, have no script for a worker to start).
 */
export async function bundleEncodeWorker(): Promise<{ dir: string; script: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'encode-thread-'));
  const { code } = await ncc(join(process.cwd(), 'src/encode/encode-worker.ts'), {
    quiet: true,
    sourceMap: false,
  });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const script = join(dir, 'encode-worker.js');
  writeFileSync(script, code);
  return { dir, script };
}
