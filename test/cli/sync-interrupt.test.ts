/**
 * Ctrl-C during a sync against a slow endpoint: the real CLI, a real loopback receiver, SIGINT
 * mid-run. What was acknowledged is recorded, the rest stays pending, nothing is sent twice.
 */
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/run-cli.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { waitFor } from '../helpers/wait-for.js';
import { deliveriesByCommand, distinctEventsDb } from '../faults/fault-kit.js';

const EVENTS = 300;
const BATCH = 20;

afterAll(removeTmpDirs);

function startCli(db: string, url: string, signal: NodeJS.Signals, times: number) {
  const child = spawn(
    process.execPath,
    [CLI, 'sync', '--db', db, '--endpoint', url, '--batch-size', String(BATCH), '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  // Each signal waits until the CLI says it took it (or exited): two signals sent at once may
  // reach it as one.
  let sent = 0;
  const interrupt = async () => {
    for (let i = 0; i < times; i++) {
      child.kill(signal);
      sent += 1;
      const answer =
        sent === 1 ? 'stopping; the request in flight may finish' : 'again: exiting now';
      await waitFor(() => stderr.includes(answer) || child.exitCode !== null, {
        what: `the CLI to answer ${signal} number ${sent} with "${answer}"`,
        seen: () => stderr,
      });
    }
  };
  return { done, interrupt };
}

describe('Ctrl-C during a sync', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: records what was acknowledged, prints the summary, exits 130; the next sync sends exactly the rest',
    async (signal) => {
      const db = distinctEventsDb(EVENTS);
      const receiver = await startOtlpReceiver({ respond: () => ({ delayMs: 300 }) });
      try {
        const cli = startCli(db, receiver.url, signal, 1);
        await receiver.waitForRequests(3, 20_000);
        await cli.interrupt();
        const first = await cli.done;
        expect(first.code).toBe(130);
        expect(first.stderr).toContain('stopping; the request in flight may finish');
        expect(first.stderr).toContain('interrupted: sending stopped');
        const result = JSON.parse(first.stdout);
        // Told in terms of the database, not of the part of the selection read before the stop.
        expect(result.pendingAtStart).toBe(EVENTS);
        const left = (EVENTS - result.delivered).toLocaleString('en-US');
        expect(first.stderr).toContain(
          `telemetry-sync: interrupted: delivered ${result.delivered} events to ${result.endpoint} before stopping; ${left} still pending for the next run\n`,
        );
        expect(first.stderr).toContain(
          `  events    ${EVENTS} pending at the start, ${result.delivered} delivered now, ${left} still pending\n`,
        );
        expect(first.stderr).toMatch(
          new RegExp(
            `  tokens    [\\d,]+ saved \\([\\d,]+ in, [\\d,]+ out\\) by the ${result.delivered} events delivered\n`,
          ),
        );
        expect(first.stderr).not.toMatch(/selected/);
        expect(result.interrupted).toBe(true);
        expect(result.delivered).toBeGreaterThanOrEqual(3 * BATCH);
        expect(result.delivered).toBeLessThan(EVENTS);
        expect(result.pending).toBe(EVENTS - result.delivered);
        expect(result.errors.map((e: { kind: string }) => e.kind)).toEqual(['interrupted']);
        // What the receiver acknowledged is exactly what the run recorded as delivered.
        const before = deliveriesByCommand(receiver.acceptedPoints());
        expect([...before.values()].every((n) => n === 1)).toBe(true);
        expect(before.size).toBe(result.delivered);

        const second = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
        expect(second.code).toBe(0);
        expect(JSON.parse(second.stdout)).toMatchObject({
          delivered: EVENTS - result.delivered,
          pending: 0,
        });
        const all = deliveriesByCommand(receiver.acceptedPoints());
        expect(all.size).toBe(EVENTS);
        expect([...all.values()].every((n) => n === 1)).toBe(true);
      } finally {
        await receiver.close();
      }
    },
    60_000,
  );

  it('a second Ctrl-C exits at once, losing nothing that was recorded', async () => {
    const db = distinctEventsDb(EVENTS);
    const receiver = await startOtlpReceiver({ respond: () => ({ delayMs: 2000 }) });
    try {
      const cli = startCli(db, receiver.url, 'SIGINT', 1);
      await receiver.waitForRequests(2, 20_000);
      const started = Date.now();
      await cli.interrupt();
      await cli.interrupt();
      const first = await cli.done;
      expect(first.code).toBe(130);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(first.stderr).toContain('SIGINT again: exiting now');
      expect(first.stdout).toBe('');
      // The next run sends every event the receiver did not acknowledge to a recorded run; the
      // one in flight when the process exited may come twice, as after a crash.
      const second = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
      expect(second.code).toBe(0);
      const all = deliveriesByCommand(receiver.acceptedPoints());
      expect(all.size).toBe(EVENTS);
      expect([...all.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(BATCH);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
