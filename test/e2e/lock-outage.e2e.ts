/**
 * The sync lock through a long outage, in real time (no durations shortened or injected): a sync
 * retries 503s for 130 s with --retry-budget and --timeout at large values, recording nothing all
 * that while; a second sync started at 125 s, past the 120 s after which a silent holder on
 * another host counts as stale, must find the first alive (same host: its pid and start time
 * decide; its heartbeat is on a timer anyway) and refuse. Every event arrives exactly once,
 * counted at the receiver. About 2.5 minutes.
 */
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/run-cli.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb } from '../faults/fault-kit.js';

const EVENTS = 2000;
const OUTAGE_MS = 130_000;
const SECOND_AT_MS = 125_000;
/** The largest --timeout (10 min) and a retry budget far past the outage. */
const HOLD_FLAGS = ['--retry-budget', '1h', '--timeout', '600000'];

afterAll(removeTmpDirs);

function startSync(db: string, url: string) {
  const child = spawn(
    process.execPath,
    [CLI, 'sync', '--db', db, '--endpoint', url, '--json', '--quiet', ...HOLD_FLAGS],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the sync lock through a 130 s outage', () => {
  it('a second sync at 125 s does not take the lock; every event is delivered once', async () => {
    const db = distinctEventsDb(EVENTS);
    const t0 = Date.now();
    const receiver = await startOtlpReceiver({
      respond: () => (Date.now() - t0 < OUTAGE_MS ? { status: 503 } : {}),
    });
    try {
      const first = startSync(db, receiver.url);
      await sleep(SECOND_AT_MS - (Date.now() - t0));
      // 125 s without a single acknowledgement: the holder is still alive, and said to be.
      const status = await runCli(['status', '--db', db, '--json']);
      expect(JSON.parse(status.stdout).lock).toMatchObject({ alive: true });
      expect(receiver.acceptedPoints()).toEqual([]);
      const second = await runCli([
        'sync',
        '--db',
        db,
        '--endpoint',
        receiver.url,
        '--json',
        ...HOLD_FLAGS,
      ]);
      // It waits up to 10 s for the lock: the first either still holds it (busy, exit 1) or
      // has delivered everything meanwhile, leaving it nothing to send. Never both sending.
      if (second.code === 1) {
        expect(second.stderr).toMatch(
          /another telemetry-sync \(pid \d+ on .*\) is syncing this database; nothing was sent/,
        );
        expect(JSON.parse(second.stdout)).toMatchObject({ exitCode: 1, error: { kind: 'busy' } });
      } else {
        expect(second.code).toBe(0);
        expect(JSON.parse(second.stdout)).toMatchObject({ selected: 0, delivered: 0 });
      }
      const done = await first;
      expect(done.code).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ delivered: EVENTS, pending: 0 });
      expect(Date.now() - t0).toBeGreaterThan(OUTAGE_MS);
      const counts = deliveriesByCommand(receiver.acceptedPoints());
      expect(counts.size).toBe(EVENTS);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    } finally {
      await receiver.close();
    }
  }, 300_000);
});
