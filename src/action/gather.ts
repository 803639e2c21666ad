import * as core from '@actions/core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  countPendingUpTo,
  markPendingDone,
  mergeDatabase,
  nextEventId,
  readLineage,
  writeLineage,
} from '../engine/index.js';
import { isPermissionRefusal, listCacheEntries, type CacheEntry } from './cache-entries.js';
import { restoreCacheEntry, type CacheKeys } from './database-cache.js';
import type { GithubRun } from './github-env.js';
import { GithubRest } from './github-rest.js';
import type { Signal } from '../config/vocabulary.js';
import { readRuntimeToken } from './runtime-token.js';
import { describeServiceError } from './service-error.js';

/** A cache entry of this run's own ref whose events the restored database holds. */
export interface HeldEntry {
  id: number;
  key: string;
  /** Events it had left pending that are still pending after the merge: its runs' leftovers. */
  pending: number;
}

/** What restoring every entry of this action did. */
export interface Gathered {
  /** The newest entry, restored as the database the others were merged into. */
  baseKey: string;
  /** The ref of that entry: another one (the default branch) when this ref has none yet. */
  baseRef: string;
  /** Entries of this ref whose events the database now holds, the base first when it is one. */
  held: HeldEntry[];
  /** Entries of this ref that a merged entry already held: no need to restore them. */
  superseded: { id: number; key: string }[];
  /** Events the other entries added to the base. */
  added: number;
  notes: string[];
  problems: string[];
}

export type GatherOutcome =
  | { kind: 'gathered'; gathered: Gathered }
  /** No entry of this action (that this run may read). */
  | { kind: 'miss' }
  /**
   * The entries could not be listed: the caller restores the newest by its prefix instead.
   * `refused`: for want of a permission (the token's to fix), not a failure of the service or
   * the network.
   */
  | { kind: 'unlisted'; reason: string; refused: boolean };

/** More entries than this in one restore wait for the next run (each is a download). */
const MAX_MERGED = 20;

/**
 * Restores the newest of this action's cache entries to `target` and merges into it every other
 * entry of this run's ref that it does not already hold (see mergeDatabase): the entries that
 * overlapping runs and the legs of a matrix saved side by side. Entries are listed through the REST
 * API (actions: read).
 */
export async function gatherFromCache(
  run: GithubRun,
  keys: CacheKeys,
  token: string,
  target: string,
  /** What this run sends each event as: an event is a leftover while one of them still owes it. */
  signals: readonly Signal[],
): Promise<GatherOutcome> {
  if (token === '')
    return {
      kind: 'unlisted',
      reason: 'there is no github-token to list them with',
      refused: true,
    };
  let listed: CacheEntry[];
  try {
    listed = await listCacheEntries(new GithubRest(run, token), run, keys.restorePrefix);
  } catch (err) {
    return {
      kind: 'unlisted',
      reason: describeServiceError(err),
      refused: isPermissionRefusal(err),
    };
  }
  const readable = readRuntimeToken(process.env.ACTIONS_RUNTIME_TOKEN).readableRefs;
  const candidates = listed.filter((e) => readable === undefined || readable.includes(e.ref));
  const ownRef = (e: CacheEntry) => run.ref === '' || e.ref === run.ref;
  const own = candidates.filter(ownRef);
  const ordered = [...own, ...candidates.filter((e) => !ownRef(e))];
  const result: Gathered = {
    baseKey: '',
    baseRef: '',
    held: [],
    superseded: [],
    added: 0,
    notes: [],
    problems: [],
  };

  // The newest entry that restores; one that fails leaves the next to try, and the failure is the
  // outcome only when none restores (listed entries that cannot be had are not "none").
  let base: CacheEntry | undefined;
  let failure: unknown;
  for (const entry of ordered) {
    try {
      if ((await restoreCacheEntry(run, entry.key, target)) !== undefined) {
        base = entry;
        break;
      }
    } catch (err) {
      failure ??= err;
    }
  }
  if (base === undefined && failure !== undefined) throw failure;
  if (base === undefined) return { kind: 'miss' };
  result.baseKey = base.key;
  result.baseRef = base.ref;
  const baseLastId = nextEventId(target) - 1;
  const lineage = new Set(readLineage(target));
  lineage.add(base.key);
  if (!ownRef(base)) {
    // That branch's runs still hold its pending events and send them; sending them here too would
    // count them twice.
    const left = markPendingDone(target, signals);
    if (left > 0) {
      result.notes.push(
        `${left} event(s) pending in the database of ${base.ref} were left to that branch's runs, which hold and send them`,
      );
    }
  } else {
    result.held.push({ id: base.id, key: base.key, pending: 0 });
  }

  let merged = 0;
  for (const entry of own) {
    if (entry === base || lineage.has(entry.key)) continue;
    if (merged >= MAX_MERGED) {
      result.notes.push(
        `more than ${MAX_MERGED} cache entries to merge: the older ones wait for the next run`,
      );
      break;
    }
    const copy = join(run.runnerTemp, 'telemetry-sync', `merge-${entry.id}.db`);
    try {
      if ((await restoreCacheEntry(run, entry.key, copy)) === undefined) continue;
      const outcome = mergeDatabase(target, copy, { sourceKey: entry.key, signals });
      for (const key of readLineage(copy)) lineage.add(key);
      lineage.add(entry.key);
      result.held.push({ id: entry.id, key: entry.key, pending: outcome.pendingFromSource });
      result.added += outcome.added;
      merged += 1;
      core.info(
        `merged cache entry ${entry.key}: ${outcome.added} event(s) added, ${outcome.alreadyHeld} already held`,
      );
    } catch (err) {
      result.problems.push(
        `could not merge cache entry ${entry.key} (kept for a later run): ${describeServiceError(err)}`,
      );
    } finally {
      rmSync(copy, { force: true });
    }
  }
  const baseEntry = result.held.find((h) => h.id === base.id);
  if (baseEntry !== undefined) baseEntry.pending = countPendingUpTo(target, baseLastId, signals);
  const heldIds = new Set(result.held.map((h) => h.id));
  result.superseded = own
    .filter((e) => !heldIds.has(e.id) && lineage.has(e.key))
    .map((e) => ({ id: e.id, key: e.key }));
  // Only entries that still exist are worth remembering.
  const existing = new Set(listed.map((e) => e.key));
  writeLineage(
    target,
    [...lineage].filter((k) => existing.has(k)),
  );
  return { kind: 'gathered', gathered: result };
}
