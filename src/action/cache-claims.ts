import * as core from '@actions/core';
import { DELETE_PERMISSION, deleteCacheEntry, isPermissionRefusal } from './cache-entries.js';
import type { GithubRun } from './github-env.js';
import { GithubRest } from './github-rest.js';
import type { ActionInputs } from './inputs.js';
import { messageOf } from '../errors.js';
import { plural } from '../words.js';
import type { RestoreState } from './restore.js';
import { describeServiceError } from './service-error.js';

/**
 * Who sends what earlier runs left pending. Overlapping runs (and the legs of one matrix) restore
 * the same entries, so each would send the same leftovers. A run takes charge of them by deleting
 * the entries that hold them before it sends: a deletion succeeds for one run only. A run that
 * finds an entry already gone leaves the inherited events to the run that took it, and keeps them
 * pending in its own entry in case that run fails; it still sends the events it recorded itself.
 */
export interface Claim {
  /** Send only events from this id on (this run's own): the inherited ones are another run's. */
  fromId?: number;
  /** Ids of the entries this run deleted to take their events: its save must not be skipped. */
  taken: number[];
  notes: string[];
  /** Warnings about permissions: reported, but never a reason to fail the step. */
  advice: string[];
}

export function noClaim(): Claim {
  return { taken: [], notes: [], advice: [] };
}

/** Takes charge of the leftovers the restored database holds, before a sync that sends. */
export async function claimLeftovers(
  inputs: ActionInputs,
  run: GithubRun,
  restore: RestoreState,
): Promise<Claim> {
  const claim = noClaim();
  // A copy kept beside an existing database is not saved: taking its entries would lose them.
  if (restore.sidePath !== undefined || restore.held === undefined || !inputs.saveCache)
    return claim;
  // Oldest first, and no further once one is gone: runs that list the same entries then race for
  // the first only, and its winner takes them all rather than each run taking a share and none
  // sending.
  const owed = restore.held.filter((h) => h.pending > 0).sort((a, b) => a.id - b.id);
  if (owed.length === 0) return claim;
  const leftovers = owed.reduce((n, h) => n + h.pending, 0);
  if (run.fromFork) return claim; // a read-only token: nothing to take, and nothing is sent
  if (inputs.githubToken === '') {
    claim.advice.push(
      `${leftovers} event(s) that earlier runs left pending are sent without taking their cache entries (no github-token): a run overlapping this one may send them too`,
    );
    return claim;
  }
  const rest = new GithubRest(run, inputs.githubToken);
  const elsewhere: string[] = [];
  for (const entry of owed) {
    try {
      const outcome = await deleteCacheEntry(rest, run, entry.id);
      if (outcome === 'deleted') {
        claim.taken.push(entry.id);
      } else {
        elsewhere.push(entry.key);
        break;
      }
    } catch (err) {
      if (isPermissionRefusal(err)) {
        claim.advice.push(
          `${leftovers} event(s) that earlier runs left pending are sent without taking their cache entries, which needs "${DELETE_PERMISSION}" (${messageOf(err)}): a run overlapping this one may send them too`,
        );
        return claim;
      }
      // Not known to be ours: leave it to a later run rather than risk sending twice.
      elsewhere.push(entry.key);
      claim.notes.push(`could not take cache entry ${entry.key}: ${describeServiceError(err)}`);
      break;
    }
  }
  if (claim.taken.length > 0) {
    core.info(
      `took charge of ${leftovers} event(s) earlier runs left pending: deleted ${plural(claim.taken.length, 'cache entry', 'cache entries')} holding them`,
    );
  }
  if (elsewhere.length > 0) {
    // Without the mark of where this run's own events begin, none can be told apart: send none.
    claim.fromId = restore.ownFromId ?? Number.MAX_SAFE_INTEGER;
    claim.notes.push(
      `the event(s) earlier runs left pending are left to another run, which took ${elsewhere.length === 1 ? 'cache entry' : 'cache entries'} ${elsewhere.join(', ')} first and sends them; this run sends only its own events and keeps the others pending in its entry in case that run fails`,
    );
  }
  return claim;
}

/**
 * After this run saved its database, the entries it merged (and those they had merged) are no
 * longer needed: every event of theirs is in the new entry. Deleting them keeps the cache to about
 * one entry per run that overlapped. Needs actions: write; without it they stay until GitHub
 * evicts them, and later runs skip them by the lineage the saved database records.
 */
export async function removeMergedEntries(
  inputs: ActionInputs,
  run: GithubRun,
  restore: RestoreState,
  claim: Claim,
  saved: boolean,
): Promise<{ notes: string[]; advice: string[]; problems: string[] }> {
  const out = { notes: [] as string[], advice: [] as string[], problems: [] as string[] };
  if (!saved && claim.taken.length > 0) {
    out.problems.push(
      `this run took ${plural(claim.taken.length, 'cache entry', 'cache entries')} to send the events they held, and its own database was not saved: events still pending are only in its OTLP/JSON artifact`,
    );
  }
  if (!saved || restore.sidePath !== undefined || restore.held === undefined || run.fromFork)
    return out;
  const taken = new Set(claim.taken);
  const stale = [...restore.held, ...(restore.superseded ?? [])].filter((e) => !taken.has(e.id));
  if (stale.length === 0) return out;
  if (inputs.githubToken === '') return out;
  const rest = new GithubRest(run, inputs.githubToken);
  let deleted = 0;
  for (const entry of stale) {
    try {
      if ((await deleteCacheEntry(rest, run, entry.id)) === 'deleted') deleted += 1;
    } catch (err) {
      if (isPermissionRefusal(err)) {
        out.advice.push(
          `kept ${plural(stale.length - deleted, 'older cache entry', 'older cache entries')} of this action that the saved database holds: deleting them needs "${DELETE_PERMISSION}" (${messageOf(err)}); they stay until GitHub evicts them, and later runs skip them`,
        );
        break;
      }
      out.problems.push(`deleting cache entry ${entry.key} failed: ${describeServiceError(err)}`);
    }
  }
  if (deleted > 0) {
    const line = `deleted ${plural(deleted, 'older cache entry', 'older cache entries')} that the saved database holds`;
    core.info(line);
    out.notes.push(line);
  }
  return out;
}
