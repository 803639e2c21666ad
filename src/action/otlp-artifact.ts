import { basename } from 'node:path';
import type { GithubRun } from './github-env.js';
import type { Leg } from './leg.js';
import { artifactClient } from './toolkit-clients.js';

export interface UploadedArtifact {
  name: string;
  id: number;
  url: string;
}

/**
 * Names must be unique within a run: a re-run attempt, a second job and every leg of a matrix
 * (which share the job's name) must not collide, so the job, the leg's matrix values, the attempt
 * and the leg's id (from its backend id: unique even when the values are not) are in the name.
 */
export function otlpArtifactName(base: string, run: GithubRun, leg: Leg): string {
  return [base, run.job, leg.label, run.runAttempt, leg.id].filter((p) => p !== '').join('-');
}

/** Uploads OTLP JSON Lines files, kept at their paths below `root`, as one artifact. */
export async function uploadOtlpArtifact(
  name: string,
  files: string[],
  root: string,
  retentionDays: number | undefined,
  run: GithubRun,
): Promise<UploadedArtifact> {
  const client = await artifactClient();
  const { id } = await client.uploadArtifact(name, files, root, {
    ...(retentionDays !== undefined && { retentionDays }),
  });
  if (id === undefined)
    throw new Error(
      `the artifact service gave no id for ${name} (${files.map((f) => basename(f)).join(', ')})`,
    );
  return {
    name,
    id,
    url: `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/artifacts/${id}`,
  };
}
