import type { GithubRun } from './github-env.js';
import { GithubApiError, type GithubRest } from './github-rest.js';

/** A cache entry as the REST API lists it. */
export interface CacheEntry {
  id: number;
  key: string;
  /** The ref whose scope holds it: refs/heads/main, refs/pull/7/merge. */
  ref: string;
  createdAt: string;
  sizeInBytes: number;
}

interface RestCacheEntry {
  id?: unknown;
  key?: unknown;
  ref?: unknown;
  created_at?: unknown;
  size_in_bytes?: unknown;
}

export const LIST_PERMISSION = 'actions: read';
export const DELETE_PERMISSION = 'actions: write';

const PAGE_SIZE = 100;
/** Past this many entries the listing stops: the newest are what a restore needs. */
const MAX_PAGES = 10;

/** This repository's cache entries whose key starts with `prefix`, newest first (actions: read). */
export async function listCacheEntries(
  rest: GithubRest,
  run: GithubRun,
  prefix: string,
): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const path =
      `/repos/${run.owner}/${run.repo}/actions/caches?key=${encodeURIComponent(prefix)}` +
      `&sort=created_at&direction=desc&per_page=${PAGE_SIZE}&page=${page}`;
    const body = await rest.request<{ actions_caches?: RestCacheEntry[] }>(
      'GET',
      path,
      LIST_PERMISSION,
    );
    const entries = body?.actions_caches ?? [];
    for (const e of entries) {
      if (typeof e.id !== 'number' || typeof e.key !== 'string' || !e.key.startsWith(prefix))
        continue;
      out.push({
        id: e.id,
        key: e.key,
        ref: typeof e.ref === 'string' ? e.ref : '',
        createdAt: typeof e.created_at === 'string' ? e.created_at : '',
        sizeInBytes: typeof e.size_in_bytes === 'number' ? e.size_in_bytes : 0,
      });
    }
    if (entries.length < PAGE_SIZE) break;
  }
  // Newest first, by creation and then by id (ids grow), whatever order the pages came in. As
  // instants, not strings: `…:05Z` and `…:05.5Z` are both ISO 8601.
  return out.sort((a, b) => createdMs(b) - createdMs(a) || b.id - a.id);
}

function createdMs(entry: CacheEntry): number {
  const ms = Date.parse(entry.createdAt);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Deletes a cache entry (actions: write). `deleted` when this call removed it, `gone` when it was
 * no longer there (another run deleted it first); a refusal throws GithubApiError.
 */
export async function deleteCacheEntry(
  rest: GithubRest,
  run: GithubRun,
  id: number,
): Promise<'deleted' | 'gone'> {
  try {
    await rest.request(
      'DELETE',
      `/repos/${run.owner}/${run.repo}/actions/caches/${id}`,
      DELETE_PERMISSION,
    );
    return 'deleted';
  } catch (err) {
    if (err instanceof GithubApiError && err.status === 404) return 'gone';
    throw err;
  }
}

/** A refusal for want of a permission, as opposed to a failure worth reporting on its own. */
export function isPermissionRefusal(err: unknown): boolean {
  return err instanceof GithubApiError && (err.status === 401 || err.status === 403);
}
