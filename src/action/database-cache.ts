import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GithubRun } from './github-env.js';
import { moveFile } from './files.js';
import { catchCacheFailure } from './cache-failures.js';
import type { Leg } from './leg.js';
import { copyDatabase } from '../engine/index.js';
import { describeServiceError } from './service-error.js';
import { cacheToolkit } from './toolkit-clients.js';

/**
 * The cache stores paths relative to GITHUB_WORKSPACE, and its version hashes the path patterns as
 * given. So the database goes through a fixed staging path inside the workspace, given to the cache
 * as the same relative pattern on restore and save: the key matches on any runner, wherever the
 * workspace or the database lives. The staging copy exists only during the step.
 */
const STAGING_DIR = '.telemetry-sync-cache';
const STAGING_PATTERN = `${STAGING_DIR}/tracking.db`;

export interface CacheKeys {
  /**
   * This run's key: keys are immutable, so every run saves a new one, and each leg of a matrix
   * (same job name, run, attempt and OS) its own, told apart by the job's backend id.
   */
  primary: string;
  /** Every key of this action's entries starts so: restores take the newest of them. */
  restorePrefix: string;
}

export function cacheKeys(prefix: string, run: GithubRun, leg: Leg): CacheKeys {
  const restorePrefix = `${prefix}-${run.os}-`;
  return {
    primary: `${restorePrefix}${run.runId}-${run.runAttempt}-${leg.id}`,
    restorePrefix,
  };
}

export async function cacheAvailable(): Promise<boolean> {
  return (await cacheToolkit()).isFeatureAvailable();
}

/**
 * Restores the newest cached database to `target`; the key restored, or undefined on a miss. A
 * cache that fails throws, with the toolkit's reason.
 */
export async function restoreDatabaseFromCache(
  keys: CacheKeys,
  run: GithubRun,
  target: string,
): Promise<string | undefined> {
  return restoreEntry(run, keys.primary, [keys.restorePrefix], target);
}

/** Restores the entry of exactly this key to `target`; the key, or undefined on a miss. */
export async function restoreCacheEntry(
  run: GithubRun,
  key: string,
  target: string,
): Promise<string | undefined> {
  return restoreEntry(run, key, [], target);
}

async function restoreEntry(
  run: GithubRun,
  primary: string,
  restoreKeys: string[],
  target: string,
): Promise<string | undefined> {
  const cache = await cacheToolkit();
  if (!cache.isFeatureAvailable()) return undefined;
  return inWorkspace(run, async () => {
    try {
      const { value: key, failure } = await catchCacheFailure(() =>
        cache.restoreCache([STAGING_PATTERN], primary, restoreKeys),
      );
      // A failing service is not "nothing there": the caller reports it as such.
      if (key === undefined && failure !== undefined) {
        throw new Error(
          failure.trim() !== ''
            ? failure
            : `the cache service or its storage failed on key ${primary} and gave no reason`,
        );
      }
      if (key !== undefined) moveFile(join(run.workspace, STAGING_PATTERN), target);
      return key;
    } finally {
      rmSync(join(run.workspace, STAGING_DIR), { recursive: true, force: true });
    }
  });
}

export type SaveOutcome =
  { saved: true; key: string } | { saved: false; reason: string; warn: boolean };

/**
 * Saves a consistent copy of the database (SQLite's online backup, so tokf writing meanwhile
 * cannot tear it) under this run's key.
 */
export async function saveDatabaseToCache(
  keys: CacheKeys,
  run: GithubRun,
  dbPath: string,
): Promise<SaveOutcome> {
  const cache = await cacheToolkit();
  if (!cache.isFeatureAvailable()) {
    return {
      saved: false,
      reason: 'the Actions cache service is not available on this runner',
      warn: true,
    };
  }
  return inWorkspace(run, async () => {
    const staging = join(run.workspace, STAGING_PATTERN);
    try {
      mkdirSync(join(run.workspace, STAGING_DIR), { recursive: true });
      await copyDatabase(dbPath, staging);
      const { value: id, failure } = await catchCacheFailure(() =>
        cache.saveCache([STAGING_PATTERN], keys.primary),
      );
      if (id === -1) {
        return {
          saved: false,
          reason: `the cache did not save key ${keys.primary}: ${failure?.trim() || 'it gave no reason'}`,
          warn: true,
        };
      }
      return { saved: true, key: keys.primary };
    } catch (err) {
      return {
        saved: false,
        reason: `saving the cache failed: ${describeServiceError(err)}`,
        warn: true,
      };
    } finally {
      rmSync(join(run.workspace, STAGING_DIR), { recursive: true, force: true });
    }
  });
}

// The cache resolves its path patterns against the working directory.
async function inWorkspace<T>(run: GithubRun, work: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  mkdirSync(run.workspace, { recursive: true });
  process.chdir(run.workspace);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}
