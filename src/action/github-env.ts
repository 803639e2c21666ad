import { readFileSync } from 'node:fs';

/** The facts about the current run that the runner puts in the environment. */
export interface GithubRun {
  serverUrl: string;
  apiUrl: string;
  /** owner/name */
  repository: string;
  owner: string;
  repo: string;
  runId: string;
  runAttempt: string;
  job: string;
  workflow: string;
  sha: string;
  refName: string;
  refType: string;
  headRef: string;
  baseRef: string;
  /** Lower-case runner OS, for cache keys: linux, windows, macos. */
  os: string;
  workspace: string;
  runnerTemp: string;
  /** The pull request number when the event is a pull request. */
  pullRequest: number | undefined;
}

export function readGithubRun(env: NodeJS.ProcessEnv): GithubRun {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  return {
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, ''),
    repository,
    owner,
    repo,
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    job: env.GITHUB_JOB ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    sha: env.GITHUB_SHA ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    refType: env.GITHUB_REF_TYPE ?? '',
    headRef: env.GITHUB_HEAD_REF ?? '',
    baseRef: env.GITHUB_BASE_REF ?? '',
    os: (env.RUNNER_OS || process.platform).toLowerCase(),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || env.TMPDIR || '/tmp',
    pullRequest: pullRequestNumber(env.GITHUB_EVENT_PATH),
  };
}

function pullRequestNumber(eventPath: string | undefined): number | undefined {
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: { number?: unknown };
    };
    const n = event.pull_request?.number;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The page of a workflow run, with its attempt. */
export function runUrl(run: GithubRun): string {
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`;
}
