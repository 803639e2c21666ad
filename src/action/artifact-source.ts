import type { DefaultArtifactClient, FindOptions } from '@actions/artifact';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { moveFile } from './files.js';
import type { GithubRun } from './github-env.js';
import { GithubApiError, GithubRest } from './github-rest.js';
import { describeServiceError } from './service-error.js';
import { artifactClient } from './toolkit-clients.js';

export interface ArtifactRestore {
  artifactId: number;
  runId: string;
}

interface RepoArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  workflow_run?: { id?: number };
}

const READ_PERMISSION = 'actions: read';

/**
 * Restores the database from a workflow artifact to `target`: from `runId` when given, else from
 * this run, else from the newest unexpired artifact of that name in the repository (found through
 * the REST API with the token). Undefined when there is none; a service that fails throws, so that
 * its failure is not taken for "none".
 */
export async function restoreDatabaseFromArtifact(options: {
  name: string;
  runId: number | undefined;
  token: string;
  run: GithubRun;
  target: string;
}): Promise<ArtifactRestore | undefined> {
  const { name, runId, token, run, target } = options;
  const client = await artifactClient();
  const findBy = (id: number): FindOptions['findBy'] => ({
    token,
    workflowRunId: id,
    repositoryOwner: run.owner,
    repositoryName: run.repo,
  });

  let found: { id: number; runId: string; findBy?: FindOptions['findBy'] } | undefined;
  if (runId !== undefined) {
    const artifact = await getArtifact(client, name, { findBy: findBy(runId) });
    if (artifact !== undefined)
      found = { id: artifact, runId: String(runId), findBy: findBy(runId) };
  } else {
    // "Not in this run" (undefined) goes on to the repository's newest; a failing artifact service
    // does too, but is what the caller hears of when that finds nothing either, not "none found".
    let failedHere: unknown;
    const here = await getArtifact(client, name, {}).catch((err: unknown) => {
      failedHere = err;
      return undefined;
    });
    if (here !== undefined) {
      found = { id: here, runId: run.runId };
    } else if (token !== '') {
      const newest = await newestArtifact(new GithubRest(run, token), run, name);
      const newestRun = newest?.workflow_run?.id;
      if (newest !== undefined && newestRun !== undefined) {
        found = { id: newest.id, runId: String(newestRun), findBy: findBy(newestRun) };
      }
    }
    if (found === undefined && failedHere !== undefined) {
      throw new Error(
        `looking for it in this run failed: ${describeServiceError(failedHere)}${token === '' ? '' : ', and the repository has no artifact of that name'}`,
      );
    }
  }
  if (found === undefined) return undefined;

  const dir = mkdtempSync(join(run.runnerTemp, 'telemetry-sync-artifact-'));
  try {
    await wrapPermission(() =>
      client.downloadArtifact(found.id, {
        path: dir,
        ...(found.findBy && { findBy: found.findBy }),
      }),
    );
    moveFile(findDatabaseFile(dir, name), target);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { artifactId: found.id, runId: found.runId };
}

async function getArtifact(
  client: DefaultArtifactClient,
  name: string,
  options: FindOptions,
): Promise<number | undefined> {
  try {
    const { artifact } = await wrapPermission(() => client.getArtifact(name, options));
    return artifact.id;
  } catch (err) {
    if (err instanceof Error && err.name === 'ArtifactNotFoundError') return undefined;
    throw err;
  }
}

async function newestArtifact(
  rest: GithubRest,
  run: GithubRun,
  name: string,
): Promise<RepoArtifact | undefined> {
  const path = `/repos/${run.owner}/${run.repo}/actions/artifacts?name=${encodeURIComponent(name)}&per_page=100`;
  const page = await rest.request<{ artifacts?: RepoArtifact[] }>('GET', path, READ_PERMISSION);
  return (page.artifacts ?? [])
    .filter((a) => a.name === name && !a.expired)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
}

// The toolkit throws Octokit's errors for REST failures; say which permission is missing.
async function wrapPermission<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (status === 401 || status === 403) {
      throw new GithubApiError(
        `reading artifacts was refused (${status}); the token needs the "${READ_PERMISSION}" permission`,
        status,
      );
    }
    throw err;
  }
}

/** The database inside a downloaded artifact: tracking.db, else its only .db file. */
function findDatabaseFile(dir: string, artifactName: string): string {
  const files = listFiles(dir);
  const named = files.find((f) => f.endsWith('/tracking.db') || f.endsWith('\\tracking.db'));
  if (named !== undefined) return named;
  const dbs = files.filter((f) => f.endsWith('.db') || f.endsWith('.sqlite'));
  if (dbs.length === 1) return dbs[0] as string;
  throw new Error(
    `artifact "${artifactName}" has no tracking.db (files: ${files.map((f) => f.slice(dir.length + 1)).join(', ') || 'none'})`,
  );
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
