import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** One file to replay, as found. */
export interface JsonlFile {
  path: string;
  /** Whether it is gzip-compressed (its name ends in `.gz`). */
  gzip: boolean;
}

const JSONL = /\.jsonl(\.gz)?$/;
/**
 * `name-<time>`: a rotated sibling of `name`, the time starting and ending with a digit. The
 * Collector's file exporter (timberjack) adds why it rotated: `name-<time>-size` (or `-time`,
 * `-manual`).
 */
const ROTATED = /^(.+?)-(\d(?:[\dTt:._-]*\d)?[Zz]?)(?:-(?:size|time|manual))?$/;

/**
 * The files to replay, in order: a file argument as given, a directory's `*.jsonl` and
 * `*.jsonl.gz` files (not recursively) grouped by base name, each group's rotated siblings
 * (`name-<time>.jsonl[.gz]`) oldest first by their time and the live `name.jsonl` last. A path
 * that does not exist, or a directory with no such file, is a usage error. A file named twice is
 * taken once.
 */
export function discoverFiles(paths: readonly string[]): JsonlFile[] {
  const files: JsonlFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${path}: no such file or directory`);
    }
    const found = isDirectory ? directoryFiles(path) : [path];
    if (found.length === 0) throw new UsageError(`${path}: no *.jsonl or *.jsonl.gz files in it`);
    for (const file of found) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push({ path: file, gzip: file.endsWith('.gz') });
    }
  }
  return files;
}

function directoryFiles(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && JSONL.test(entry.name))
    .map((entry) => entry.name);
  return orderRotated(names).map((name) => join(dir, name));
}

/** File names in replay order: by group, rotated siblings oldest first, the live file last. */
export function orderRotated(names: readonly string[]): string[] {
  const keyed = names.map((name) => {
    const stem = name.replace(JSONL, '');
    const rotated = ROTATED.exec(stem);
    return rotated === null
      ? { name, group: stem, time: undefined }
      : { name, group: rotated[1]!, time: rotated[2]! };
  });
  // A rotated-looking name whose base has no live file and no other sibling is still a group.
  return keyed
    .sort((a, b) => {
      if (a.group !== b.group) return compare(a.group, b.group);
      if (a.time === undefined || b.time === undefined) {
        if (a.time === b.time) return compare(a.name, b.name);
        return a.time === undefined ? 1 : -1;
      }
      return compare(a.time, b.time) || compare(a.name, b.name);
    })
    .map((k) => k.name);
}

function compare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
