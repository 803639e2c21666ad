import { parseArgs } from 'node:util';
import type { SyncSettings } from '../config/sync-config.js';
import { UsageError } from '../errors.js';

export type CliCommand =
  | { kind: 'help'; text: 'main' | 'sync' }
  | { kind: 'version' }
  | { kind: 'sync'; settings: SyncSettings; json: boolean };

const SYNC_OPTIONS = {
  db: { type: 'string' },
  endpoint: { type: 'string' },
  headers: { type: 'string' },
  protocol: { type: 'string' },
  compression: { type: 'string' },
  timeout: { type: 'string' },
  'batch-size': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'max-age': { type: 'string' },
  'retry-rejected': { type: 'boolean' },
  'max-consecutive-failures': { type: 'string' },
  'service-name': { type: 'string' },
  'service-version': { type: 'string' },
  'resource-attributes': { type: 'string' },
  'otlp-json-out': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** argv (without node and the script) to a command; every mistake is a UsageError. */
export function parseCli(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { kind: 'help', text: 'main' };
  }
  if (command === '--version' || command === '-V') return { kind: 'version' };
  if (command !== 'sync') {
    throw new UsageError(`unknown command "${command}" (try: telemetry-sync sync --help)`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: SYNC_OPTIONS,
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const v = parsed.values;
  if (v.help === true) return { kind: 'help', text: 'sync' };
  const settings: SyncSettings = {
    ...(v.db !== undefined && { db: v.db }),
    ...(v.endpoint !== undefined && { endpoint: v.endpoint }),
    ...(v.headers !== undefined && { headers: v.headers }),
    ...(v.protocol !== undefined && { protocol: v.protocol }),
    ...(v.compression !== undefined && { compression: v.compression }),
    ...(v.timeout !== undefined && { timeout: v.timeout }),
    ...(v['batch-size'] !== undefined && { batchSize: v['batch-size'] }),
    ...(v.since !== undefined && { since: v.since }),
    ...(v.until !== undefined && { until: v.until }),
    ...(v.limit !== undefined && { limit: v.limit }),
    dryRun: v['dry-run'] === true,
    ...(v['max-age'] !== undefined && { maxAge: v['max-age'] }),
    retryRejected: v['retry-rejected'] === true,
    ...(v['max-consecutive-failures'] !== undefined && {
      maxConsecutiveFailures: v['max-consecutive-failures'],
    }),
    ...(v['service-name'] !== undefined && { serviceName: v['service-name'] }),
    ...(v['service-version'] !== undefined && { serviceVersion: v['service-version'] }),
    ...(v['resource-attributes'] !== undefined && { resourceAttributes: v['resource-attributes'] }),
    ...(v['otlp-json-out'] !== undefined && { otlpJsonOut: v['otlp-json-out'] }),
  };
  for (const [flag, value] of Object.entries(v)) {
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`--${flag} needs a value`);
    }
  }
  return { kind: 'sync', settings, json: v.json === true };
}

function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Node's messages end with advice about "--" that does not apply to us.
  return message
    .replace(/\s*To specify an option argument starting with a dash.*$/s, '')
    .replace(/\. To specify a positional.*$/s, '.');
}
