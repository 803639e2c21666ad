import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSyncConfig } from '../config/build-config.js';
import type { SyncConfig } from '../config/sync-config.js';
import { FilesForLater, runSync, type SignalResult, type SyncResult } from '../engine/index.js';
import { USER_AGENT } from '../version.js';
import { claimLeftovers, noClaim } from './cache-claims.js';
import { ciResourceAttributes } from './ci-attributes.js';
import { Outputs } from './constants.js';
import type { GithubRun } from './github-env.js';
import { inputLabel, type ActionInputs } from './inputs.js';
import type { Leg } from './leg.js';
import { otlpArtifactName, uploadOtlpArtifact } from './otlp-artifact.js';
import { messageOf } from '../errors.js';
import type { RestoreState } from './restore.js';
import { describeServiceError } from './service-error.js';
import type { ActionReport } from './action-report.js';
import { statusOf } from './report-status.js';
import { combine } from './report-totals.js';
import { describeNotice } from '../report/notices.js';
import { rest } from '../report/text-summary.js';

const FORK_NOTE =
  'this pull request comes from a fork, whose workflows get no secrets and a read-only token: telemetry-sync writes the summary and the OTLP/JSON artifact, posts no comment and leaves older cache entries alone';

/**
 * Syncs the database (and a restored copy kept beside it), sets the outputs and uploads the
 * OTLP/JSON artifact. Never throws: what went wrong is in the report's problems.
 */
export async function syncPhase(
  inputs: ActionInputs,
  run: GithubRun,
  restore: RestoreState,
  leg: Leg,
): Promise<ActionReport> {
  const report: ActionReport = {
    result: undefined,
    restoredCopy: undefined,
    restoredFrom: restore.restoredFrom,
    restoredKey: restore.restoredKey,
    artifact: undefined,
    save: undefined,
    pullRequest: run.pullRequest,
    commands: inputs.summaryCommands,
    notes: [...restore.notes],
    problems: [...restore.problems],
    advice: [...(restore.advice ?? [])],
    claim: noClaim(),
  };
  // Said once, with the other notes, in the log and the summary.
  if (run.fromFork) report.notes.push(FORK_NOTE);
  const otlpDir = join(run.runnerTemp, 'telemetry-sync', `otlp-${run.runId}-${run.runAttempt}`);
  let config: SyncConfig;
  try {
    config = buildSyncConfig(
      {
        ...inputs.settings,
        db: restore.dbPath,
        otlpJsonOut: otlpDir,
        ...(inputs.openmetrics && { openmetricsOut: otlpDir }),
      },
      process.env,
      Date.now(),
      inputLabel,
    );
  } catch (err) {
    report.problems.push(messageOf(err));
    return report;
  }
  if (inputs.ciAttributes) config.resource = { ...ciResourceAttributes(run), ...config.resource };
  // The OTLP/JSON file exists to be uploaded. With no artifact it would be a copy thrown away with
  // the runner's temp directory, and the engine sets aside events older than max-age only where a
  // file keeps them: without one they stay pending, as with the command. (With no endpoint the
  // file is the run's only work, as before: it exports, and records nothing.)
  if (inputs.otlpArtifact === 'never' && config.endpoint !== undefined) delete config.otlpJsonOut;
  const keepsFile = config.otlpJsonOut !== undefined;
  // The file is written only if it is to be uploaded (on-failure: spooled until the outcome is
  // known), and events kept in it are set aside only once it is uploaded (see FilesForLater).
  const later =
    keepsFile && config.endpoint !== undefined && !config.dryRun
      ? new FilesForLater(inputs.otlpArtifact === 'on-failure')
      : undefined;

  // Before sending what earlier runs left pending, take charge of it (see cache-claims.ts).
  if (config.endpoint !== undefined && !config.dryRun) {
    report.claim = await claimLeftovers(inputs, run, restore);
    report.notes.push(...report.claim.notes);
    report.advice?.push(...report.claim.advice);
  }
  const fromId = report.claim?.fromId;

  // The restored copy first: its events are older than the ones tokf wrote in this job.
  if (restore.sidePath !== undefined && existsSync(restore.sidePath)) {
    report.restoredCopy = await syncOne(
      {
        ...config,
        dbPath: restore.sidePath,
        ...(keepsFile && { otlpJsonOut: join(otlpDir, 'restored-copy') }),
        ...(config.openmetricsOut !== undefined && {
          openmetricsOut: join(otlpDir, 'restored-copy'),
        }),
      },
      report,
      later,
    );
  }
  if (existsSync(restore.dbPath)) {
    report.result = await syncOne(
      fromId === undefined ? config : { ...config, fromId },
      report,
      later,
    );
  } else {
    report.notes.push(`no database at ${restore.dbPath}: nothing to sync`);
  }

  const results = [report.result, report.restoredCopy].filter(
    (r): r is SyncResult => r !== undefined,
  );
  // The upload first: what the outputs and notes say of the artifact holds only once it is there.
  await uploadArtifact(inputs, run, leg, results, otlpDir, report, later);
  const left = report.restoredCopy?.pending ?? 0;
  if (left > 0) {
    report.notes.push(
      `${left} event(s) of the restored copy are still pending and are not in the database that will be saved; they will be lost unless this run is retried${report.artifact !== undefined ? ' (they are in the OTLP/JSON artifact)' : ''}`,
    );
  }
  setSyncOutputs(results, report);
  return report;
}

async function syncOne(
  config: SyncConfig,
  report: ActionReport,
  later: FilesForLater | undefined,
): Promise<SyncResult | undefined> {
  try {
    const result = await runSync(config, {
      now: Date.now,
      log: (line) => core.info(line),
      userAgent: USER_AGENT,
      ...(later !== undefined && { filesForLater: later }),
    });
    const first = result.errors[0];
    if (result.exitCode !== 0) {
      report.problems.push(
        `${notDelivered(result)} (${rest(result)}): ${first === undefined ? 'see the log' : describeNotice(first)}`,
      );
    }
    return result;
  } catch (err) {
    report.problems.push(`${config.dbPath}: ${messageOf(err)}`);
    return undefined;
  }
}

/** How many selected events were not delivered, per signal where the run sent more than metrics. */
function notDelivered(r: SyncResult): string {
  const signals = r.signals.filter((s) => s.signal !== 'metrics' || r.signals.length > 1);
  if (signals.length === 0)
    return `${r.selected - r.delivered} of ${r.selected} events were not delivered`;
  const left = signals
    .filter((s) => s.delivered < s.selected)
    .map((s) => `${s.selected - s.delivered} of ${s.selected} as ${s.signal}`);
  return `events were not delivered: ${left.length === 0 ? 'see the log' : left.join(', ')}`;
}

function setSyncOutputs(results: SyncResult[], report: ActionReport): void {
  const total = combine(results);
  // Several signals: the counts add up each signal's, so that an event still owed as logs keeps
  // `pending` above zero although its metrics were delivered.
  const perSignal = results.flatMap((r) => r.signals);
  const several = results.some((r) => r.signals.length > 1);
  const sum = (pick: (s: SignalResult) => number) =>
    perSignal.some((s) => pick(s) < 0) ? -1 : perSignal.reduce((n, s) => n + pick(s), 0);
  core.setOutput(Outputs.Selected, several ? sum((s) => s.selected) : total.selected);
  core.setOutput(Outputs.Delivered, several ? sum((s) => s.delivered) : total.delivered);
  core.setOutput(Outputs.Rejected, total.rejectedPoints);
  core.setOutput(Outputs.Pending, several ? sum((s) => s.pending) : total.pending);
  core.setOutput(Outputs.TokensSaved, total.tokens.saved);
  core.setOutput(Outputs.Status, statusOf(results, report.artifactFailed));
  core.setOutput(
    Outputs.TooOld,
    several ? sum((s) => s.tooOld + s.tooOldForEndpoint) : total.tooOld + total.tooOldForEndpoint,
  );
  core.setOutput(Outputs.SetAside, several ? sum((s) => s.setAside) : total.setAside);
  core.setOutput(Outputs.Signals, JSON.stringify(signalOutputs(perSignal)));
  const firsts = results
    .map((r) => r.firstEventTime)
    .filter((t): t is string => t !== null)
    .sort();
  const lasts = results
    .map((r) => r.lastEventTime)
    .filter((t): t is string => t !== null)
    .sort();
  core.setOutput(Outputs.FirstEventTime, firsts[0] ?? '');
  core.setOutput(Outputs.LastEventTime, lasts.at(-1) ?? '');
}

interface SignalFigures {
  selected: number;
  delivered: number;
  /** -1 when a count failed. */
  pending: number;
  setAside: number;
  tooOld: number;
}

/** Each signal's own figures, the `signals` output; a restored copy's add to the database's. */
function signalOutputs(perSignal: readonly SignalResult[]): Record<string, SignalFigures> {
  const add = (a: number, b: number) => (a < 0 || b < 0 ? -1 : a + b);
  const out: Record<string, SignalFigures> = {};
  for (const s of perSignal) {
    const o = out[s.signal] ?? { selected: 0, delivered: 0, pending: 0, setAside: 0, tooOld: 0 };
    out[s.signal] = {
      selected: o.selected + s.selected,
      delivered: o.delivered + s.delivered,
      pending: add(o.pending, s.pending),
      setAside: add(o.setAside, s.setAside),
      tooOld: o.tooOld + s.tooOld + s.tooOldForEndpoint,
    };
  }
  return out;
}

async function uploadArtifact(
  inputs: ActionInputs,
  run: GithubRun,
  leg: Leg,
  results: SyncResult[],
  otlpDir: string,
  report: ActionReport,
  later: FilesForLater | undefined,
): Promise<void> {
  // One OTLP/JSON file per signal sent (metrics.jsonl, logs.jsonl, traces.jsonl).
  const listed = [
    ...new Set(
      results.flatMap((r) =>
        [r.otlpJsonFile, ...r.signals.map((s) => s.otlpJsonFile), r.openmetricsFile].filter(
          (f): f is string => f !== null,
        ),
      ),
    ),
  ];
  const noEndpoint = results.every((r) => r.endpoint === null);
  const somethingLeft =
    results.some(
      (r) => r.delivered < r.selected || r.signals.some((s) => s.delivered < s.selected),
    ) || report.problems.length > 0;
  const wanted =
    inputs.otlpArtifact === 'always' ||
    (inputs.otlpArtifact === 'on-failure' && (somethingLeft || noEndpoint));
  if (listed.length === 0 || !wanted) {
    later?.discard();
    keptNowhere(later, results, report);
    if (listed.length === 0) return;
    report.artifactSkipped =
      inputs.otlpArtifact === 'never'
        ? 'no OTLP/JSON artifact (otlp-artifact: never)'
        : 'no OTLP/JSON artifact: every selected event was delivered (otlp-artifact: on-failure)';
    return;
  }
  // Spooled files are written now; one that could not be written is left out (the problem says so).
  report.problems.push(...(later?.writeFiles() ?? []));
  const files = listed.filter((f) => existsSync(f));
  if (files.length === 0) {
    keptNowhere(later, results, report);
    return;
  }
  const name = otlpArtifactName(inputs.otlpArtifactName, run, leg);
  try {
    report.artifact = await uploadOtlpArtifact(name, files, otlpDir, inputs.retentionDays, run);
    core.setOutput(Outputs.OtlpArtifactId, report.artifact.id);
    core.setOutput(Outputs.OtlpArtifactUrl, report.artifact.url);
    core.info(
      `uploaded ${files.map((f) => relative(otlpDir, f)).join(', ')} as artifact ${name} (${report.artifact.url})`,
    );
  } catch (err) {
    report.artifactFailed = describeServiceError(err);
    report.problems.push(
      `uploading the OTLP/JSON artifact ${name} failed: ${report.artifactFailed}`,
    );
    keptNowhere(later, results, report);
    return;
  }
  try {
    await later?.setAsideHeld(results, { now: Date.now });
  } catch (err) {
    const held = later?.heldCount() ?? 0;
    later?.leavePending(results);
    report.problems.push(
      `${held} event(s) kept in the uploaded artifact ${name} could not be set aside, so they stay pending: ${messageOf(err)}`,
    );
  }
}

/** No file uploaded: events held to be kept in it stay pending, and the notes say why. */
function keptNowhere(
  later: FilesForLater | undefined,
  results: readonly SyncResult[],
  report: ActionReport,
): void {
  const held = later?.heldCount() ?? 0;
  if (held === 0) return;
  later?.leavePending(results);
  report.notes.push(
    `${held} event(s) too old for the endpoint stay pending: they are set aside only once the OTLP/JSON artifact that keeps them is uploaded, and it was not`,
  );
}
