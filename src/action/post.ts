import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { cacheKeys, saveDatabaseToCache, type SaveOutcome } from './database-cache.js';
import { State } from './constants.js';
import { databaseFingerprint } from '../engine/index.js';
import { readGithubRun, type GithubRun } from './github-env.js';
import type { ActionInputs } from './inputs.js';
import { readInputsOrReport } from './read-inputs.js';
import { publishReport, reportProblems } from './report-phase.js';
import type { RestoreState } from './restore.js';
import { syncPhase } from './sync-phase.js';

/** The post step: after tokf's steps, even in failed jobs. Sync, report, save. */
export async function runPost(): Promise<void> {
  const inputs = readInputsOrReport();
  if (inputs === undefined) return;
  const run = readGithubRun(process.env);
  const restore = readRestoreState(inputs);

  if (core.getState(State.SyncDone) === 'true') {
    // sync: now already reported in the main step; only the save is left.
    const save = await saveDatabase(inputs, run, restore);
    if (save !== undefined)
      core.info(save.saved ? `saved the database as ${save.key}` : save.reason);
    reportProblems(
      save !== undefined && !save.saved && save.warn ? [save.reason] : [],
      inputs.failOnError,
    );
    return;
  }
  const report = await syncPhase(inputs, run, restore);
  report.save = await saveDatabase(inputs, run, restore);
  if (report.save !== undefined && !report.save.saved && report.save.warn)
    report.problems.push(report.save.reason);
  await publishReport(inputs, run, report);
  reportProblems(report.problems, inputs.failOnError);
}

// The main step may not have run (or failed early): then nothing was restored.
function readRestoreState(inputs: ActionInputs): RestoreState {
  const saved = core.getState(State.Restore);
  if (saved !== '') return JSON.parse(saved) as RestoreState;
  return {
    dbPath: inputs.databasePath,
    restoredFrom: existsSync(inputs.databasePath) ? 'existing' : 'none',
    cacheHit: false,
    notes: [],
    problems: [],
  };
}

async function saveDatabase(
  inputs: ActionInputs,
  run: GithubRun,
  restore: RestoreState,
): Promise<SaveOutcome | undefined> {
  if (!inputs.saveCache) return undefined;
  if (!existsSync(restore.dbPath)) {
    return {
      saved: false,
      reason: `nothing to save: no database at ${restore.dbPath}`,
      warn: false,
    };
  }
  if (
    restore.restoredFrom === 'cache' &&
    restore.restoredFingerprint === fingerprintOrNone(restore.dbPath)
  ) {
    return {
      saved: false,
      reason: `not saved: unchanged since it was restored from ${restore.restoredKey}`,
      warn: false,
    };
  }
  return saveDatabaseToCache(cacheKeys(inputs.cacheKeyPrefix, run), run, restore.dbPath);
}

function fingerprintOrNone(path: string): string | undefined {
  try {
    return databaseFingerprint(path);
  } catch {
    return undefined;
  }
}
