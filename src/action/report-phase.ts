import * as core from '@actions/core';
import type { ActionReport } from './action-report.js';
import type { GithubRun } from './github-env.js';
import { GithubRest } from './github-rest.js';
import type { ActionInputs } from './inputs.js';
import type { Leg } from './leg.js';
import { logLines } from './log-lines.js';
import { once } from './once.js';
import { commentMarker, upsertPullRequestComment } from './pr-comment.js';
import { messageOf } from '../errors.js';
import { describeServiceError } from './service-error.js';
import { renderReport } from './summary-markdown.js';

/** Job summary and pull-request comment. Never throws: failures join the report's problems. */
export async function publishReport(
  inputs: ActionInputs,
  run: GithubRun,
  report: ActionReport,
  leg: Leg,
): Promise<void> {
  for (const line of logLines(report)) core.info(line);
  // A fork's token cannot comment; the fork note in the report says so once.
  if (inputs.commentOnPr && run.pullRequest !== undefined && !run.fromFork) {
    if (inputs.githubToken === '') {
      report.problems.push('comment-on-pr is set but there is no github-token');
    } else {
      try {
        const marker = commentMarker(run, leg);
        const rest = new GithubRest(run, inputs.githubToken);
        const { created } = await upsertPullRequestComment(
          rest,
          run,
          run.pullRequest,
          renderReport(report, marker),
          marker,
        );
        core.info(
          `${created ? 'created' : 'updated'} the telemetry comment on pull request #${run.pullRequest}`,
        );
      } catch (err) {
        report.problems.push(
          `updating the pull-request comment failed: ${describeServiceError(err)}`,
        );
      }
    }
  }
  if (inputs.summary) {
    try {
      await core.summary.addRaw(renderReport(report)).write();
    } catch (err) {
      report.problems.push(`writing the job summary failed: ${messageOf(err)}`);
    }
  }
}

/**
 * Problems become warning annotations: telemetry must not fail the user's job unless they ask
 * with fail-on-error.
 */
export function reportProblems(
  problems: readonly string[],
  failOnError: boolean,
  advice: readonly string[] = [],
): void {
  // Missing permissions: a warning to act on, but telemetry that works around them is not a failure.
  for (const a of once(advice)) core.warning(a, { title: 'telemetry-sync' });
  for (const p of once(problems)) core.warning(p, { title: 'telemetry-sync' });
  if (failOnError && problems.length > 0) {
    core.setFailed(`telemetry-sync: ${problems.length} problem(s); the first: ${problems[0]}`);
  }
}
