import { DefaultArtifactClient } from '@actions/artifact';
import { basename } from 'node:path';
import type { GithubRun } from './github-env.js';

export interface UploadedArtifact {
  name: string;
  id: number;
  url: string;
}

/**
 * Names must be unique within a run, and a re-run attempt or a second job must not collide with
 * the first, so the job and attempt are part of the name.
 */
export function otlpArtifactName(base: string, run: GithubRun): string {
  return [base, run.job, run.runAttempt].filter((p) => p !== '').join('-');
}

/** Uploads OTLP JSON Lines files, kept at their paths below `root`, as one artifact. */
export async function uploadOtlpArtifact(
  name: string,
  files: string[],
  root: string,
  retentionDays: number | undefined,
  run: GithubRun,
): Promise<UploadedArtifact> {
  const client = new DefaultArtifactClient();
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
