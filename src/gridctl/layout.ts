import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Signal } from '../config/vocabulary.js';
import { orderRotated, type JsonlFile } from '../jsonl/discover.js';
import { UsageError } from '../errors.js';

/** The signals in the order gridctl lists them (pkg/telemetry/inventory.go). */
export const GRIDCTL_SIGNALS: readonly Signal[] = ['logs', 'metrics', 'traces'];

/**
 * A rotated sibling as lumberjack names it and gridctl's inventory matches it, exactly:
 * `<signal>-YYYY-MM-DDTHH-MM-SS.fff.jsonl`, `.gz` once compressed. Anything else in a server's
 * directory (a user's `logs-backup.jsonl`) is not gridctl's and is left alone, as gridctl does.
 */
const ROTATED = /^(logs|metrics|traces)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.jsonl(\.gz)?$/;
const ACTIVE = /^(logs|metrics|traces)\.jsonl$/;

/** One file of a gridctl telemetry directory, with where it sits in the layout. */
export interface GridctlFile extends JsonlFile {
  signal: Signal;
  stack: string;
  server: string;
}

/** The signal a file name belongs to, or undefined for a name gridctl does not write. */
export function signalOfName(name: string): Signal | undefined {
  const m = ACTIVE.exec(name) ?? ROTATED.exec(name);
  return m === null ? undefined : (m[1] as Signal);
}

/**
 * The files of a gridctl telemetry directory in replay order: stacks, then servers, by name; per
 * server each signal's rotated siblings oldest first (lumberjack's names sort by their UTC time),
 * its active file last. `dir` is the telemetry root, one stack's directory or one server's: a
 * directory holding signal files is a server's, one whose subdirectories hold them a stack's,
 * else the root. Stack and server names come from the path, as gridctl lays them out.
 */
export function walkGridctl(
  dir: string,
  signals: readonly Signal[] = GRIDCTL_SIGNALS,
): GridctlFile[] {
  const root = resolve(dir);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UsageError(
      `${dir}: no such directory (gridctl writes its telemetry under ~/.gridctl/telemetry/<stack>/<server>/ when persistence is on)`,
    );
  }
  if (!isDirectory) throw new UsageError(`${dir}: not a directory (--gridctl takes a directory)`);
  const files: GridctlFile[] = [];
  if (signalFiles(root).length > 0) files.push(...serverFiles(root, basename(dirname(root))));
  else if (subdirectories(root).some((s) => signalFiles(s).length > 0)) {
    for (const server of subdirectories(root)) files.push(...serverFiles(server, basename(root)));
  } else {
    for (const stack of subdirectories(root))
      for (const server of subdirectories(stack))
        files.push(...serverFiles(server, basename(stack)));
  }
  const chosen = files.filter((f) => signals.includes(f.signal));
  if (chosen.length === 0)
    throw new UsageError(
      `${dir}: no gridctl telemetry files in it (<stack>/<server>/logs.jsonl, metrics.jsonl, traces.jsonl or their rotated siblings)`,
    );
  return chosen;
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(byCodePoint)
    .map((name) => join(dir, name));
}

function signalFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && signalOfName(e.name) !== undefined)
    .map((e) => e.name);
}

function serverFiles(dir: string, stack: string): GridctlFile[] {
  const server = basename(dir);
  return orderRotated(signalFiles(dir))
    .map((name) => ({ name, signal: signalOfName(name) as Signal }))
    .sort((a, b) => GRIDCTL_SIGNALS.indexOf(a.signal) - GRIDCTL_SIGNALS.indexOf(b.signal))
    .map(({ name, signal }) => ({
      path: join(dir, name),
      gzip: name.endsWith('.gz'),
      signal,
      stack,
      server,
    }));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
