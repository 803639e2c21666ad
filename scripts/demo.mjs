#!/usr/bin/env node
/**
 * `npm run demo`: the CLI bundle replays the sample tokf database to OTLP/JSON Lines.
 *
 * It works on a fresh copy of test/fixtures/tokf-sample.db in the output directory, made anew on
 * every run, never on the tracked fixture: with OTEL_EXPORTER_OTLP_ENDPOINT set the CLI also sends
 * there and records what was delivered in the database it was given, which would change a file the
 * tests compare against (and leave nothing for the next demo to send). Each run therefore replays
 * the whole sample, whatever an earlier one did.
 *
 *   node scripts/demo.mjs [OUT_DIR]     OUT_DIR defaults to demo-out (git-ignored)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = path.join(REPO_ROOT, 'test', 'fixtures', 'tokf-sample.db');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** The copy's name in the output directory: tokf's own, so that it reads as what it is. */
const COPY_NAME = 'tracking.db';

const out = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'demo-out'));
fs.mkdirSync(out, { recursive: true });
const db = path.join(out, COPY_NAME);
// A journal left by an interrupted earlier demo belongs to the old copy, not to this one.
for (const leftover of [db, `${db}-journal`, `${db}-wal`, `${db}-shm`])
  fs.rmSync(leftover, { force: true });
fs.copyFileSync(SAMPLE, db);
// A checkout may have made the fixture read-only; the copy is ours to record progress in.
fs.chmodSync(db, 0o644);

// Named, not printed: an endpoint URL may carry credentials; the CLI's summary shows it redacted.
const endpointVariable = [
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
].find((name) => process.env[name]);
process.stderr.write(
  `demo: replaying a copy of test/fixtures/tokf-sample.db (${db}) to ${path.join(out, 'metrics.jsonl')}` +
    (endpointVariable ? `, and to the endpoint ${endpointVariable} names` : '') +
    '\n',
);
const run = spawnSync(process.execPath, [CLI, 'sync', '--db', db, '--otlp-json-out', out], {
  stdio: 'inherit',
});
if (run.error) {
  process.stderr.write(
    `demo: could not run ${CLI}: ${run.error.message} (npm run bundle first?)\n`,
  );
  process.exit(2);
}
process.exit(run.status ?? 1);
