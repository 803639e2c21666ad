/**
 * The inputs of the action's own (restoring, saving, reporting), named once. The inputs that give
 * engine settings are named in the settings table (src/config/settings.ts); action.yml declares
 * both.
 */
export const Inputs = {
  Restore: 'restore',
  Sync: 'sync',
  CacheKeyPrefix: 'cache-key-prefix',
  SaveCache: 'save-cache',
  ArtifactName: 'artifact-name',
  ArtifactRunId: 'artifact-run-id',
  GithubToken: 'github-token',
  CiAttributes: 'ci-attributes',
  OtlpArtifact: 'otlp-artifact',
  Openmetrics: 'openmetrics',
  OtlpArtifactName: 'otlp-artifact-name',
  RetentionDays: 'retention-days',
  Summary: 'summary',
  SummaryCommands: 'summary-commands',
  CommentOnPr: 'comment-on-pr',
  FailOnError: 'fail-on-error',
  Leg: 'leg',
  TokfLiveExport: 'tokf-live-export',
  Gridctl: 'gridctl',
} as const;

/** The action's outputs. */
export const Outputs = {
  Delivered: 'delivered',
  Rejected: 'rejected',
  Pending: 'pending',
  Selected: 'selected',
  TokensSaved: 'tokens-saved',
  Status: 'status',
  TooOld: 'too-old',
  SetAside: 'set-aside',
  Signals: 'signals',
  FirstEventTime: 'first-event-time',
  LastEventTime: 'last-event-time',
  CacheHit: 'cache-hit',
  RestoredFrom: 'restored-from',
  CacheKey: 'cache-key',
  OtlpArtifactId: 'otlp-artifact-id',
  OtlpArtifactUrl: 'otlp-artifact-url',
} as const;

/** What the main step hands to the post step. */
export const State = {
  IsPost: 'isPost',
  Restore: 'restore',
  SyncDone: 'syncDone',
  /** Which cache entries the main step took to send their events (sync: now). */
  Claim: 'claim',
} as const;

export const DEFAULT_CACHE_KEY_PREFIX = 'telemetry-db-v1';
export const DEFAULT_ARTIFACT_NAME = 'tokf-tracking-db';
export const DEFAULT_OTLP_ARTIFACT_NAME = 'telemetry-otlp';
