import * as core from '@actions/core';
import { defaultTokfDbPath } from '../config/tokf-paths.js';
import { Outputs, State } from './constants.js';
import { readGithubRun } from './github-env.js';
import { publishReport, reportProblems } from './report-phase.js';
import { readInputsOrReport } from './read-inputs.js';
import { restoreDatabase } from './restore.js';
import { syncPhase } from './sync-phase.js';

/** The main step: early in the job, before tokf writes. Restore, and sync now if asked. */
export async function runMain(): Promise<void> {
  core.saveState(State.IsPost, 'true');
  const inputs = readInputsOrReport();
  if (inputs === undefined) return;
  const run = readGithubRun(process.env);

  const restore = await restoreDatabase(inputs, run);
  core.saveState(State.Restore, JSON.stringify(restore));
  core.setOutput(Outputs.CacheHit, restore.cacheHit);
  core.setOutput(Outputs.RestoredFrom, restore.restoredFrom);
  core.setOutput(
    Outputs.CacheKey,
    restore.restoredKey && restore.cacheHit ? restore.restoredKey : '',
  );
  core.info(
    `database ${inputs.databasePath}: ${restore.restoredFrom}${restore.restoredKey ? ` (${restore.restoredKey})` : ''}`,
  );
  // Later steps run tokf; it must write where we restored and will save.
  if (inputs.databasePath !== defaultTokfDbPath(process.env)) {
    core.exportVariable('TOKF_DB_PATH', inputs.databasePath);
  }

  if (inputs.sync === 'now') {
    const report = await syncPhase(inputs, run, restore);
    core.saveState(State.SyncDone, 'true');
    await publishReport(inputs, run, report);
    reportProblems(report.problems, inputs.failOnError);
  } else {
    reportProblems(restore.problems, inputs.failOnError);
  }
}
