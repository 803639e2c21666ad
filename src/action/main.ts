import * as core from '@actions/core';
import { TOKF_TELEMETRY_ENABLED } from '../config/tokf-config.js';
import { defaultTokfDbPath } from '../config/tokf-paths.js';
import { Outputs } from './constants.js';
import { readGithubRun } from './github-env.js';
import { readLeg } from './leg.js';
import { publishReport, reportProblems } from './report-phase.js';
import { readInputsOrReport } from './read-inputs.js';
import { restoreDatabase } from './restore.js';
import { markPost, saveRestore, saveSyncDone } from './state.js';
import { syncPhase } from './sync-phase.js';

/** The main step: early in the job, before tokf writes. Restore, and sync now if asked. */
export async function runMain(): Promise<void> {
  markPost();
  const inputs = readInputsOrReport();
  if (inputs === undefined) return;
  const run = readGithubRun(process.env);
  const leg = readLeg(process.env, inputs.leg);

  const restore = await restoreDatabase(inputs, run, leg);
  saveRestore(restore);
  core.setOutput(Outputs.CacheHit, restore.cacheHit);
  core.setOutput(Outputs.RestoredFrom, restore.restoredFrom);
  core.setOutput(
    Outputs.CacheKey,
    restore.restoredKey && restore.cacheHit ? restore.restoredKey : '',
  );
  core.info(
    `database ${inputs.databasePath}: ${restore.restoredFrom}${restore.restoredKey ? ` (${restore.restoredKey})` : ''}`,
  );
  for (const note of restore.notes) core.info(note);
  // Later steps run tokf; it must write where we restored and will save.
  if (inputs.databasePath !== defaultTokfDbPath(process.env)) {
    core.exportVariable('TOKF_DB_PATH', inputs.databasePath);
  }
  // tokf keeps no record of what it exported live: rows sent both ways would count twice.
  if (inputs.tokfLiveExport === 'off') {
    core.exportVariable(TOKF_TELEMETRY_ENABLED, 'false');
    core.info(
      `tokf's live export is off for the rest of the job (${TOKF_TELEMETRY_ENABLED}=false): the replay sends its events once`,
    );
  }

  if (inputs.sync === 'now') {
    const report = await syncPhase(inputs, run, restore, leg);
    saveSyncDone(report.claim);
    await publishReport(inputs, run, report, leg);
    reportProblems(report.problems, inputs.failOnError, report.advice);
  } else {
    reportProblems(restore.problems, inputs.failOnError, restore.advice);
  }
}
