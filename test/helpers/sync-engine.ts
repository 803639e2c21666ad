/** The sync engine in-process for tests: fast retries, waits capped, no log. */
import { buildSyncConfig } from '../../src/config/build-config.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { runSync, type SyncResult } from '../../src/engine/index.js';

/**
 * Waits are short and capped; the budget leaves room for 2 s of waits plus one attempt's default
 * 10 s timeout, since no attempt starts whose timeout could end past the budget.
 */
export const FAST_RETRY = {
  initialBackoffMs: 5,
  maxBackoffMs: 20,
  budgetMs: 12_000,
};

/** Syncs `db` to `url` (none: a file export or dry run) with `settings` over `env`. */
export function syncTo(
  url: string | undefined,
  db: string,
  settings: SyncSettings = {},
  env: NodeJS.ProcessEnv = {},
): Promise<SyncResult> {
  const config = buildSyncConfig(
    { db, ...(url !== undefined && { endpoint: url }), ...settings },
    env,
    Date.now(),
  );
  return runSync(config, {
    now: Date.now,
    log: () => {},
    userAgent: 'telemetry-sync/test',
    retryPolicy: FAST_RETRY,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
  });
}
