/** The action's inputs, named once (the contract in action.yml). */
export const Inputs = {
  DatabasePath: 'database-path',
  Restore: 'restore',
  Sync: 'sync',
  CacheKeyPrefix: 'cache-key-prefix',
  SaveCache: 'save-cache',
  ArtifactName: 'artifact-name',
  ArtifactRunId: 'artifact-run-id',
  GithubToken: 'github-token',
  Endpoint: 'endpoint',
  Headers: 'headers',
  Protocol: 'protocol',
  Compression: 'compression',
  Timeout: 'timeout',
  Since: 'since',
  Until: 'until',
  Limit: 'limit',
  DryRun: 'dry-run',
  MaxAge: 'max-age',
  RetryRejected: 'retry-rejected',
  MaxConsecutiveFailures: 'max-consecutive-failures',
  BatchSize: 'batch-size',
  ServiceName: 'service-name',
  ResourceAttributes: 'resource-attributes',
  CiAttributes: 'ci-attributes',
  OtlpArtifact: 'otlp-artifact',
  OtlpArtifactName: 'otlp-artifact-name',
  RetentionDays: 'retention-days',
  Summary: 'summary',
  CommentOnPr: 'comment-on-pr',
  FailOnError: 'fail-on-error',
} as const;

/** The action's outputs. */
export const Outputs = {
  Delivered: 'delivered',
  Rejected: 'rejected',
  Pending: 'pending',
  Selected: 'selected',
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
} as const;

export const DEFAULT_CACHE_KEY_PREFIX = 'telemetry-db-v1';
export const DEFAULT_ARTIFACT_NAME = 'tokf-tracking-db';
export const DEFAULT_OTLP_ARTIFACT_NAME = 'telemetry-otlp';
