import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { restoreDatabaseFromArtifact } from './artifact-source.js';
import { LIST_PERMISSION } from './cache-entries.js';
import { cacheAvailable, cacheKeys, restoreDatabaseFromCache } from './database-cache.js';
import { databaseFingerprint, nextEventId, stampOwnRows } from '../engine/index.js';
import { gatherFromCache, type HeldEntry } from './gather.js';
import type { GithubRun } from './github-env.js';
import type { ActionInputs } from './inputs.js';
import type { Leg } from './leg.js';
import { messageOf } from '../errors.js';
import { plural } from '../words.js';
import { describeServiceError } from './service-error.js';

/** What the main step restored, handed to the post step as state. */
export interface RestoreState {
  dbPath: string;
  restoredFrom: 'cache' | 'artifact' | 'existing' | 'none';
  /** The cache key, or `artifact <id> of run <run>`. */
  restoredKey?: string;
  cacheHit: boolean;
  /** A restored copy kept beside a database that already existed, synced too. */
  sidePath?: string;
  /** The database's fingerprint as restored, to skip saving an unchanged copy. */
  restoredFingerprint?: string;
  /**
   * Cache entries of this run's ref whose events the database holds (the one restored and those
   * merged into it), with the events each left pending; undefined when entries were not listed.
   */
  held?: HeldEntry[];
  /** Entries of this ref that one of those already held. */
  superseded?: { id: number; key: string }[];
  /** Events the merged entries added to the one restored. */
  merged?: number;
  /** The first id of the events this run records itself (later steps' tokf); earlier ones are inherited. */
  ownFromId?: number;
  /** No database existed in the main step: the post step marks all its rows as this run's. */
  stampAtPost?: boolean;
  notes: string[];
  problems: string[];
  /** Warnings about missing permissions: annotated, never a reason to fail the step. */
  advice?: string[];
}

/**
 * Restores the database by the `restore` input, never over a database that already exists (tokf
 * ran earlier in the job, or a self-hosted runner keeps its home): then the restored copy goes to a
 * side file, whose pending events the sync sends too. Never throws: problems are reported.
 */
export async function restoreDatabase(
  inputs: ActionInputs,
  run: GithubRun,
  leg: Leg,
): Promise<RestoreState> {
  const dbPath = inputs.databasePath;
  const existing = existsSync(dbPath);
  const state: RestoreState = {
    dbPath,
    restoredFrom: existing ? 'existing' : 'none',
    cacheHit: false,
    notes: [],
    problems: [],
  };
  const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
  const problemsBefore = state.problems.length;
  const target = existing
    ? join(run.runnerTemp, 'telemetry-sync', `restored-${run.runId}-${run.runAttempt}.db`)
    : dbPath;

  if (
    (inputs.restore === 'cache' || inputs.restore === 'cache-then-artifact') &&
    (await cacheAvailable())
  ) {
    try {
      await restoreFromCache(inputs, run, leg, target, state);
    } catch (err) {
      state.problems.push(`restoring from the cache failed: ${describeServiceError(err)}`);
    }
  }
  if (
    !state.cacheHit &&
    (inputs.restore === 'artifact' || inputs.restore === 'cache-then-artifact')
  ) {
    try {
      const found = await restoreDatabaseFromArtifact({
        name: inputs.artifactName,
        runId: inputs.artifactRunId,
        token: inputs.githubToken,
        run,
        target,
      });
      if (found !== undefined) {
        Object.assign(state, {
          restoredFrom: 'artifact',
          restoredKey: `artifact ${inputs.artifactName} (id ${found.artifactId}) of run ${found.runId}`,
        });
      }
    } catch (err) {
      state.problems.push(
        `restoring from artifact "${inputs.artifactName}" failed: ${describeServiceError(err)}`,
      );
    }
  }

  const restored = state.restoredFrom === 'cache' || state.restoredFrom === 'artifact';
  const failed = state.problems.length > problemsBefore;
  if (restored && existing) {
    state.sidePath = target;
    state.notes.push(
      `a database already existed at ${dbPath}, so it was not overwritten; the restored copy was kept beside it and its pending events are synced too`,
    );
  } else if (restored && (state.merged ?? 0) === 0 && (state.held?.length ?? 1) <= 1) {
    try {
      state.restoredFingerprint = databaseFingerprint(dbPath);
    } catch (err) {
      state.problems.push(`the restored database cannot be read: ${messageOf(err)}`);
    }
  } else if (!restored && !existing && !failed) {
    state.notes.push(
      `no database was found to restore (${describeSources(inputs)}); tokf will start a new one`,
    );
  } else if (!restored && !existing) {
    // Not "none found": what a failing source holds is still there for a later run.
    state.notes.push(
      `no database was restored: restoring it failed (see the errors); tokf will start a new one, and what the cache or the artifact holds waits for a later run`,
    );
  }
  markOwnRows(inputs, state, keys.primary);
  return state;
}

async function restoreFromCache(
  inputs: ActionInputs,
  run: GithubRun,
  leg: Leg,
  target: string,
  state: RestoreState,
): Promise<void> {
  const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
  const outcome = await gatherFromCache(run, keys, inputs.githubToken, target, inputs.signals);
  if (outcome.kind === 'gathered') {
    const g = outcome.gathered;
    Object.assign(state, {
      restoredFrom: 'cache',
      restoredKey: g.baseKey,
      cacheHit: true,
      held: g.held,
      superseded: g.superseded,
      merged: g.added,
    });
    state.notes.push(...g.notes);
    state.problems.push(...g.problems);
    const others = g.held.filter((h) => h.key !== g.baseKey);
    if (others.length > 0) {
      state.notes.push(
        `merged ${plural(others.length, 'more cache entry', 'more cache entries')} of overlapping runs or matrix legs into the one restored: ${g.added} event(s) added`,
      );
    }
    return;
  }
  if (outcome.kind === 'miss') return;
  // Without the listing, the cache alone gives the newest entry: entries that overlapping runs or
  // other legs saved beside it are not seen, so their pending events wait for a run that lists them.
  // Advice about the permission only when that was the cause: a network or service failure is a
  // problem of its own, which a permission would not mend.
  const unseen = `so only the newest was restored; events that overlapping runs or matrix legs saved in other entries wait for a run`;
  if (outcome.refused) {
    (state.advice ??= []).push(
      `this action's cache entries could not be listed (${outcome.reason}), ${unseen} whose token has "${LIST_PERMISSION}"`,
    );
  } else {
    state.problems.push(
      `listing this action's cache entries failed: ${outcome.reason}; ${unseen} that lists them`,
    );
  }
  const key = await restoreDatabaseFromCache(keys, run, target);
  if (key !== undefined)
    Object.assign(state, { restoredFrom: 'cache', restoredKey: key, cacheHit: true });
}

/**
 * Rows recorded from now on are this run's own: stamped with its cache key, so that a later merge
 * tells them from the rows other copies recorded under the same ids. Only where the database is
 * saved for later runs, and never on a dry run, which changes nothing.
 */
function markOwnRows(inputs: ActionInputs, state: RestoreState, origin: string): void {
  if (!inputs.saveCache || inputs.settings.dryRun) return;
  if (!existsSync(state.dbPath)) {
    state.ownFromId = 1;
    state.stampAtPost = true;
    return;
  }
  try {
    state.ownFromId = nextEventId(state.dbPath);
    stampOwnRows(state.dbPath, origin, state.ownFromId);
  } catch (err) {
    core.debug(`could not stamp the database's own rows: ${messageOf(err)}`);
    state.ownFromId = undefined;
  }
}

function describeSources(inputs: ActionInputs): string {
  if (inputs.restore === 'cache') return 'cache';
  if (inputs.restore === 'artifact') return `artifact "${inputs.artifactName}"`;
  return `cache, then artifact "${inputs.artifactName}"`;
}
