/**
 * An action report and a sync result with plausible figures (one run of ten events, all
 * delivered), for the tests of what the action makes of them; each field can be overridden.
 */
import type { ActionReport } from '../../src/action/action-report.js';
import type { SyncResult } from '../../src/engine/index.js';
import { syncRunSummary } from '../../src/engine/run-result.js';

export function result(overrides: Partial<SyncResult> = {}): SyncResult {
  const r: Omit<SyncResult, 'run'> = {
    status: 'delivered',
    exitCode: 0,
    database: '/db',
    signals: [],
    progress: 'ranges',
    endpoint: 'https://otlp.example.com:4318/v1/metrics',
    protocol: 'http/protobuf',
    compression: 'gzip',
    dryRun: false,
    selected: 10,
    delivered: 10,
    refusedEvents: 0,
    alreadyHeld: 0,
    rejectedPoints: 0,
    tooOld: 0,
    tooOldForEndpoint: 0,
    selectedSetAside: 0,
    selectedPending: 0,
    setAside: 0,
    pending: 0,
    pendingAtStart: 0,
    held: 0,
    skippedBuiltins: 0,
    service: { name: 'tokf', from: "tokf's default" },
    unreadable: 0,
    exported: 10,
    points: { 'tokf.filter.invocations': 9 },
    firstEventTime: '2026-03-02T09:00:00Z',
    lastEventTime: '2026-03-02T10:00:00Z',
    requests: 1,
    failedRequests: 0,
    retries: 0,
    bytesSent: 100,
    bytesEncoded: 300,
    durationMs: 5,
    recordMs: 1,
    otlpJsonFile: null,
    rejectedFile: null,
    openmetricsFile: null,
    savedBy: [],
    savedByProgram: [],
    tokens: { events: 10, input: 5000, output: 1200, saved: 3900 },
    deliveredTokens: { events: 10, input: 5000, output: 1200, saved: 3900 },
    daily: [{ day: '2026-03-02', events: 10, tokensSaved: 3900 }],
    interrupted: false,
    clock: { future: 0, backwards: 0, firstFutureId: null, firstBackwardsId: null },
    errors: [],
    warnings: [],
    ...overrides,
  };
  return { ...r, run: overrides.run ?? syncRunSummary(r) };
}

export function report(overrides: Partial<ActionReport> = {}): ActionReport {
  return {
    result: result(),
    restoredCopy: undefined,
    restoredFrom: 'cache',
    restoredKey: 'telemetry-db-v1-linux-1-1',
    artifact: undefined,
    save: undefined,
    pullRequest: undefined,
    notes: [],
    problems: [],
    ...overrides,
  };
}
