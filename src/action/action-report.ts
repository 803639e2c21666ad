import type { SyncResult } from '../engine/index.js';
import type { Claim } from './cache-claims.js';
import type { SaveOutcome } from './database-cache.js';
import type { UploadedArtifact } from './otlp-artifact.js';

/** Everything the job summary and the pull-request comment show. */
export interface ActionReport {
  /** The sync of the database at database-path, if there was one. */
  result: SyncResult | undefined;
  /** The sync of a restored copy kept beside a database that already existed. */
  restoredCopy: SyncResult | undefined;
  /** Where the database came from: cache, artifact, existing or none. */
  restoredFrom: string;
  restoredKey: string | undefined;
  artifact: UploadedArtifact | undefined;
  save: SaveOutcome | undefined;
  /** Set on pull requests. */
  pullRequest: number | undefined;
  /**
   * How commands are named in the tokens-saved table: by program and subcommand (default), or
   * as whole command lines, which may hold secrets (input summary-commands).
   */
  commands?: 'program' | 'full';
  /** Plain-language facts for the reader (what was not found, what was left and why). */
  notes: string[];
  problems: string[];
  /** Warnings about missing permissions: annotated, never a reason to fail the step. */
  advice?: string[];
  /** Who sends what earlier runs left pending (see cache-claims.ts). */
  claim?: Claim;
  /** Why no OTLP/JSON artifact was uploaded, when the run had files for one. */
  artifactSkipped?: string;
  /** Why uploading the OTLP/JSON artifact failed: then nothing was exported to it. */
  artifactFailed?: string;
}

/** The syncs the report tells of: the database's, then a restored copy's. */
export function resultsOf(report: ActionReport): SyncResult[] {
  return [report.result, report.restoredCopy].filter((r): r is SyncResult => r !== undefined);
}
