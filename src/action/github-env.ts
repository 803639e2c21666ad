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
  /** GITHUB_REF: refs/heads/main, refs/pull/7/merge; cache entries are scoped by it. */
  ref: string;
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
  /**
   * A pull request from a fork: the workflow gets no secrets and a read-only token, so there is
   * no endpoint, no comment and no deleting of cache entries.
   */
  fromFork: boolean;
}

export function readGithubRun(env: NodeJS.ProcessEnv): GithubRun {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const event = readEvent(env.GITHUB_EVENT_PATH);
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
    ref: env.GITHUB_REF ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    refType: env.GITHUB_REF_TYPE ?? '',
    headRef: env.GITHUB_HEAD_REF ?? '',
    baseRef: env.GITHUB_BASE_REF ?? '',
    os: (env.RUNNER_OS || process.platform).toLowerCase(),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || env.TMPDIR || '/tmp',
    pullRequest:
      typeof event?.pull_request?.number === 'number' ? event.pull_request.number : undefined,
    fromFork: fromFork(event, repository),
  };
}

interface EventPayload {
  pull_request?: {
    number?: unknown;
    head?: { repo?: { full_name?: unknown; fork?: unknown } | null };
  };
  repository?: { full_name?: unknown };
}

function readEvent(eventPath: string | undefined): EventPayload | undefined {
  if (!eventPath) return undefined;
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
  } catch {
    return undefined;
  }
}

// The head repository of a pull request from a fork is another one (or gone: a deleted fork).
function fromFork(event: EventPayload | undefined, repository: string): boolean {
  const pr = event?.pull_request;
  if (pr === undefined || pr.head === undefined) return false;
  const head = pr.head.repo;
  if (head === null || head === undefined) return true;
  const base =
    typeof event?.repository?.full_name === 'string' ? event.repository.full_name : repository;
  if (typeof head.full_name === 'string')
    return head.full_name.toLowerCase() !== base.toLowerCase();
  return head.fork === true;
}

/** The page of a workflow run, with its attempt. */
export function runUrl(run: GithubRun): string {
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`;
}
