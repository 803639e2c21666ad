import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { noClaim, removeMergedEntries, type Claim } from './cache-claims.js';
import { cacheKeys, saveDatabaseToCache, type SaveOutcome } from './database-cache.js';
import { databaseFingerprint, stampOwnRows } from '../engine/index.js';
import { readGithubRun, type GithubRun } from './github-env.js';
import type { ActionInputs } from './inputs.js';
import { readLeg, type Leg } from './leg.js';
import { messageOf } from '../errors.js';
import { readInputsOrReport } from './read-inputs.js';
import { publishReport, reportProblems } from './report-phase.js';
import type { RestoreState } from './restore.js';
import { readClaim, readRestore, syncDone } from './state.js';
import { syncPhase } from './sync-phase.js';
import { gridctlPhase } from './gridctl-phase.js';

/** The post step: after tokf's steps, even in failed jobs. Sync, report, save, clean up. */
export async function runPost(): Promise<void> {
  const inputs = readInputsOrReport('post');
  if (inputs === undefined) return;
  const run = readGithubRun(process.env);
  const leg = readLeg(process.env, inputs.leg);
  const restore = readRestore() ?? nothingRestored(inputs);

  if (syncDone()) {
    // sync: now already reported in the main step; only the save is left.
    const claim = readClaim() ?? noClaim();
    const save = await saveDatabase(inputs, run, leg, restore, claim);
    if (save !== undefined)
      core.info(save.saved ? `saved the database as ${save.key}` : save.reason);
    const cleanup = await removeMergedEntries(inputs, run, restore, claim, save?.saved === true);
    reportProblems(
      [
        ...(save !== undefined && !save.saved && save.warn ? [save.reason] : []),
        ...cleanup.problems,
        ...(await gridctlPhase(inputs)),
      ],
      inputs.failOnError,
      cleanup.advice,
    );
    return;
  }
  const report = await syncPhase(inputs, run, restore, leg);
  const claim = report.claim ?? noClaim();
  report.save = await saveDatabase(inputs, run, leg, restore, claim);
  if (report.save !== undefined && !report.save.saved && report.save.warn)
    report.problems.push(report.save.reason);
  const cleanup = await removeMergedEntries(
    inputs,
    run,
    restore,
    claim,
    report.save?.saved === true,
  );
  report.notes.push(...cleanup.notes);
  report.problems.push(...cleanup.problems, ...(await gridctlPhase(inputs)));
  (report.advice ??= []).push(...cleanup.advice);
  await publishReport(inputs, run, report, leg);
  // The summary lists the restore's problems and advice too, but the main step has annotated them
  // (and failed on them with fail-on-error) already.
  reportProblems(
    report.problems.filter((p) => !restore.problems.includes(p)),
    inputs.failOnError,
    report.advice?.filter((a) => !(restore.advice ?? []).includes(a)),
  );
}

// The main step may not have run (or failed early): then nothing was restored.
function nothingRestored(inputs: ActionInputs): RestoreState {
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
  leg: Leg,
  restore: RestoreState,
  claim: Claim,
): Promise<SaveOutcome | undefined> {
  if (!inputs.saveCache) return undefined;
  if (!existsSync(restore.dbPath)) {
    return {
      saved: false,
      reason: `nothing to save: no database at ${restore.dbPath}`,
      warn: false,
    };
  }
  const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
  // tokf started the database during the job: every row in it is this run's own.
  if (restore.stampAtPost === true && !inputs.settings.dryRun) {
    try {
      stampOwnRows(restore.dbPath, keys.primary, 1);
    } catch (err) {
      core.debug(`could not stamp the database's own rows: ${messageOf(err)}`);
    }
  }
  // An entry this run took must be replaced, whatever changed.
  if (
    claim.taken.length === 0 &&
    restore.restoredFrom === 'cache' &&
    restore.restoredFingerprint === fingerprintOrNone(restore.dbPath)
  ) {
    return {
      saved: false,
      reason: `not saved: unchanged since it was restored from ${restore.restoredKey}`,
      warn: false,
    };
  }
  return saveDatabaseToCache(keys, run, restore.dbPath);
}

function fingerprintOrNone(path: string): string | undefined {
  try {
    return databaseFingerprint(path);
  } catch {
    return undefined;
  }
}
