import { spawnSync } from 'node:child_process';

/**
 * V8 sizes its heap by how fast a process allocates, so a long sync's memory grows with the
 * database although what it keeps does not (measured through `node dist/cli.js`: 184 MB at 50k
 * events, 288 MB at 1M). These limits keep it flat: the young generation fixed at its cap from the
 * start (a short run then peaks as a long one does, rather than growing into it), the old one well
 * above what a sync keeps. src/cli.ts's shebang carries the same values.
 *
 * Semi-spaces of 2 MB: V8's flags are the process's, so a long run's encoding thread (see
 * src/encode/encode-thread.ts) has a young generation of the same size beside the main thread's.
 * At 8 MB the two put a 200k-event sync at 160-173 MB of peak RSS, at 4 MB 140-147 MB. At 4 MB a
 * 1M-event sync later reached 141-156 MB on the same machine (the action's step 148-156 MB), over
 * the 150 MB it is held to; at 2 MB 130-137 MB (the step 132-143 MB), with wall times within the
 * runs' spread (alternating, 1M: 17.0-21.7 s against 17.2-18.9 s; 200k: 4.1-4.4 s against
 * 3.9-4.4 s). The encoding thread allocates little (see ReusedPoints), so a smaller young
 * generation costs it few more scavenges.
 */
export const V8_FLAGS = [
  '--min-semi-space-size=2',
  '--max-semi-space-size=2',
  '--max-old-space-size=192',
] as const;

/**
 * A step that writes every event to an OTLP/JSON file as it goes (the action with `otlp-artifact:
 * always`): semi-spaces of 8 MB, as the command had before its encoding thread. That writing
 * allocates fast enough that at 4 MB the post step took 13 to 40 % longer for 1M events (80.9 and
 * 101.4 s against 71.4 and 72.4 s, alternating), and such a run starts no encoding thread (see
 * TokfPass), whose young generation the smaller size is for.
 */
export const ACTION_V8_FLAGS = [
  '--min-semi-space-size=8',
  '--max-semi-space-size=8',
  '--max-old-space-size=192',
] as const;

/**
 * With V8's heap bounded, what still grew was glibc's: one malloc arena per thread (gzip runs in
 * the thread pool) and a dynamic mmap threshold that, once large request bodies have been freed,
 * serves later ones from the heap, which fragments and is not given back. Fixed values keep the
 * peak flat in the run's length (a user's own setting wins; other C libraries ignore these).
 */
export const MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' } as const;

/** Heap limits the user chose (on the command line or in NODE_OPTIONS) are theirs to keep. */
const SIZE_FLAG = /--max-old-space-size|--max-semi-space-size|--max-heap-size/;

/**
 * The command line and environment this script runs again with, or undefined when it need not:
 * it already runs under heap limits, ours or its user's own.
 */
function boundedCommand(
  flags: readonly string[],
): { argv: string[]; env: NodeJS.ProcessEnv } | undefined {
  const [, script, ...args] = process.argv;
  const limited =
    process.execArgv.some((a) => SIZE_FLAG.test(a)) ||
    SIZE_FLAG.test(process.env.NODE_OPTIONS ?? '');
  if (script === undefined || limited) return undefined;
  return {
    argv: [...flags, ...process.execArgv, script, ...args],
    env: { ...MALLOC_ENV, ...process.env },
  };
}

/**
 * Puts this process in place of itself under the limits above (same pid, same stdio, so signals,
 * exit codes and a runner waiting on it see no difference) and does not return. Returns when it
 * cannot: the process already has limits, or the platform has no execve (Windows). The runner and
 * a user start `node dist/…` with no way to pass flags, hence this rather than a documented flag.
 */
export function restartWithBoundedHeap(flags: readonly string[] = V8_FLAGS): void {
  if (process.platform === 'win32' || typeof process.execve !== 'function') return;
  const command = boundedCommand(flags);
  if (command === undefined) return;
  const { argv, env } = command;
  try {
    process.execve(process.execPath, [process.execPath, ...argv], env);
  } catch {
    // Not replaced (a worker thread, a refused exec): this process does the work, unbounded.
  }
}

/**
 * Where execve is missing: runs this script as a child under the limits and returns its exit
 * code, or undefined when this process already has them or the child could not start (then this
 * process does the work). A child waited on synchronously keeps the parent's loaded bundle in
 * memory meanwhile, so this is only the fallback.
 */
export function rerunWithBoundedHeap(flags: readonly string[] = V8_FLAGS): number | undefined {
  const command = boundedCommand(flags);
  if (command === undefined) return undefined;
  const { argv, env } = command;
  const child = spawnSync(process.execPath, argv, { stdio: 'inherit', env });
  if (child.error !== undefined || child.status === null) return undefined;
  return child.status;
}
