/**
 * Real round trips through the REAL @actions/cache and @actions/artifact against ToolkitServer and
 * Azurite: no mocks. The libraries run in this process (imported after GITHUB_API_URL is set,
 * because @actions/github reads it on import) and, for one test, in a child process.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { applyEnv, createJobDirs, inputEnv, readCommandFile } from '../toolkit/job-env.js';
import type { JobDirs } from '../toolkit/job-env.js';
import { ToolkitServer } from '../toolkit/toolkit-server.js';
import type { ToolkitRun } from '../toolkit/toolkit-server.js';

type CacheModule = typeof import('@actions/cache');
type ArtifactModule = typeof import('@actions/artifact');

const here = path.dirname(fileURLToPath(import.meta.url));
const DB_PATH = '~/.local/share/tokf/tracking.db';

let server: ToolkitServer;
let cache: CacheModule;
let artifact: ArtifactModule;
let tmp: string;

beforeAll(async () => {
  server = new ToolkitServer();
  await server.start();
  tmp = await mkdirTemp();
  // @actions/github (inside @actions/artifact) reads GITHUB_API_URL once, on import.
  process.env['GITHUB_API_URL'] = server.url;
  cache = await import('@actions/cache');
  artifact = await import('@actions/artifact');
}, 30_000);

afterAll(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function mkdirTemp(): Promise<string> {
  const dir = path.join(os.tmpdir(), `toolkit-server-test-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Runs `fn` with the run's and the job's environment and @actions/core's stdout captured. */
async function inJob<T>(
  run: ToolkitRun,
  job: JobDirs,
  fn: () => Promise<T>,
): Promise<{ result: T; log: string }> {
  const restore = applyEnv({ ...run.env, ...job.env });
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await fn();
    return { result, log: chunks.join('') };
  } catch (error) {
    (error as Error).message += `\n--- toolkit log ---\n${chunks.join('')}`;
    throw error;
  } finally {
    process.stdout.write = write;
    restore();
  }
}

/** Fresh directories for a job (its own HOME). */
function jobDirs(name: string): Promise<JobDirs> {
  return createJobDirs({ parent: tmp, name });
}

/**
 * Fresh directories for a job that runs @actions/cache in this process: HOME is shared, as on a
 * hosted runner, because `~` cannot follow a per-job HOME under jest (see createJobDirs).
 */
function cacheJobDirs(name: string): Promise<JobDirs> {
  return createJobDirs({ parent: path.join(tmp, 'jobs'), name, home: path.join(tmp, 'home') });
}

/** Where the database lives in the in-process cache tests (an absolute path, as our action uses). */
function dbPath(): string {
  return path.join(tmp, 'home/.local/share/tokf/tracking.db');
}

async function writeDb(job: JobDirs, bytes: Buffer): Promise<string> {
  const file = path.join(job.home, '.local/share/tokf/tracking.db');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return file;
}

describe('cache v2 through @actions/cache', () => {
  test('save, then restore by prefix into a fresh job: newest match, same bytes', async () => {
    const older = randomBytes(4096);
    const newer = randomBytes(5000);

    const run1 = server.newRun();
    const job1 = await cacheJobDirs('cache1');
    await writeDb(job1, older);
    const saved1 = await inJob(run1, job1, () =>
      cache.saveCache([dbPath()], `tokf-db-${run1.runId}`),
    );
    expect(saved1.result).toBeGreaterThan(0);

    const run2 = server.newRun();
    const job2 = await cacheJobDirs('cache2');
    await writeDb(job2, newer);
    const saved2 = await inJob(run2, job2, () =>
      cache.saveCache([dbPath()], `tokf-db-${run2.runId}`),
    );
    expect(saved2.result).toBeGreaterThan(saved1.result);

    // A newer entry under another prefix must not match.
    const run3 = server.newRun();
    const job3 = await cacheJobDirs('cache3');
    await writeDb(job3, randomBytes(100));
    const other = await inJob(run3, job3, () => cache.saveCache([dbPath()], `other-${run3.runId}`));
    expect(other.result).toBeGreaterThan(0);

    const run4 = server.newRun();
    const job4 = await cacheJobDirs('cache4');
    await rm(dbPath());
    const restored = await inJob(run4, job4, () =>
      cache.restoreCache([dbPath()], `tokf-db-${run4.runId}`, ['tokf-db-']),
    );
    expect(restored.result).toBe(`tokf-db-${run2.runId}`);
    expect(restored.log).toContain(`Cache hit for restore-key: tokf-db-${run2.runId}`);
    expect(await readFile(dbPath())).toEqual(newer);

    // The exact key wins over newer prefix matches.
    const job5 = await cacheJobDirs('cache5');
    await rm(dbPath());
    const exact = await inJob(run4, job5, () =>
      cache.restoreCache([dbPath()], `tokf-db-${run1.runId}`, ['tokf-db-']),
    );
    expect(exact.result).toBe(`tokf-db-${run1.runId}`);
    expect(await readFile(dbPath())).toEqual(older);

    // Different paths give a different version: a miss, not an error.
    const job6 = await cacheJobDirs('cache6');
    const miss = await inJob(run4, job6, () =>
      cache.restoreCache(['~/elsewhere.db'], `tokf-db-${run4.runId}`, ['tokf-db-']),
    );
    expect(miss.result).toBeUndefined();

    const entries = server.cacheEntries().filter((e) => e.key.startsWith('tokf-db-'));
    expect(entries.map((e) => e.key)).toEqual([`tokf-db-${run2.runId}`, `tokf-db-${run1.runId}`]);
    for (const entry of entries) {
      const blob = await server.azurite.readBlob('actions-cache', entry.blobName);
      expect(blob?.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])); // zstd
      expect(entry.finalized).toBe(true);
      expect(entry.sizeBytes).toBe(entry.blobBytes);
      expect(entry.version).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.ref).toBe('refs/heads/main');
    }
  });

  test('saving a key that already exists is reported as not saved (-1)', async () => {
    const run = server.newRun();
    const job = await cacheJobDirs('dup');
    await writeDb(job, randomBytes(64));
    const key = `dup-${run.runId}`;
    const first = await inJob(run, job, () => cache.saveCache([dbPath()], key));
    expect(first.result).toBeGreaterThan(0);

    const again = await inJob(run, job, () => cache.saveCache([dbPath()], key));
    expect(again.result).toBe(-1);
    // The 409 from CreateCacheEntry becomes a ReserveCacheError, logged with core.info (no warning).
    expect(again.log).toContain(
      `Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`,
    );
    expect(again.log).not.toContain('::warning::');
    expect(server.cacheEntries().filter((e) => e.key === key)).toHaveLength(1);
  });

  test('denied cache writes and reads: -1 with a warning, and a miss with a warning', async () => {
    const run = server.newRun();
    const job = await cacheJobDirs('denied');
    await writeDb(job, randomBytes(64));
    try {
      server.deny('CreateCacheEntry');
      const save = await inJob(run, job, () => cache.saveCache([dbPath()], `denied-${run.runId}`));
      expect(save.result).toBe(-1);
      expect(save.log).toContain('::warning::Failed to save: Unable to reserve cache with key');
      expect(save.log).toContain('cache write denied:');

      server.deny('GetCacheEntryDownloadURL');
      const restore = await inJob(run, job, () =>
        cache.restoreCache([dbPath()], `tokf-db-${run.runId}`, ['tokf-db-']),
      );
      expect(restore.result).toBeUndefined();
      expect(restore.log).toContain('::warning::Failed to restore:');
      expect(restore.log).toContain('cache read denied:');
    } finally {
      server.allow();
    }
  });
});

describe('artifacts through @actions/artifact', () => {
  let uploadRun: ToolkitRun;
  let uploadJob: JobDirs;
  let content: Buffer;
  let uploadedId: number;

  beforeAll(async () => {
    uploadRun = server.newRun({ job: 'upload' });
    uploadJob = await jobDirs('artifact-upload');
    content = randomBytes(10_000);
    await mkdir(path.join(uploadJob.workspace, 'out'), { recursive: true });
    await writeFile(path.join(uploadJob.workspace, 'out/telemetry.jsonl'), content);
  });

  test('upload, then download in the same run', async () => {
    const client = new artifact.DefaultArtifactClient();
    const file = path.join(uploadJob.workspace, 'out/telemetry.jsonl');
    const root = path.join(uploadJob.workspace, 'out');
    const upload = await inJob(uploadRun, uploadJob, () =>
      client.uploadArtifact('telemetry', [file], root),
    );
    expect(upload.result.id).toBeGreaterThan(0);
    expect(upload.result.size).toBeGreaterThan(0);
    uploadedId = upload.result.id ?? 0;

    const [stored] = server.artifacts({ runId: uploadRun.runId });
    expect(stored).toMatchObject({
      id: uploadedId,
      name: 'telemetry',
      finalized: true,
      size: upload.result.size,
      digest: `sha256:${upload.result.digest}`,
      mimeType: 'application/zip',
    });

    // Another job of the same run sees it through the results service (no token needed).
    const otherJob = server.newRun({ runId: uploadRun.runId, job: 'report' });
    expect(otherJob.runBackendId).toBe(uploadRun.runBackendId);
    expect(otherJob.jobBackendId).not.toBe(uploadRun.jobBackendId);
    const dirs = await jobDirs('artifact-same-run');
    const target = path.join(dirs.workspace, 'downloaded');
    const download = await inJob(otherJob, dirs, async () => {
      const { artifact: found } = await client.getArtifact('telemetry');
      const result = await client.downloadArtifact(found.id, { path: target });
      return { found, result };
    });
    expect(download.result.found.id).toBe(uploadedId);
    expect(download.result.result.downloadPath).toBe(target);
    expect(await readFile(path.join(target, 'telemetry.jsonl'))).toEqual(content);

    // Names are unique within a run.
    await expect(
      inJob(uploadRun, uploadJob, () => client.uploadArtifact('telemetry', [file], root)),
    ).rejects.toThrow(/\(409\) Conflict: an artifact with this name already exists/);
  });

  test('download from another run with findBy', async () => {
    const client = new artifact.DefaultArtifactClient();
    const run = server.newRun({ job: 'consumer' });
    const dirs = await jobDirs('artifact-other-run');
    const target = path.join(dirs.workspace, 'from-other-run');
    const findBy = {
      token: run.token,
      workflowRunId: uploadRun.runId,
      repositoryOwner: server.owner,
      repositoryName: server.repo,
    };
    const before = server.requests.length;
    const { result } = await inJob(run, dirs, async () => {
      // Without findBy the run's own (empty) artifact list is searched.
      await expect(client.getArtifact('telemetry')).rejects.toThrow(/Artifact not found/);
      const listed = await client.listArtifacts({ findBy, latest: true });
      const { artifact: found } = await client.getArtifact('telemetry', { findBy });
      const downloaded = await client.downloadArtifact(found.id, { path: target, findBy });
      return { listed, found, downloaded };
    });
    expect(result.listed.artifacts.map((a) => a.name)).toEqual(['telemetry']);
    expect(result.found.id).toBe(uploadedId);
    expect(result.found.createdAt).toBeInstanceOf(Date);
    expect(await readFile(path.join(target, 'telemetry.jsonl'))).toEqual(content);
    const routes = server.requests.slice(before).map((r) => `${r.route} ${r.status}`);
    expect(routes).toEqual([
      'twirp:ListArtifacts 200',
      'list-run-artifacts 200',
      'list-run-artifacts 200',
      'download-artifact 302',
    ]);
  });

  test('repository-wide listing by name over plain REST, newest first', async () => {
    const client = new artifact.DefaultArtifactClient();
    const later = server.newRun();
    const dirs = await jobDirs('artifact-later');
    const file = path.join(dirs.workspace, 'telemetry.jsonl');
    await writeFile(file, 'later\n');
    const upload = await inJob(later, dirs, () =>
      client.uploadArtifact('telemetry', [file], dirs.workspace),
    );

    const url = `${server.url}/repos/${server.repository}/actions/artifacts?name=telemetry&per_page=1`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total_count: number;
      artifacts: Record<string, unknown>[];
    };
    expect(body.total_count).toBe(2);
    expect(body.artifacts).toHaveLength(1);
    expect(body.artifacts[0]).toMatchObject({
      id: upload.result.id,
      name: 'telemetry',
      expired: false,
      workflow_run: { id: later.runId },
    });
    expect(body.artifacts[0]?.['created_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(response.headers.get('link')).toContain('rel="next"');

    const page2 = await fetch(`${url}&page=2`, {
      headers: { authorization: `token ${server.token}` },
    });
    const body2 = (await page2.json()) as { artifacts: { workflow_run: { id: number } }[] };
    expect(body2.artifacts[0]?.workflow_run.id).toBe(uploadRun.runId);
  });

  test('delete through the results service and through REST; expired artifacts', async () => {
    const client = new artifact.DefaultArtifactClient();
    const run = server.newRun({ job: 'scratch' });
    const dirs = await jobDirs('artifact-scratch');
    const file = path.join(dirs.workspace, 'scratch.txt');
    await writeFile(file, 'scratch\n');
    const findBy = {
      token: run.token,
      workflowRunId: run.runId,
      repositoryOwner: server.owner,
      repositoryName: server.repo,
    };
    const { result } = await inJob(run, dirs, async () => {
      const a = await client.uploadArtifact('scratch-a', [file], dirs.workspace);
      const b = await client.uploadArtifact('scratch-b', [file], dirs.workspace);
      const c = await client.uploadArtifact('scratch-c', [file], dirs.workspace);
      const deletedA = await client.deleteArtifact('scratch-a');
      const deletedB = await client.deleteArtifact('scratch-b', { findBy });
      return { a, b, c, deletedA, deletedB };
    });
    expect(result.deletedA.id).toBe(result.a.id);
    expect(result.deletedB.id).toBe(result.b.id);
    expect(server.artifacts({ runId: run.runId }).map((a) => a.name)).toEqual(['scratch-c']);

    const id = result.c.id ?? 0;
    server.expireArtifact(id);
    const headers = { authorization: `Bearer ${server.token}` };
    const base = `${server.url}/repos/${server.repository}/actions/artifacts`;
    const listed = (await (await fetch(`${base}?name=scratch-c`, { headers })).json()) as {
      artifacts: { expired: boolean }[];
    };
    expect(listed.artifacts[0]?.expired).toBe(true);
    const gone = await fetch(`${base}/${id}/zip`, { headers, redirect: 'manual' });
    expect(gone.status).toBe(410);
  });

  test('denied and unauthenticated REST routes', async () => {
    const url = `${server.url}/repos/${server.repository}/actions/artifacts?name=telemetry`;
    const unauthenticated = await fetch(url, { headers: { authorization: 'Bearer wrong' } });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ message: 'Bad credentials' });

    server.deny('list-repo-artifacts');
    server.deny('list-run-artifacts');
    try {
      const denied = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('x-accepted-github-permissions')).toBe('actions=read');
      expect(await denied.json()).toEqual({
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      });

      const client = new artifact.DefaultArtifactClient();
      const run = server.newRun();
      const dirs = await jobDirs('artifact-denied');
      const findBy = {
        token: run.token,
        workflowRunId: uploadRun.runId,
        repositoryOwner: server.owner,
        repositoryName: server.repo,
      };
      await expect(
        inJob(run, dirs, () => client.getArtifact('telemetry', { findBy })),
      ).rejects.toMatchObject({ status: 403 });
    } finally {
      server.allow();
    }
  });
});

describe('cache entries through the REST API', () => {
  test('listed by key prefix newest first with their ref, deleted by id once', async () => {
    const headers = { authorization: `Bearer ${server.token}` };
    const prefix = `rest-${Date.now()}-`;
    const keys: string[] = [];
    for (const [i, ref] of ['refs/heads/main', 'refs/pull/3/merge'].entries()) {
      const run = server.newRun({ ref });
      const job = await cacheJobDirs(`rest${i}`);
      await writeDb(job, randomBytes(128));
      keys.push(`${prefix}${run.runId}`);
      const saved = await inJob(run, job, () => cache.saveCache([dbPath()], keys[i]!));
      expect(saved.result).toBeGreaterThan(0);
    }
    const list = await fetch(
      `${server.url}/repos/${server.repository}/actions/caches?key=${prefix}&sort=created_at&direction=desc&per_page=100`,
      { headers },
    );
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      total_count: number;
      actions_caches: { id: number; key: string; ref: string; size_in_bytes: number }[];
    };
    expect(body.total_count).toBe(2);
    expect(body.actions_caches.map((e) => [e.key, e.ref])).toEqual([
      [keys[1], 'refs/pull/3/merge'],
      [keys[0], 'refs/heads/main'],
    ]);
    const id = body.actions_caches[0]!.id;
    const url = `${server.url}/repos/${server.repository}/actions/caches/${id}`;
    expect((await fetch(url, { method: 'DELETE', headers })).status).toBe(204);
    // A second deletion of the same entry: another run got there first.
    expect((await fetch(url, { method: 'DELETE', headers })).status).toBe(404);
    expect(server.cacheEntries().map((e) => e.key)).not.toContain(keys[1]);

    server.deny('delete-cache');
    try {
      const refused = await fetch(
        `${server.url}/repos/${server.repository}/actions/caches/${body.actions_caches[1]!.id}`,
        { method: 'DELETE', headers },
      );
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-accepted-github-permissions')).toBe('actions=write');
    } finally {
      server.allow();
    }
  });

  test('gives the legs of a matrix one job name and a backend id each', () => {
    const first = server.newRun({ job: 'test', leg: 'a' });
    const second = server.newRun({ runId: first.runId, job: 'test', leg: 'b' });
    expect(second.env.GITHUB_JOB).toBe('test');
    expect(second.runBackendId).toBe(first.runBackendId);
    expect(second.jobBackendId).not.toBe(first.jobBackendId);
    expect(server.newRun({ runId: first.runId, job: 'test', leg: 'a' }).jobBackendId).toBe(
      first.jobBackendId,
    );
  });
});

describe('issue comments', () => {
  test('list (paginated), create and update', async () => {
    const base = `${server.url}/repos/${server.repository}/issues`;
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) server.addComment(7, `human ${i}`);

    const created = await fetch(`${base}/7/comments`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ body: '<!-- telemetry-sync -->\nfirst' }),
    });
    expect(created.status).toBe(201);
    const comment = (await created.json()) as { id: number; user: { login: string } };
    expect(comment.user.login).toBe('github-actions[bot]');

    const page2 = await fetch(`${base}/7/comments?per_page=2&page=2`, { headers });
    expect(((await page2.json()) as { id: number }[]).map((c) => c.id)).toEqual([
      server.comments(7)[2]?.id,
      comment.id,
    ]);
    expect(page2.headers.get('link')).toContain('rel="prev"');

    const updated = await fetch(`${base}/comments/${comment.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ body: '<!-- telemetry-sync -->\nsecond' }),
    });
    expect(updated.status).toBe(200);
    expect(server.comments(7).at(-1)?.body).toBe('<!-- telemetry-sync -->\nsecond');

    server.deny('create-comment');
    try {
      const denied = await fetch(`${base}/7/comments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: 'x' }),
      });
      expect(denied.status).toBe(403);
    } finally {
      server.allow();
    }
    expect(server.comments(7)).toHaveLength(4);
  });
});

describe('in a child process', () => {
  const exec = promisify(execFile);
  const node = process.execPath;
  const driver = path.join(here, '..', 'toolkit', 'toolkit-driver.mjs');

  async function drive(
    run: ToolkitRun,
    job: JobDirs,
    request: object,
    pathVar = process.env['PATH'] ?? '',
  ): Promise<Record<string, unknown>> {
    const { stdout } = await exec(node, [driver, JSON.stringify(request)], {
      env: { PATH: pathVar, ...run.env, ...job.env },
      cwd: job.workspace,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    const line = stdout.split('\n').find((l) => l.startsWith('TOOLKIT_RESULT '));
    if (!line) throw new Error(`no result from the driver:\n${stdout}`);
    return JSON.parse(line.slice('TOOLKIT_RESULT '.length)) as Record<string, unknown>;
  }

  test('save and restore a cache, upload and download an artifact of another run', async () => {
    const run1 = server.newRun();
    const job1 = await jobDirs('child1');
    const bytes = randomBytes(2048);
    await writeDb(job1, bytes);
    expect(
      await drive(run1, job1, { op: 'save-cache', paths: [DB_PATH], key: `child-${run1.runId}` }),
    ).toMatchObject({ ok: true });
    await writeFile(path.join(job1.workspace, 'report.jsonl'), bytes);
    const upload = await drive(run1, job1, {
      op: 'upload-artifact',
      name: 'child-report',
      files: [path.join(job1.workspace, 'report.jsonl')],
      root: job1.workspace,
    });
    expect(upload).toMatchObject({ ok: true });

    const run2 = server.newRun();
    const job2 = await jobDirs('child2');
    expect(
      await drive(run2, job2, {
        op: 'restore-cache',
        paths: [DB_PATH],
        key: `child-${run2.runId}`,
        restoreKeys: ['child-'],
      }),
    ).toEqual({ ok: true, key: `child-${run1.runId}` });
    expect(await readFile(path.join(job2.home, '.local/share/tokf/tracking.db'))).toEqual(bytes);

    const target = path.join(job2.workspace, 'got');
    const download = await drive(run2, job2, {
      op: 'download-artifact',
      name: 'child-report',
      path: target,
      findBy: {
        token: run2.token,
        workflowRunId: run1.runId,
        repositoryOwner: server.owner,
        repositoryName: server.repo,
      },
    });
    expect(download).toMatchObject({ ok: true, id: upload['id'] });
    expect(await readFile(path.join(target, 'report.jsonl'))).toEqual(bytes);
  });

  test('without zstd on PATH the archive is gzip, with another cache version', async () => {
    // A PATH with tar and gzip but no zstd.
    const bin = path.join(tmp, 'bin-without-zstd');
    await mkdir(bin, { recursive: true });
    for (const tool of ['tar', 'gzip']) {
      const found = (process.env['PATH'] ?? '')
        .split(path.delimiter)
        .map((dir) => path.join(dir, tool))
        .find((file) => existsSync(file));
      if (!found) throw new Error(`${tool} not found on PATH`);
      await symlink(found, path.join(bin, tool));
    }

    const run1 = server.newRun();
    const job1 = await jobDirs('gzip1');
    const bytes = randomBytes(1000);
    await writeDb(job1, bytes);
    const key = `gzip-${run1.runId}`;
    expect(await drive(run1, job1, { op: 'save-cache', paths: [DB_PATH], key }, bin)).toMatchObject(
      {
        ok: true,
      },
    );
    const [gzipEntry] = server.cacheEntries().filter((e) => e.key === key);
    const blob = await server.azurite.readBlob('actions-cache', gzipEntry?.blobName ?? '');
    expect(blob?.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const [zstdEntry] = server.cacheEntries().filter((e) => e.key.startsWith('child-'));
    expect(gzipEntry?.version).not.toBe(zstdEntry?.version);

    // With zstd available the same paths and prefix miss the gzip entry; without, they hit.
    const run2 = server.newRun();
    const request = {
      op: 'restore-cache',
      paths: [DB_PATH],
      key: `gzip-${run2.runId}`,
      restoreKeys: ['gzip-'],
    };
    expect(await drive(run2, await jobDirs('gzip2'), request)).toEqual({ ok: true, key: null });
    const job3 = await jobDirs('gzip3');
    expect(await drive(run2, job3, request, bin)).toEqual({ ok: true, key });
    expect(await readFile(path.join(job3.home, '.local/share/tokf/tracking.db'))).toEqual(bytes);
  });
});

describe('job-env helpers', () => {
  test('readCommandFile reads what @actions/core writes; inputEnv names inputs like the runner', async () => {
    const core = await import('@actions/core');
    const dirs = await jobDirs('core-files');
    const restore = applyEnv(dirs.env);
    try {
      core.setOutput('synced', 12);
      core.setOutput('multi', 'a\nb');
      core.saveState('db-path', '/x/tracking.db');
    } finally {
      restore();
    }
    expect(await readCommandFile(dirs.files.output)).toEqual({ synced: '12', multi: 'a\nb' });
    expect(await readCommandFile(dirs.files.state)).toEqual({ 'db-path': '/x/tracking.db' });
    expect(inputEnv({ 'github-token': 't', 'fail on error': 'true' })).toEqual({
      'INPUT_GITHUB-TOKEN': 't',
      INPUT_FAIL_ON_ERROR: 'true',
    });
  });
});
