import type { GithubRun } from './github-env.js';
import type { Leg } from './leg.js';
import type { GithubRest } from './github-rest.js';

interface IssueComment {
  id: number;
  body?: string;
}

const WRITE_PERMISSION = 'pull-requests: write';
const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/**
 * The hidden first line that marks our comment: one per workflow, job and matrix leg, found again
 * by later runs (the leg's label is its matrix values, the same from run to run).
 */
export function commentMarker(run: GithubRun, leg: Leg): string {
  const parts = [run.workflow, run.job, leg.label].filter((p) => p !== '');
  return `<!-- telemetry-sync: ${parts.map((p) => p.replace(/--/g, '')).join('/')} -->`;
}

/** Keeps one comment on the pull request: edits ours if it exists, else creates it. */
export async function upsertPullRequestComment(
  rest: GithubRest,
  run: GithubRun,
  pullRequest: number,
  body: string,
  marker: string,
): Promise<{ id: number; created: boolean }> {
  const base = `/repos/${run.owner}/${run.repo}/issues`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await rest.request<IssueComment[]>(
      'GET',
      `${base}/${pullRequest}/comments?per_page=${PAGE_SIZE}&page=${page}`,
      WRITE_PERMISSION,
    );
    const ours = comments.find((c) => c.body?.startsWith(marker));
    if (ours !== undefined) {
      await rest.request('PATCH', `${base}/comments/${ours.id}`, WRITE_PERMISSION, { body });
      return { id: ours.id, created: false };
    }
    if (comments.length < PAGE_SIZE) break;
  }
  const created = await rest.request<IssueComment>(
    'POST',
    `${base}/${pullRequest}/comments`,
    WRITE_PERMISSION,
    { body },
  );
  return { id: created.id, created: true };
}
