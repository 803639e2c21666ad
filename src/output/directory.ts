import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that gives up: Node's `mkdirSync(dir, { recursive: true })` loops for ever where a
 * parent exists but refuses children with ENOENT (`/proc/x`: 80% CPU, no end). Here the missing
 * directories are made one at a time from the nearest existing one, so every failure is an error.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const stat = statOrUndefined(at);
    if (stat !== undefined) {
      if (!stat.isDirectory())
        throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    const parent = dirname(at);
    if (parent === at) break;
    missing.push(at);
    at = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (err) {
      // Made meanwhile by someone else: fine, as long as it is a directory now.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statOrUndefined(path)?.isDirectory())
        throw err;
    }
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
