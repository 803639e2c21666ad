import type { GithubRun } from './github-env.js';

/** A REST call GitHub refused; its message names the permission the token most likely lacks. */
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
 * The few REST calls the action makes itself, through fetch: no Octokit for three routes. Every
 * failure names the permission the token would need, since that is the usual cause.
 */
export class GithubRest {
  constructor(
    private readonly run: GithubRun,
    private readonly token: string,
  ) {}

  async request<T>(method: string, path: string, permission: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.run.apiUrl}${path}`, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${this.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'telemetry-sync',
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
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
