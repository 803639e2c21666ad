import type { GithubRun } from './github-env.js';
import { describeServiceError } from './service-error.js';

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A REST call GitHub refused (its message names the permission the token most likely lacks), or
 * one that got no answer (status 0).
 */
export class GithubApiError extends Error {
  override name = 'GithubApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The few REST calls the action makes itself, through fetch: no Octokit for three routes. A
 * refusal names the permission the token would need, since that is the usual cause; a call that
 * got no answer says so, with fetch's reason.
 */
export class GithubRest {
  constructor(
    private readonly run: GithubRun,
    private readonly token: string,
  ) {}

  async request<T>(method: string, path: string, permission: string, body?: unknown): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.run.apiUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.token}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'telemetry-sync',
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (err) {
      // No answer at all: the network or the service, which no permission would mend (status 0).
      throw new GithubApiError(
        `GitHub API ${method} ${this.run.apiUrl}${path} could not be reached: ${describeServiceError(err)}`,
        0,
      );
    }
    if (!response.ok) {
      const message = readMessage(text);
      const hint =
        response.status === 401 || response.status === 403 || response.status === 404
          ? `; the token needs the "${permission}" permission (set it under "permissions:" in the workflow)`
          : '';
      throw new GithubApiError(
        `GitHub API ${method} ${path} answered ${response.status} ${message}${hint}`,
        response.status,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

function readMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? `(${parsed.message})` : '';
  } catch {
    return '';
  }
}
