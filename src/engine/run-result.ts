import { displayEndpoint } from '../config/endpoint.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { ClockCheck } from './clock-check.js';
import type { Deliverer } from './delivery.js';
import { redact } from './redact.js';
import type { SavingsRow } from './savings.js';
import type { SelectionTally } from './selection.js';
import type { SyncResult } from './sync-result.js';

/** What a run knows at its end, gathered for the result. */
export interface RunFacts {
  config: SyncConfig;
  progressMode: SyncResult['progress'];
  tally: SelectionTally;
  pending: number;
  setAside: number;
  /** Undefined when nothing was to be sent (dry run, file export). */
  delivery: Pick<Deliverer, 'stats' | 'errors' | 'summaryWarnings'> | undefined;
  errors: readonly string[];
  clock: ClockCheck;
  tooOld: number;
  file: { path: string; events: number } | undefined;
  rejectedFile: { path: string; events: number } | undefined;
  points: Record<string, number>;
  bytesEncoded: number;
  savedBy: SavingsRow[];
  durationMs: number;
}

/** The result of a run, its status and exit code, with every secret redacted from messages. */
export function runResult(f: RunFacts): SyncResult {
  const { config, tally } = f;
  const stats = f.delivery?.stats;
  const delivered = stats?.delivered ?? 0;
  const errors = [...f.errors, ...(f.delivery?.errors ?? [])];
  const warnings = [
    ...(f.delivery?.summaryWarnings() ?? []),
    ...f.clock.warnings(),
    ...selectionWarnings(f),
  ];
  const allSent =
    delivered === tally.selected - f.tooOld &&
    errors.length === 0 &&
    (stats?.rejectedEvents ?? 0) === 0;
  const status: SyncResult['status'] = config.dryRun
    ? 'dry-run'
    : f.delivery === undefined
      ? 'exported'
      : allSent
        ? 'delivered'
        : delivered > 0
          ? 'partial'
          : 'failed';
  const secrets = config.endpoint?.secrets ?? [];
  return {
    status,
    exitCode: status === 'partial' || status === 'failed' ? 1 : 0,
    database: config.dbPath,
    progress: f.progressMode,
    endpoint: config.endpoint === undefined ? null : displayEndpoint(config.endpoint.url),
    protocol: config.protocol,
    compression: config.compression,
    dryRun: config.dryRun,
    selected: tally.selected,
    delivered,
    rejected: stats?.rejectedPoints ?? 0,
    rejectedEvents: stats?.rejectedEvents ?? 0,
    tooOld: f.tooOld,
    pending: f.pending,
    setAside: f.setAside,
    unreadable: tally.unreadable,
    exported: f.file?.events ?? 0,
    points: f.points,
    firstEventTime: isoOf(tally.firstSeconds),
    lastEventTime: isoOf(tally.lastSeconds),
    requests: stats?.requests ?? 0,
    failedRequests: stats?.failedRequests ?? 0,
    retries: stats?.retries ?? 0,
    bytesSent: stats?.bytesSent ?? 0,
    bytesEncoded: f.bytesEncoded,
    durationMs: f.durationMs,
    recordMs: Math.round(stats?.recordMs ?? 0),
    otlpJsonFile: f.file?.path ?? null,
    rejectedFile:
      f.rejectedFile !== undefined && f.rejectedFile.events > 0 ? f.rejectedFile.path : null,
    savedBy: f.savedBy,
    clock: f.clock.report,
    errors: errors.map((e) => redact(e, secrets)),
    warnings: warnings.map((w) => redact(w, secrets)),
  };
}

function selectionWarnings(f: RunFacts): string[] {
  const { tally, config } = f;
  const out: string[] = [];
  if (tally.unreadable > 0) {
    out.push(
      `${tally.unreadable} pending event(s) have a timestamp that is not a time and cannot be replayed${f.delivery ? '; they were set aside as rejected' : ''}`,
    );
  }
  if (f.tooOld > 0) {
    out.push(
      f.file !== undefined
        ? `${f.tooOld} event(s) older than max-age were not sent, only written to ${f.file.path}`
        : `${f.tooOld} event(s) older than max-age were not sent and stay pending; give an OTLP/JSON output directory to export them`,
    );
  }
  if (tally.skippedRejected > 0 && !config.retryRejected) {
    out.push(
      `${tally.skippedRejected} event(s) set aside as rejected by earlier runs were skipped (--retry-rejected sends them again)`,
    );
  }
  return out;
}

function isoOf(seconds: number | undefined): string | null {
  return seconds === undefined
    ? null
    : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
