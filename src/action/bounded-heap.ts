import { spawnSync } from 'node:child_process';

/**
 * V8 sizes its heap by how fast a process allocates, so a long sync's memory grows with the
 * database although what it keeps does not (measured: 186 MB at 50k events, 305 MB at 1M). The
 * runner starts `node dist/index.js` with no way to pass flags, so the step runs itself once more
 * with these limits: the young generation fixed at its cap from the start (a short run then peaks
 * as a long one does, rather than growing into it), the old one well above what a sync keeps.
 * src/cli.ts's shebang carries the same values.
 */
const V8_FLAGS = ['--min-semi-space-size=8', '--max-semi-space-size=8', '--max-old-space-size=192'];

/**
 * With V8's heap bounded, what still grew was glibc's: one malloc arena per thread (gzip runs in
 * the thread pool) and a dynamic mmap threshold that, once large request bodies have been freed,
 * serves later ones from the heap, which fragments and is not given back. Fixed values keep the
 * peak flat in the run's length (a user's own setting wins; other C libraries ignore these).
 */
const MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' };

/**
 * Runs this script again under V8_FLAGS and returns its exit code, or undefined when this process
 * already has them (it is that run) or the re-run could not start (then this process does the work).
 */
export function rerunWithBoundedHeap(): number | undefined {
  if (process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) return undefined;
  const script = process.argv[1];
  if (script === undefined) return undefined;
  const child = spawnSync(process.execPath, [...V8_FLAGS, script], {
    stdio: 'inherit',
    env: { ...MALLOC_ENV, ...process.env },
  });
  if (child.error !== undefined || child.status === null) return undefined;
  return child.status;
}
