import { existsSync } from 'node:fs';
import { DatabaseError } from '../errors.js';

/**
 * Where the database path came from, in words: `--db`, one of tokf's variables, or tokf's own
 * default location. A person who finds no database there needs to know which of these to change.
 */
export function databasePathOrigin(given: string | undefined, env: NodeJS.ProcessEnv): string {
  if (given !== undefined && given !== '') return 'given by --db';
  if (env.TOKF_DB_PATH) return 'from TOKF_DB_PATH';
  if (env.TOKF_HOME) return 'from TOKF_HOME';
  return "tokf's default location";
}

/**
 * Refuses a database path with no file, saying what to do: a `status` or `sync` before tokf ever
 * ran (or with the wrong path) is the usual cause, and the engine's own "no database at" says only
 * the first half. Checked before the engine runs, so nothing is opened or created.
 */
export function requireDatabase(path: string, origin: string): void {
  if (existsSync(path)) return;
  const todo =
    origin === 'given by --db'
      ? 'check the path given to --db, or run a command through tokf first (such as `tokf run git status`) so that it records one'
      : 'pass --db PATH to the tracking.db to read, or run a command through tokf first (such as `tokf run git status`) so that it records one there';
  throw new DatabaseError(`no database at ${path} (${origin}): ${todo}`);
}
