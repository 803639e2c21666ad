import { displayEndpoint } from '../config/endpoint.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { DeliveryStats } from './delivery-stats.js';
import type { Notice, Notices } from './notices.js';
import type { Observed } from './observed.js';
import { redact } from '../config/redact.js';
import type { SavingsRow } from './savings.js';
import type { RunSummary } from './run-summary.js';
import type { SyncResult } from './sync-result.js';

/** What a run knows at its end, gathered for the result. */
export interface RunFacts {
  config: SyncConfig;
  progressMode: SyncResult['progress'];
  observed: Observed;
  /** Of the whole database after the run; -1 when counting failed. */
  counts: { pending: number; setAside: number };
  /** Pending in the whole database before the run read anything; -1 when counting failed. */
  pendingAtStart: number;
  /** Undefined when nothing was to be sent (dry run, file export). */
  delivery: DeliveryStats | undefined;
  recordMs: number;
  notices: Notices;
  file: { path: string; events: number } | undefined;
  refusedFile: { path: string; events: number } | undefined;
  backfillFile: { path: string; events: number } | undefined;
  savedBy: SavingsRow[];
  savedByProgram: SavingsRow[];
  durationMs: number;
  interrupted: boolean;
}

/** The result of a run, its status and exit code, with every secret redacted from messages. */
export function runResult(f: RunFacts): SyncResult {
  const { config, observed } = f;
  const selection = observed.selection;
  const stats = f.delivery;
  const delivered = stats?.deliveredEvents ?? 0;
  const errors = f.notices.errors;
  const warnings = [...f.notices.warnings, ...observed.clock.notices(), ...selectionNotices(f)];
  const allSent =
    delivered ===
      selection.selected -
        observed.tooOld -
        (stats?.tooOldForEndpoint ?? 0) -
        (stats?.behindEndpoint ?? 0) &&
    errors.length === 0 &&
    (stats?.refusedEvents ?? 0) === 0;
  const status: SyncResult['status'] = config.dryRun
    ? 'dry-run'
    : stats === undefined
      ? 'exported'
      : allSent
        ? 'delivered'
        : delivered > 0
          ? 'partial'
          : 'failed';
  // Too-old events are set aside only where a run records and a file holds them.
  const maxAgeSetAside = stats !== undefined && f.file !== undefined ? observed.tooOld : 0;
  const selectedSetAside =
    (stats?.refusedEvents ?? 0) +
    (stats?.tooOldForEndpoint ?? 0) +
    (stats?.behindEndpoint ?? 0) +
    maxAgeSetAside;
  const secrets = config.endpoint?.secrets ?? [];
  const clean = (n: Notice): Notice =>
    n.message === null ? n : { ...n, message: redact(n.message, secrets) };
  const result: Omit<SyncResult, 'run'> = {
    status,
    // A file-only export whose file could not be written did not do its job either.
    exitCode:
      status === 'partial' || status === 'failed' || (status === 'exported' && errors.length > 0)
        ? 1
        : 0,
    database: config.dbPath,
    progress: f.progressMode,
    endpoint: config.endpoint === undefined ? null : displayEndpoint(config.endpoint.url),
    protocol: config.protocol,
    compression: config.compression,
    dryRun: config.dryRun,
    selected: selection.selected,
    delivered,
    refusedEvents: stats?.refusedEvents ?? 0,
    alreadyHeld: stats?.alreadyHeld ?? 0,
    rejectedPoints: stats?.rejectedPoints ?? 0,
    selectedSetAside,
    selectedPending:
      status === 'dry-run' || status === 'exported'
        ? selection.selected
        : selection.selected - delivered - selectedSetAside,
    tooOld: observed.tooOld,
    tooOldForEndpoint:
      (stats?.tooOldForEndpoint ?? 0) + (stats?.tooOldUnsent ?? 0) + (stats?.behindEndpoint ?? 0),
    pending: f.counts.pending,
    pendingAtStart: f.pendingAtStart,
    setAside: f.counts.setAside,
    held: selection.held,
    skippedBuiltins: selection.skipped,
    service: { name: config.resource['service.name'] ?? '', from: config.serviceNameFrom },
    unreadable: selection.unreadable,
    exported: f.file?.events ?? 0,
    points: observed.points,
    firstEventTime: isoOf(selection.firstSeconds),
    lastEventTime: isoOf(selection.lastSeconds),
    requests: stats?.requests ?? 0,
    failedRequests: stats?.failedRequests ?? 0,
    retries: stats?.retries ?? 0,
    bytesSent: stats?.bytesSent ?? 0,
    bytesEncoded: observed.bytesEncoded,
    durationMs: f.durationMs,
    recordMs: Math.round(f.recordMs),
    otlpJsonFile: f.file !== undefined && f.file.events > 0 ? f.file.path : null,
    rejectedFile:
      f.refusedFile !== undefined && f.refusedFile.events > 0 ? f.refusedFile.path : null,
    openmetricsFile:
      f.backfillFile !== undefined && f.backfillFile.events > 0 ? f.backfillFile.path : null,
    savedBy: f.savedBy,
    savedByProgram: f.savedByProgram,
    tokens: { ...observed.tokens },
    deliveredTokens: { ...observed.deliveredTokens },
    daily: observed.daily.list(),
    interrupted: f.interrupted,
    signals: [],
    clock: observed.clock.report,
    errors: errors.map(clean),
    warnings: warnings.map(clean),
  };
  return { ...result, run: syncRunSummary(result) };
}

function selectionNotices(f: RunFacts): Notice[] {
  const { selection } = f.observed;
  const out: Notice[] = [];
  if (selection.unreadable > 0) {
    out.push({
      kind: 'unreadable-time',
      count: selection.unreadable,
      firstId: null,
      message: null,
      setAside: f.delivery !== undefined,
    });
  }
  if (selection.skippedRejected > 0 && !f.config.retryRejected) {
    out.push({
      kind: 'skipped-rejected',
      count: selection.skippedRejected,
      firstId: null,
      message: null,
    });
  }
  return out;
}

function isoOf(seconds: number | undefined): string | null {
  return seconds === undefined
    ? null
    : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * A sync's run: the figures of its result's top level (the first signal's, metrics unless
 * --signals says otherwise), as the run log has always recorded them.
 */
export function syncRunSummary(r: Omit<SyncResult, 'run'>): RunSummary {
  return {
    command: 'sync',
    status: r.status,
    exitCode: r.exitCode,
    interrupted: r.interrupted,
    durationMs: r.durationMs,
    unit: 'event',
    endpoint: r.endpoint,
    selected: r.selected,
    delivered: r.delivered,
    setAside: r.selectedSetAside,
    pending: r.pending,
    requests: r.requests,
    retries: r.retries,
    bytesSent: r.bytesSent,
  };
}
