// What a bundle was built from: a hash of everything ncc reads of ours (src/, the lock file, the
// compiler settings, the bundling script) and of the files it wrote. The test suites that run
// dist/ compare it with the tree, so that an edit to src/ can never be tested through a stale
// bundle. The stamp lives in node_modules/.cache: it belongs to this checkout, not to the repo.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const INPUTS = ['src', 'package-lock.json', 'tsconfig.json', 'scripts/bundle.mjs'];
const STAMP = 'node_modules/.cache/telemetry-sync/bundle-stamp.json';

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => files(join(path, entry)));
}

function hashOf(paths, root) {
  const hash = createHash('sha256');
  for (const file of paths.flatMap((p) => files(join(root, p)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The hashes of the sources and of dist/ as they are now. */
export function currentStamp(root = process.cwd()) {
  return { inputs: hashOf(INPUTS, root), outputs: hashOf(['dist'], root) };
}

/** Records that dist/ was just built from the sources as they are. */
export function writeStamp(root = process.cwd()) {
  const path = join(root, STAMP);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(currentStamp(root)));
}

/** Whether dist/ is a bundle of the sources as they are now, by the last recorded build. */
export function bundleIsFresh(root = process.cwd()) {
  const path = join(root, STAMP);
  if (!existsSync(path)) return false;
  const recorded = JSON.parse(readFileSync(path, 'utf8'));
  const now = currentStamp(root);
  return recorded.inputs === now.inputs && recorded.outputs === now.outputs;
}
