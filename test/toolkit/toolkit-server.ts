/**
 * A loopback stand-in for the GitHub services the REAL @actions/cache and @actions/artifact call,
 * so tests (in-process or in child processes running the bundled action) make real round trips:
 *
 * - the results service's Twirp APIs (JSON, snake_case, 64-bit numbers as strings):
 *   `github.actions.results.api.v1.CacheService` (cache v2, used when ACTIONS_CACHE_SERVICE_V2 is
 *   set) and `github.actions.results.api.v1.ArtifactService`;
 * - the GitHub REST routes used to find and download artifacts of other runs, the repository-wide
 *   artifact listing, the cache listing and deletion, and issue comments;
 * - blob storage through Azurite (see azurite.ts) with signed URLs, as GitHub hands out Azure SAS
 *   URLs.
 *
 * Runs: `newRun()` returns what a runner puts in an action step's environment for a run/job
 * (except the per-job directories and files: see job-env.ts). Numeric run ids map to the backend
 * ids in the runtime token, so REST listings of one run find the artifacts uploaded through Twirp.
 *
 * In-process use: @actions/github (imported by @actions/artifact) reads GITHUB_API_URL when it is
 * first imported, so start the server, set GITHUB_API_URL (e.g. applyEnv(run.env)) and only then
 * `await import('@actions/artifact')`. One server per test file (jest isolates module registries per
 * file); child processes have no such constraint.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startAzurite } from './azurite.js';
import type { Azurite } from './azurite.js';

export const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService';
export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';
/** Azurite container for cache archives. */
export const CACHE_CONTAINER = 'actions-cache';
/** Azurite container for artifacts. */
export const ARTIFACT_CONTAINER = 'actions-results';
/** The identity comments are posted as with the run token (GitHub's github-actions app). */
export const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' } as const;

export type CacheMethod =
  'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL';
export type ArtifactMethod =
  | 'CreateArtifact'
  | 'FinalizeArtifact'
  | 'ListArtifacts'
  | 'GetSignedArtifactURL'
  | 'DeleteArtifact';
export type TwirpMethod = CacheMethod | ArtifactMethod;

/** REST routes the server implements, by name. */
export type RestRoute =
  | 'list-run-artifacts' // GET /repos/{o}/{r}/actions/runs/{run_id}/artifacts
  | 'list-repo-artifacts' // GET /repos/{o}/{r}/actions/artifacts
  | 'get-artifact' // GET /repos/{o}/{r}/actions/artifacts/{id}
  | 'download-artifact' // GET /repos/{o}/{r}/actions/artifacts/{id}/{archive_format}
  | 'delete-artifact' // DELETE /repos/{o}/{r}/actions/artifacts/{id}
  | 'list-caches' // GET /repos/{o}/{r}/actions/caches
  | 'delete-cache' // DELETE /repos/{o}/{r}/actions/caches/{cache_id}
  | 'list-comments' // GET /repos/{o}/{r}/issues/{n}/comments
  | 'create-comment' // POST /repos/{o}/{r}/issues/{n}/comments
  | 'get-comment' // GET /repos/{o}/{r}/issues/comments/{id}
  | 'update-comment' // PATCH /repos/{o}/{r}/issues/comments/{id}
  | 'delete-comment'; // DELETE /repos/{o}/{r}/issues/comments/{id}

export type DeniableRoute = RestRoute | TwirpMethod;

export interface DenyOptions {
  /**
   * HTTP status. REST default 403 (with GitHub's "Resource not accessible by integration").
   * Twirp default: CreateCacheEntry answers 200 `{ok:false, message:"cache write denied: ..."}`
   * (how the cache service refuses a read-only token), every other method 403 permission_denied
   * (GetCacheEntryDownloadURL with "cache read denied: ..."). A 5xx (or 429 for artifacts) makes
   * the clients retry for about 30 s before giving up.
   */
  status?: number;
  /** Message of the error body. */
  message?: string;
}

/**
 * Blob storage failing: every signed URL handed out points at this server instead of Azurite, and
 * each request to it gets `status` with an empty body (as a storage front end refusing a token
 * does; the Azure SDK then throws a RestError whose message is empty). 5xx make the SDK retry.
 */
export interface BlobFault {
  status: number;
}

export interface ToolkitServerOptions {
  /** `owner/name`. Default `octo-org/octo-repo`. */
  repository?: string;
  /** The token REST routes accept (`Bearer` or `token`). Default a fixed fake `ghs_...` value. */
  token?: string;
  /** Default branch (cache entries of its ref are readable from every ref). Default `main`. */
  defaultBranch?: string;
  /** Use this Azurite instead of starting one (then close() does not stop it). */
  azurite?: Azurite;
  /** First numeric run id handed out by newRun(). Default 10000000001 (beyond 2^32). */
  firstRunId?: number;
}

export interface RunOptions {
  /** Numeric run id (GITHUB_RUN_ID). Default: the next one. */
  runId?: number;
  /** GITHUB_RUN_ATTEMPT. Default 1. Each attempt of a run has its own backend id. */
  attempt?: number;
  /** GITHUB_JOB. Default `sync`. The same run, attempt and job give the same job backend id. */
  job?: string;
  /**
   * A leg of a matrix: legs share GITHUB_JOB (and run, attempt, OS) but each is a job of its own
   * with its own backend id, as on GitHub. Default: not a matrix.
   */
  leg?: string;
  /** GITHUB_REF. Default `refs/heads/<defaultBranch>`. Scopes cache entries like GitHub. */
  ref?: string;
  /** GITHUB_SHA. Default a fixed fake sha. */
  sha?: string;
  /** GITHUB_WORKFLOW. Default `CI`. */
  workflow?: string;
  /** GITHUB_EVENT_NAME. Default `push`. */
  eventName?: string;
}

/** A run/job as the server knows it, with the environment a runner gives its steps. */
export interface ToolkitRun {
  runId: number;
  attempt: number;
  job: string;
  ref: string;
  sha: string;
  workflow: string;
  /** Backend ids, as in the runtime token's `Actions.Results:<run>:<job>` scope. */
  runBackendId: string;
  jobBackendId: string;
  /** ACTIONS_RUNTIME_TOKEN (an unsigned JWT). */
  runtimeToken: string;
  /** The REST token (what `${{ github.token }}` gives, e.g. for a `github-token` input). */
  token: string;
  /** The environment for an action step of this job; see {@link ToolkitServer.newRun}. */
  env: Record<string, string>;
}

export interface CacheEntryInfo {
  id: number;
  key: string;
  version: string;
  /** The ref whose scope holds the entry. */
  ref: string;
  /** Size reported at finalize (0 while pending). */
  sizeBytes: number;
  /** Size of the blob in Azurite at finalize. */
  blobBytes: number;
  finalized: boolean;
  createdAt: Date;
  /** Name of the blob in {@link CACHE_CONTAINER}. */
  blobName: string;
}

export interface ArtifactInfo {
  id: number;
  name: string;
  runId: number;
  attempt: number;
  runBackendId: string;
  jobBackendId: string;
  /** Size reported at finalize. */
  size: number;
  /** `sha256:<hex>` reported at finalize, if any. */
  digest?: string;
  mimeType?: string;
  finalized: boolean;
  expired: boolean;
  createdAt: Date;
  expiresAt: Date;
  /** Name of the blob in {@link ARTIFACT_CONTAINER}. */
  blobName: string;
}

export interface CommentUser {
  login: string;
  id: number;
  type: string;
}

export interface IssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: CommentUser;
  createdAt: Date;
  updatedAt: Date;
}

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** `twirp:<Method>`, a RestRoute, `blob-fault` (see failBlobs) or `unknown`. */
  route: string;
  status: number;
}

interface RunRecord {
  runId: number;
  attempt: number;
  runBackendId: string;
  ref: string;
  sha: string;
  workflow: string;
  jobs: Map<string, JobRecord>;
}

interface JobRecord {
  run: RunRecord;
  name: string;
  jobBackendId: string;
  runtimeToken: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  503: 'unavailable',
};

function twirpError(status: number, msg: string): HttpError {
  return new HttpError(status, { code: TWIRP_CODES[status] ?? 'unknown', msg });
}

const DOCS = 'https://docs.github.com/rest';

function restError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): HttpError {
  return new HttpError(status, {
    message,
    documentation_url: DOCS,
    status: String(status),
    ...extra,
  });
}

/** The permission GitHub names in X-Accepted-GitHub-Permissions for each route. */
const ROUTE_PERMISSION: Record<RestRoute, string> = {
  'list-run-artifacts': 'actions=read',
  'list-repo-artifacts': 'actions=read',
  'get-artifact': 'actions=read',
  'download-artifact': 'actions=read',
  'delete-artifact': 'actions=write',
  'list-caches': 'actions=read',
  'delete-cache': 'actions=write',
  'list-comments': 'issues=read; pull_requests=read',
  'create-comment': 'issues=write; pull_requests=write',
  'get-comment': 'issues=read; pull_requests=read',
  'update-comment': 'issues=write; pull_requests=write',
  'delete-comment': 'issues=write; pull_requests=write',
};

/** GitHub REST timestamps: whole seconds, UTC, `Z`. */
function restTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned JWT carrying the claims the toolkit reads. */
function runtimeToken(run: RunRecord, jobBackendId: string, defaultRef: string): string {
  const now = Math.floor(Date.now() / 1000);
  const scopes = [{ Scope: run.ref, Permission: 3 }];
  if (run.ref !== defaultRef) scopes.push({ Scope: defaultRef, Permission: 1 });
  const results = `${run.runBackendId}:${jobBackendId}`;
  const payload = {
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${results} Actions.UploadArtifacts:${results}`,
    ac: JSON.stringify(scopes),
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vso:00000000-0000-0000-0000-000000000000',
    nbf: now - 60,
    iat: now - 60,
    exp: now + 6 * 3600,
  };
  return `${base64url({ typ: 'JWT', alg: 'none' })}.${base64url(payload)}.`;
}

function positiveInt(
  value: string | null,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) return fallback;
  return Math.min(n, max);
}

export class ToolkitServer {
  readonly repository: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly defaultBranch: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];

  private readonly options: ToolkitServerOptions;
  private server: http.Server | undefined;
  private azuriteInstance: Azurite | undefined;
  private ownsAzurite = false;
  private origin = '';

  private nextRunId: number;
  private nextCacheId = 1;
  private nextArtifactId = 3_000_000_001;
  private nextCommentId = 2_500_000_001;
  private readonly runsByKey = new Map<string, RunRecord>();
  private readonly runsByBackendId = new Map<string, RunRecord>();
  private readonly jobsByToken = new Map<string, JobRecord>();
  private cacheList: CacheEntryInfo[] = [];
  private artifactList: ArtifactInfo[] = [];
  private commentList: IssueComment[] = [];
  private readonly denied = new Map<DeniableRoute, DenyOptions>();
  private blobFault: BlobFault | undefined;

  constructor(options: ToolkitServerOptions = {}) {
    this.options = options;
    this.repository = options.repository ?? 'octo-org/octo-repo';
    const [owner, repo] = this.repository.split('/');
    if (!owner || !repo) throw new Error(`repository must be owner/name: ${this.repository}`);
    this.owner = owner;
    this.repo = repo;
    this.token = options.token ?? 'ghs_ToolkitServerFakeToken0000000000000000';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.nextRunId = options.firstRunId ?? 10_000_000_001;
  }

  /** Starts Azurite (unless given one), creates the containers and listens on 127.0.0.1. */
  async start(): Promise<void> {
    if (this.server) return;
    if (this.options.azurite) {
      this.azuriteInstance = this.options.azurite;
    } else {
      this.azuriteInstance = await startAzurite();
      this.ownsAzurite = true;
    }
    await this.azuriteInstance.createContainer(CACHE_CONTAINER);
    await this.azuriteInstance.createContainer(ARTIFACT_CONTAINER);
    const server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Stops listening (dropping kept-alive connections) and stops Azurite if it started it. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    if (this.ownsAzurite && this.azuriteInstance) await this.azuriteInstance.stop();
    this.azuriteInstance = undefined;
    this.ownsAzurite = false;
  }

  /** `http://127.0.0.1:<port>`: GITHUB_API_URL, and ACTIONS_RESULTS_URL with a `/`. */
  get url(): string {
    if (!this.origin) throw new Error('ToolkitServer not started');
    return this.origin;
  }

  get azurite(): Azurite {
    if (!this.azuriteInstance) throw new Error('ToolkitServer not started');
    return this.azuriteInstance;
  }

  /**
   * Registers (or finds) a run attempt and job and returns the environment a runner gives an
   * action step of it:
   * CI, GITHUB_ACTIONS, ACTIONS_CACHE_SERVICE_V2, ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN,
   * GITHUB_API_URL, GITHUB_GRAPHQL_URL, GITHUB_SERVER_URL (`https://github.com`: the libraries
   * treat any other host but `*.ghe.com`/`*.localhost` as GitHub Enterprise Server; nothing calls
   * it), GITHUB_REPOSITORY, GITHUB_REPOSITORY_OWNER, GITHUB_REPOSITORY_ID, GITHUB_RUN_ID,
   * GITHUB_RUN_NUMBER, GITHUB_RUN_ATTEMPT, GITHUB_JOB, GITHUB_WORKFLOW, GITHUB_SHA, GITHUB_REF,
   * GITHUB_REF_NAME, GITHUB_REF_TYPE, GITHUB_EVENT_NAME, GITHUB_ACTOR, RUNNER_OS, RUNNER_ARCH,
   * RUNNER_NAME, RUNNER_ENVIRONMENT, NO_PROXY and no_proxy.
   * Not included: GITHUB_WORKSPACE, RUNNER_TEMP, HOME, GITHUB_STATE, GITHUB_OUTPUT,
   * GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH, GITHUB_EVENT_PATH (per job: see job-env.ts),
   * inputs, and GITHUB_TOKEN (a runner does not set it; pass `run.token` as an input).
   */
  newRun(options: RunOptions = {}): ToolkitRun {
    const attempt = options.attempt ?? 1;
    const runId = options.runId ?? this.nextRunId++;
    if (runId >= this.nextRunId) this.nextRunId = runId + 1;
    const runKey = `${runId}/${attempt}`;
    let run = this.runsByKey.get(runKey);
    if (!run) {
      run = {
        runId,
        attempt,
        runBackendId: randomUUID(),
        ref: options.ref ?? `refs/heads/${this.defaultBranch}`,
        sha: options.sha ?? 'ffac537e6cbbf934b08745a378932722df287a53',
        workflow: options.workflow ?? 'CI',
        jobs: new Map(),
      };
      this.runsByKey.set(runKey, run);
      this.runsByBackendId.set(run.runBackendId, run);
    }
    const jobName = options.job ?? 'sync';
    const jobKey = options.leg === undefined ? jobName : `${jobName}\u0000${options.leg}`;
    let job = run.jobs.get(jobKey);
    if (!job) {
      const jobBackendId = randomUUID();
      job = {
        run,
        name: jobName,
        jobBackendId,
        runtimeToken: runtimeToken(run, jobBackendId, `refs/heads/${this.defaultBranch}`),
      };
      run.jobs.set(jobKey, job);
      this.jobsByToken.set(job.runtimeToken, job);
    }
    const refName = run.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\//, '');
    const env: Record<string, string> = {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      ACTIONS_CACHE_SERVICE_V2: 'True',
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: job.runtimeToken,
      GITHUB_API_URL: this.url,
      GITHUB_GRAPHQL_URL: `${this.url}/graphql`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: this.repository,
      GITHUB_REPOSITORY_OWNER: this.owner,
      GITHUB_REPOSITORY_ID: '700000001',
      GITHUB_RUN_ID: String(run.runId),
      GITHUB_RUN_NUMBER: String(run.runId % 100000),
      GITHUB_RUN_ATTEMPT: String(run.attempt),
      GITHUB_JOB: job.name,
      GITHUB_WORKFLOW: run.workflow,
      GITHUB_SHA: run.sha,
      GITHUB_REF: run.ref,
      GITHUB_REF_NAME: refName,
      GITHUB_REF_TYPE: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      GITHUB_EVENT_NAME: options.eventName ?? 'push',
      GITHUB_ACTOR: 'octocat',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'toolkit-server',
      RUNNER_ENVIRONMENT: 'github-hosted',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
    return {
      runId: run.runId,
      attempt: run.attempt,
      job: job.name,
      ref: run.ref,
      sha: run.sha,
      workflow: run.workflow,
      runBackendId: run.runBackendId,
      jobBackendId: job.jobBackendId,
      runtimeToken: job.runtimeToken,
      token: this.token,
      env,
    };
  }

  /** Makes a route (REST route name or Twirp method) fail; see {@link DenyOptions}. */
  deny(route: DeniableRoute, options: DenyOptions = {}): void {
    this.denied.set(route, options);
  }

  /** Makes blob storage fail (see {@link BlobFault}); undefined undoes it. */
  failBlobs(fault: BlobFault | undefined): void {
    this.blobFault = fault;
  }

  /** A signed blob URL, or the failing stand-in while failBlobs() is in force. */
  private signed(url: string): string {
    if (this.blobFault === undefined) return url;
    const at = new URL(url);
    return `${this.url}/blob-fault${at.pathname}${at.search}`;
  }

  /** Undoes deny() for one route, or for all. */
  allow(route?: DeniableRoute): void {
    if (route) this.denied.delete(route);
    else this.denied.clear();
  }

  /** Cache entries, newest first (pending ones included, see `finalized`). */
  cacheEntries(): CacheEntryInfo[] {
    return [...this.cacheList].sort((a, b) => b.id - a.id).map((entry) => ({ ...entry }));
  }

  /** Removes cache entries whose key starts with `prefix` (all by default); returns how many. */
  async deleteCacheEntries(prefix = ''): Promise<number> {
    const gone = this.cacheList.filter((entry) => entry.key.startsWith(prefix));
    this.cacheList = this.cacheList.filter((entry) => !entry.key.startsWith(prefix));
    await Promise.all(
      gone.map((entry) => this.azurite.deleteBlob(CACHE_CONTAINER, entry.blobName)),
    );
    return gone.length;
  }

  /** Artifacts (pending and expired included), newest first, optionally of one numeric run. */
  artifacts(filter: { runId?: number; name?: string } = {}): ArtifactInfo[] {
    return this.artifactList
      .filter((a) => filter.runId === undefined || a.runId === filter.runId)
      .filter((a) => filter.name === undefined || a.name === filter.name)
      .sort((a, b) => b.id - a.id)
      .map((a) => ({ ...a }));
  }

  /** Marks an artifact expired: listed with `expired: true`, hidden from Twirp, 410 on download. */
  expireArtifact(id: number): void {
    const artifact = this.artifactList.find((a) => a.id === id);
    if (!artifact) throw new Error(`no artifact ${id}`);
    artifact.expired = true;
    artifact.expiresAt = new Date();
  }

  /** Comments, oldest first, optionally of one issue / pull request. */
  comments(issueNumber?: number): IssueComment[] {
    return this.commentList
      .filter((c) => issueNumber === undefined || c.issueNumber === issueNumber)
      .map((c) => ({ ...c, user: { ...c.user } }));
  }

  /** Adds a comment as if someone had posted it (default: a human user). */
  addComment(
    issueNumber: number,
    body: string,
    user: CommentUser = { login: 'octocat', id: 583231, type: 'User' },
  ): IssueComment {
    const now = new Date();
    const comment: IssueComment = {
      id: this.nextCommentId++,
      issueNumber,
      body,
      user: { ...user },
      createdAt: now,
      updatedAt: now,
    };
    this.commentList.push(comment);
    return { ...comment, user: { ...comment.user } };
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP plumbing

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      route: 'unknown',
      status: 0,
    };
    this.requests.push(record);
    let status = 500;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', this.origin);
      if (url.pathname.startsWith('/blob-fault/')) {
        record.route = 'blob-fault';
        throw new HttpError(this.blobFault?.status ?? 404, undefined);
      }
      const twirp = /^\/twirp\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (twirp?.[1] && twirp[2]) {
        record.route = `twirp:${twirp[2]}`;
        if (req.method !== 'POST')
          throw twirpError(404, `bad route: ${req.method} ${url.pathname}`);
        [status, body] = [200, await this.twirp(twirp[1], twirp[2], req, raw)];
      } else if (url.pathname.startsWith('/_apis/')) {
        throw restError(404, 'Cache service v1 is not served here: set ACTIONS_CACHE_SERVICE_V2');
      } else {
        const result = await this.rest(req, url, raw, record);
        [status, body, headers] = [result.status, result.body, result.headers ?? {}];
      }
    } catch (error) {
      if (error instanceof HttpError) {
        [status, body, headers] = [error.status, error.body, error.headers];
      } else {
        const message = error instanceof Error ? error.message : String(error);
        [status, body] = [500, { code: 'internal', msg: message, message }];
      }
    }
    record.status = status;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
    } else {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
      });
      res.end(text);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Twirp

  private async twirp(
    service: string,
    method: string,
    req: http.IncomingMessage,
    raw: Buffer,
  ): Promise<unknown> {
    const known =
      (service === CACHE_SERVICE &&
        ['CreateCacheEntry', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL'].includes(
          method,
        )) ||
      (service === ARTIFACT_SERVICE &&
        [
          'CreateArtifact',
          'FinalizeArtifact',
          'ListArtifacts',
          'GetSignedArtifactURL',
          'DeleteArtifact',
        ].includes(method));
    if (!known) throw twirpError(404, `no such method: ${service}/${method}`);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (contentType !== 'application/json') {
      throw twirpError(400, `only application/json is served, got ${contentType}`);
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const job = auth?.[1] ? this.jobsByToken.get(auth[1]) : undefined;
    if (!job) throw twirpError(401, 'missing or unknown runtime token');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      throw twirpError(400, 'body is not JSON');
    }
    const deny = this.denied.get(method as TwirpMethod);
    if (deny) {
      if (method === 'CreateCacheEntry' && deny.status === undefined) {
        return {
          ok: false,
          message: deny.message ?? 'cache write denied: the token for this run is read-only',
        };
      }
      const fallback =
        method === 'GetCacheEntryDownloadURL'
          ? 'cache read denied: the token for this run has no readable cache scope'
          : `${method} denied`;
      throw twirpError(deny.status ?? 403, deny.message ?? fallback);
    }
    switch (method as TwirpMethod) {
      case 'CreateCacheEntry':
        return this.createCacheEntry(job, input);
      case 'FinalizeCacheEntryUpload':
        return this.finalizeCacheEntry(job, input);
      case 'GetCacheEntryDownloadURL':
        return this.getCacheEntryDownloadUrl(job, input);
      case 'CreateArtifact':
        return this.createArtifact(job, input);
      case 'FinalizeArtifact':
        return this.finalizeArtifact(job, input);
      case 'ListArtifacts':
        return this.listArtifacts(job, input);
      case 'GetSignedArtifactURL':
        return this.getSignedArtifactUrl(job, input);
      case 'DeleteArtifact':
        return this.deleteArtifact(job, input);
    }
  }

  private cacheScope(job: JobRecord): string[] {
    const defaultRef = `refs/heads/${this.defaultBranch}`;
    return job.run.ref === defaultRef ? [defaultRef] : [job.run.ref, defaultRef];
  }

  private createCacheEntry(job: JobRecord, input: Record<string, unknown>): unknown {
    const key = str(input, 'key');
    const version = str(input, 'version');
    if (!key || !version) throw twirpError(400, 'key and version are required');
    const ref = job.run.ref;
    const existing = this.cacheList.find(
      (e) => e.key === key && e.version === version && e.ref === ref,
    );
    if (existing) {
      throw twirpError(409, 'cache entry with the same key, version, and scope already exists');
    }
    const id = this.nextCacheId++;
    const blobName = `${id}/${encodeURIComponent(key)}`;
    this.cacheList.push({
      id,
      key,
      version,
      ref,
      sizeBytes: 0,
      blobBytes: 0,
      finalized: false,
      createdAt: new Date(),
      blobName,
    });
    return {
      ok: true,
      signed_upload_url: this.signed(
        this.azurite.sasUrl(CACHE_CONTAINER, blobName, { access: 'readwrite' }),
      ),
    };
  }

  private async finalizeCacheEntry(
    job: JobRecord,
    input: Record<string, unknown>,
  ): Promise<unknown> {
    const key = str(input, 'key');
    const version = str(input, 'version');
    const entry = this.cacheList.find(
      (e) => e.key === key && e.version === version && e.ref === job.run.ref && !e.finalized,
    );
    if (!entry) return { ok: false, message: `no cache entry being created for key ${key}` };
    const blob = await this.azurite.blobInfo(CACHE_CONTAINER, entry.blobName);
    if (!blob) return { ok: false, message: `nothing was uploaded for key ${key}` };
    entry.sizeBytes = Number(str(input, 'size_bytes') || '0');
    entry.blobBytes = blob.size;
    entry.finalized = true;
    return { ok: true, entry_id: String(entry.id) };
  }

  private getCacheEntryDownloadUrl(job: JobRecord, input: Record<string, unknown>): unknown {
    const key = str(input, 'key');
    const version = str(input, 'version');
    const restoreKeys = Array.isArray(input['restore_keys'])
      ? input['restore_keys'].filter((k): k is string => typeof k === 'string')
      : [];
    const newestFirst = this.cacheList
      .filter((e) => e.finalized && e.version === version)
      .sort((a, b) => b.id - a.id);
    // Like GitHub: the exact key, then each restore key as a prefix (newest first), in the run's
    // own ref scope first, then in the default branch's.
    for (const ref of this.cacheScope(job)) {
      const inScope = newestFirst.filter((e) => e.ref === ref);
      const match =
        inScope.find((e) => e.key === key) ??
        restoreKeys.map((p) => inScope.find((e) => e.key.startsWith(p))).find((e) => e);
      if (match) {
        return {
          ok: true,
          signed_download_url: this.signed(
            this.azurite.readSasUrl(CACHE_CONTAINER, match.blobName),
          ),
          matched_key: match.key,
        };
      }
    }
    return { ok: false };
  }

  private runOf(job: JobRecord, input: Record<string, unknown>): RunRecord {
    const runBackendId = str(input, 'workflow_run_backend_id');
    if (runBackendId !== job.run.runBackendId) {
      throw twirpError(403, 'workflow_run_backend_id does not match the runtime token');
    }
    return job.run;
  }

  private createArtifact(job: JobRecord, input: Record<string, unknown>): unknown {
    const run = this.runOf(job, input);
    const name = str(input, 'name');
    if (!name) throw twirpError(400, 'name is required');
    const sameName = this.artifactList.filter(
      (a) => a.runBackendId === run.runBackendId && a.name === name,
    );
    if (sameName.some((a) => a.finalized)) {
      throw twirpError(409, 'an artifact with this name already exists on the workflow run');
    }
    this.artifactList = this.artifactList.filter((a) => !sameName.includes(a));
    const id = this.nextArtifactId++;
    const mimeType = typeof input['mime_type'] === 'string' ? input['mime_type'] : undefined;
    const fileName = mimeType === 'application/zip' ? `${name}.zip` : name;
    const expiresAt =
      typeof input['expires_at'] === 'string'
        ? new Date(input['expires_at'])
        : new Date(Date.now() + 90 * 86_400_000);
    const blobName = `${run.runBackendId}/${id}/${fileName}`;
    this.artifactList.push({
      id,
      name,
      runId: run.runId,
      attempt: run.attempt,
      runBackendId: run.runBackendId,
      jobBackendId: job.jobBackendId,
      size: 0,
      ...(mimeType ? { mimeType } : {}),
      finalized: false,
      expired: false,
      createdAt: new Date(),
      expiresAt,
      blobName,
    });
    return {
      ok: true,
      signed_upload_url: this.signed(
        this.azurite.sasUrl(ARTIFACT_CONTAINER, blobName, { access: 'readwrite' }),
      ),
    };
  }

  private async finalizeArtifact(job: JobRecord, input: Record<string, unknown>): Promise<unknown> {
    const run = this.runOf(job, input);
    const name = str(input, 'name');
    const artifact = this.artifactList.find(
      (a) => a.runBackendId === run.runBackendId && a.name === name && !a.finalized,
    );
    if (!artifact) throw twirpError(404, `no artifact named ${name} being uploaded`);
    const blob = await this.azurite.blobInfo(ARTIFACT_CONTAINER, artifact.blobName);
    if (!blob) throw twirpError(412, `nothing was uploaded for artifact ${name}`);
    artifact.size = Number(str(input, 'size') || '0');
    const hash = input['hash'];
    if (typeof hash === 'string' && hash) artifact.digest = hash;
    artifact.finalized = true;
    return { ok: true, artifact_id: String(artifact.id) };
  }

  /** Finalized, unexpired artifacts of the token's run (every job), like the results service. */
  private runArtifacts(run: RunRecord): ArtifactInfo[] {
    return this.artifactList.filter(
      (a) => a.runBackendId === run.runBackendId && a.finalized && !a.expired,
    );
  }

  private listArtifacts(job: JobRecord, input: Record<string, unknown>): unknown {
    const run = this.runOf(job, input);
    const nameFilter = input['name_filter'];
    const idFilter = input['id_filter'];
    const artifacts = this.runArtifacts(run)
      .filter((a) => typeof nameFilter !== 'string' || a.name === nameFilter)
      .filter(
        (a) =>
          (typeof idFilter !== 'string' && typeof idFilter !== 'number') ||
          a.id === Number(idFilter),
      )
      .sort((a, b) => a.id - b.id)
      .map((a) => ({
        workflow_run_backend_id: a.runBackendId,
        workflow_job_run_backend_id: a.jobBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.size),
        created_at: a.createdAt.toISOString(),
        ...(a.digest ? { digest: a.digest } : {}),
      }));
    return { artifacts };
  }

  private downloadUrl(artifact: ArtifactInfo): string {
    const fileName = artifact.blobName.slice(artifact.blobName.lastIndexOf('/') + 1);
    return this.signed(
      this.azurite.readSasUrl(ARTIFACT_CONTAINER, artifact.blobName, {
        contentDisposition: `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        expiresInMs: 10 * 60_000,
      }),
    );
  }

  private getSignedArtifactUrl(job: JobRecord, input: Record<string, unknown>): unknown {
    const run = this.runOf(job, input);
    const name = str(input, 'name');
    const artifact = this.runArtifacts(run).find((a) => a.name === name);
    if (!artifact) throw twirpError(404, `artifact ${name} not found`);
    return { signed_url: this.downloadUrl(artifact) };
  }

  private async deleteArtifact(job: JobRecord, input: Record<string, unknown>): Promise<unknown> {
    const run = this.runOf(job, input);
    const name = str(input, 'name');
    const artifact = this.runArtifacts(run).find((a) => a.name === name);
    if (!artifact) throw twirpError(404, `artifact ${name} not found`);
    await this.removeArtifact(artifact);
    return { ok: true, artifact_id: String(artifact.id) };
  }

  private async removeArtifact(artifact: ArtifactInfo): Promise<void> {
    this.artifactList = this.artifactList.filter((a) => a !== artifact);
    await this.azurite.deleteBlob(ARTIFACT_CONTAINER, artifact.blobName);
  }

  // ---------------------------------------------------------------------------------------------
  // REST

  private async rest(
    req: http.IncomingMessage,
    url: URL,
    raw: Buffer,
    record: RecordedRequest,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const method = req.method ?? 'GET';
    const repoPath = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!repoPath?.[1] || !repoPath[2] || !repoPath[3]) throw restError(404, 'Not Found');
    const rest = repoPath[3];
    const routes: [string, RegExp, RestRoute][] = [
      ['GET', /^\/actions\/runs\/(\d+)\/artifacts$/, 'list-run-artifacts'],
      ['GET', /^\/actions\/artifacts$/, 'list-repo-artifacts'],
      ['GET', /^\/actions\/artifacts\/(\d+)$/, 'get-artifact'],
      ['DELETE', /^\/actions\/artifacts\/(\d+)$/, 'delete-artifact'],
      ['GET', /^\/actions\/artifacts\/(\d+)\/([^/]+)$/, 'download-artifact'],
      ['GET', /^\/actions\/caches$/, 'list-caches'],
      ['DELETE', /^\/actions\/caches\/(\d+)$/, 'delete-cache'],
      ['GET', /^\/issues\/(\d+)\/comments$/, 'list-comments'],
      ['POST', /^\/issues\/(\d+)\/comments$/, 'create-comment'],
      ['GET', /^\/issues\/comments\/(\d+)$/, 'get-comment'],
      ['PATCH', /^\/issues\/comments\/(\d+)$/, 'update-comment'],
      ['DELETE', /^\/issues\/comments\/(\d+)$/, 'delete-comment'],
    ];
    let route: RestRoute | undefined;
    let params: string[] = [];
    for (const [verb, pattern, name] of routes) {
      const match = pattern.exec(rest);
      if (match && verb === method) {
        route = name;
        params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
        break;
      }
    }
    if (!route) throw restError(404, 'Not Found');
    record.route = route;

    const auth = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '');
    if (auth?.[1] !== this.token) throw restError(401, 'Bad credentials');
    if (
      decodeURIComponent(repoPath[1]).toLowerCase() !== this.owner.toLowerCase() ||
      decodeURIComponent(repoPath[2]).toLowerCase() !== this.repo.toLowerCase()
    ) {
      throw restError(404, 'Not Found');
    }
    const deny = this.denied.get(route);
    if (deny) {
      const status = deny.status ?? 403;
      throw new HttpError(
        status,
        {
          message:
            deny.message ??
            (status === 403 ? 'Resource not accessible by integration' : 'Request denied'),
          documentation_url: DOCS,
          status: String(status),
        },
        { 'x-accepted-github-permissions': ROUTE_PERMISSION[route] },
      );
    }

    const first = Number(params[0]);
    switch (route) {
      case 'list-run-artifacts': {
        const runs = [...this.runsByKey.values()].filter((r) => r.runId === first);
        if (runs.length === 0) throw restError(404, 'Not Found');
        const list = this.artifactList.filter((a) => a.finalized && a.runId === first);
        return this.artifactPage(url, list);
      }
      case 'list-repo-artifacts':
        return this.artifactPage(
          url,
          this.artifactList.filter((a) => a.finalized),
        );
      case 'get-artifact':
        return { status: 200, body: this.restArtifact(this.findArtifact(first)) };
      case 'delete-artifact':
        await this.removeArtifact(this.findArtifact(first));
        return { status: 204 };
      case 'download-artifact': {
        const artifact = this.findArtifact(first);
        if (params[1] !== 'zip') throw restError(404, 'Not Found');
        if (artifact.expired) throw restError(410, 'Artifact has expired');
        return { status: 302, headers: { location: this.downloadUrl(artifact) } };
      }
      case 'list-caches':
        return this.cachePage(url);
      case 'delete-cache': {
        const entry = this.cacheList.find((e) => e.id === first && e.finalized);
        if (!entry) throw restError(404, 'Not Found');
        this.cacheList = this.cacheList.filter((e) => e !== entry);
        await this.azurite.deleteBlob(CACHE_CONTAINER, entry.blobName);
        return { status: 204 };
      }
      case 'list-comments': {
        const all = this.commentList.filter((c) => c.issueNumber === first);
        const perPage = positiveInt(url.searchParams.get('per_page'), 30, 100);
        const page = positiveInt(url.searchParams.get('page'), 1);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const link = linkHeader(url, page, Math.max(1, Math.ceil(all.length / perPage)));
        return {
          status: 200,
          body: slice.map((c) => this.restComment(c)),
          headers: link ? { link } : {},
        };
      }
      case 'create-comment': {
        const text = commentBody(raw);
        const comment = this.addComment(first, text, { ...ACTIONS_BOT });
        const stored = this.commentList.find((c) => c.id === comment.id);
        return { status: 201, body: this.restComment(stored ?? comment) };
      }
      case 'get-comment':
        return { status: 200, body: this.restComment(this.findComment(first)) };
      case 'update-comment': {
        const comment = this.findComment(first);
        comment.body = commentBody(raw);
        comment.updatedAt = new Date();
        return { status: 200, body: this.restComment(comment) };
      }
      case 'delete-comment': {
        const comment = this.findComment(first);
        this.commentList = this.commentList.filter((c) => c !== comment);
        return { status: 204 };
      }
    }
  }

  private artifactPage(
    url: URL,
    artifacts: ArtifactInfo[],
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const name = url.searchParams.get('name');
    const matching = artifacts
      .filter((a) => name === null || a.name === name)
      .sort((a, b) => b.id - a.id);
    const perPage = positiveInt(url.searchParams.get('per_page'), 30, 100);
    const page = positiveInt(url.searchParams.get('page'), 1);
    const link = linkHeader(url, page, Math.max(1, Math.ceil(matching.length / perPage)));
    return {
      status: 200,
      body: {
        total_count: matching.length,
        artifacts: matching
          .slice((page - 1) * perPage, page * perPage)
          .map((a) => this.restArtifact(a)),
      },
      ...(link ? { headers: { link } } : {}),
    };
  }

  /**
   * GitHub's cache listing: finalized entries of every ref, `key` a prefix (or the whole key),
   * `ref` exact, sorted by `sort` (created_at, last_accessed_at: here both the creation order;
   * size_in_bytes) in `direction` (desc by default), paged.
   */
  private cachePage(url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const key = url.searchParams.get('key');
    const ref = url.searchParams.get('ref');
    const sort = url.searchParams.get('sort') ?? 'last_accessed_at';
    const ascending = url.searchParams.get('direction') === 'asc';
    const matching = this.cacheList
      .filter((e) => e.finalized)
      .filter((e) => key === null || e.key.startsWith(key))
      .filter((e) => ref === null || e.ref === ref)
      .sort((a, b) => {
        const order = sort === 'size_in_bytes' ? a.sizeBytes - b.sizeBytes : a.id - b.id;
        return ascending ? order : -order;
      });
    const perPage = positiveInt(url.searchParams.get('per_page'), 30, 100);
    const page = positiveInt(url.searchParams.get('page'), 1);
    const link = linkHeader(url, page, Math.max(1, Math.ceil(matching.length / perPage)));
    return {
      status: 200,
      body: {
        total_count: matching.length,
        actions_caches: matching.slice((page - 1) * perPage, page * perPage).map((e) => ({
          id: e.id,
          ref: e.ref,
          key: e.key,
          version: e.version,
          last_accessed_at: e.createdAt.toISOString(),
          created_at: e.createdAt.toISOString(),
          size_in_bytes: e.sizeBytes,
        })),
      },
      ...(link ? { headers: { link } } : {}),
    };
  }

  private findArtifact(id: number): ArtifactInfo {
    const artifact = this.artifactList.find((a) => a.id === id && a.finalized);
    if (!artifact) throw restError(404, 'Not Found');
    return artifact;
  }

  private findComment(id: number): IssueComment {
    const comment = this.commentList.find((c) => c.id === id);
    if (!comment) throw restError(404, 'Not Found');
    return comment;
  }

  private restArtifact(a: ArtifactInfo): unknown {
    const run = this.runsByBackendId.get(a.runBackendId);
    const api = `${this.url}/repos/${this.repository}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: Buffer.from(`09:Artifact${a.id}`).toString('base64'),
      name: a.name,
      size_in_bytes: a.size,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: a.expired,
      digest: a.digest ?? null,
      created_at: restTime(a.createdAt),
      updated_at: restTime(a.createdAt),
      expires_at: restTime(a.expiresAt),
      workflow_run: {
        id: a.runId,
        repository_id: 700000001,
        head_repository_id: 700000001,
        head_branch: (run?.ref ?? '').replace(/^refs\/heads\//, ''),
        head_sha: run?.sha ?? '',
      },
    };
  }

  private restComment(c: IssueComment): unknown {
    const api = `${this.url}/repos/${this.repository}`;
    return {
      id: c.id,
      node_id: Buffer.from(`012:IssueComment${c.id}`).toString('base64'),
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.repository}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issueNumber}`,
      body: c.body,
      user: { ...c.user },
      created_at: restTime(c.createdAt),
      updated_at: restTime(c.updatedAt),
      author_association: c.user.type === 'Bot' ? 'NONE' : 'OWNER',
    };
  }
}

function str(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The `body` of a create/update comment request, validated like GitHub. */
function commentBody(raw: Buffer): string {
  let input: unknown;
  try {
    input = JSON.parse(raw.toString('utf8'));
  } catch {
    throw restError(400, 'Problems parsing JSON');
  }
  const body = (input as { body?: unknown } | null)?.body;
  if (typeof body !== 'string') {
    throw restError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
  }
  if (body.length > 65536) {
    throw restError(422, 'Validation Failed', {
      errors: [
        {
          resource: 'IssueComment',
          code: 'unprocessable',
          field: 'data',
          message: 'Body is too long (maximum is 65536 characters)',
        },
      ],
    });
  }
  return body;
}

/** GitHub's pagination Link header (`next`, `last`, `first`, `prev`), or undefined for one page. */
function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  if (lastPage <= 1) return undefined;
  const at = (n: number): string => {
    const u = new URL(url.href);
    u.searchParams.set('page', String(n));
    return `<${u.href}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.join(', ');
}
