import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { restoreDatabaseFromArtifact } from './artifact-source.js';
import { cacheKeys, restoreDatabaseFromCache } from './database-cache.js';
import { databaseFingerprint } from '../engine/index.js';
import type { GithubRun } from './github-env.js';
import type { ActionInputs } from './inputs.js';

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
  notes: string[];
  problems: string[];
}

/**
 * Restores the database by the `restore` input, never over a database that already exists (tokf
 * ran earlier in the job, or a self-hosted runner keeps its home): then the restored copy goes to a
 * side file, whose pending events the sync sends too. Never throws: problems are reported.
 */
export async function restoreDatabase(inputs: ActionInputs, run: GithubRun): Promise<RestoreState> {
  const dbPath = inputs.databasePath;
  const existing = existsSync(dbPath);
  const state: RestoreState = {
    dbPath,
    restoredFrom: existing ? 'existing' : 'none',
    cacheHit: false,
    notes: [],
    problems: [],
  };
  if (inputs.restore === 'none') return state;
  const target = existing
    ? join(run.runnerTemp, 'telemetry-sync', `restored-${run.runId}-${run.runAttempt}.db`)
    : dbPath;

  if (inputs.restore === 'cache' || inputs.restore === 'cache-then-artifact') {
    try {
      const keys = cacheKeys(inputs.cacheKeyPrefix, run);
      const key = await restoreDatabaseFromCache(keys, run, target);
      if (key !== undefined) {
        Object.assign(state, { restoredFrom: 'cache', restoredKey: key, cacheHit: true });
      }
    } catch (err) {
      state.problems.push(`restoring from the cache failed: ${messageOf(err)}`);
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
        `restoring from artifact "${inputs.artifactName}" failed: ${messageOf(err)}`,
      );
    }
  }

  const restored = state.restoredFrom === 'cache' || state.restoredFrom === 'artifact';
  if (restored && existing) {
    state.sidePath = target;
    state.notes.push(
      `a database already existed at ${dbPath}, so it was not overwritten; the restored copy was kept beside it and its pending events are synced too`,
    );
  } else if (restored) {
    try {
      state.restoredFingerprint = databaseFingerprint(dbPath);
    } catch (err) {
      state.problems.push(`the restored database cannot be read: ${messageOf(err)}`);
    }
  } else if (!existing) {
    state.notes.push(
      `no database was found to restore (${describeSources(inputs)}); tokf will start a new one`,
    );
  }
  return state;
}

function describeSources(inputs: ActionInputs): string {
  if (inputs.restore === 'cache') return 'cache';
  if (inputs.restore === 'artifact') return `artifact "${inputs.artifactName}"`;
  return `cache, then artifact "${inputs.artifactName}"`;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
