/**
 * Ctrl-C and SIGTERM during a replay, as during a sync: the real CLI against a slow loopback
 * receiver. The line in flight finishes, what was acknowledged is recorded, the summary is
 * printed, the exit code is 130; the next replay sends exactly the rest.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logsLine, markersOf } from '../helpers/jsonl-files.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { CLI, runCli } from '../helpers/run-cli.js';

const LINES = 60;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cli-replay-int-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function startReplay(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'replay', ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { done, kill: (s: NodeJS.Signals) => child.kill(s) };
}

describe('Ctrl-C during a replay', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: finishes the line in flight, records it, prints the summary, exits 130; the next replay sends the rest once',
    async (signal) => {
      const file = join(dir, 'app.jsonl');
      writeFileSync(
        file,
        Array.from({ length: LINES }, (_, i) => `${logsLine(String(i + 1))}\n`).join(''),
      );
      const receiver = await startOtlpReceiver({ respond: () => ({ delayMs: 300 }) });
      const args = [file, '--endpoint', receiver.url, '--state', join(dir, 'state.db')];
      try {
        const run = startReplay(args);
        await receiver.waitForRequests(3, 20_000);
        run.kill(signal);
        const first = await run.done;
        expect(first.code).toBe(130);
        const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
        expect(first.stderr).toContain(`${name}: stopping; the request in flight may finish`);
        expect(first.stderr).toMatch(/replayed 1 file: \d+ lines \(\d+ logs\) delivered/);
        expect(first.stderr).toMatch(/stopped at .*app\.jsonl:\d+: interrupted/);
        const result = JSON.parse(first.stdout);
        expect(result.interrupted).toBe(true);
        expect(result.sentLines).toBeGreaterThanOrEqual(3);
        expect(result.sentLines).toBeLessThan(LINES);
        // Every request the receiver answered, the one in flight included, is recorded.
        const before = markersOf(receiver.requests);
        expect(before).toHaveLength(result.sentLines);
        expect(before).toEqual(Array.from({ length: result.sentLines }, (_, i) => `${i + 1}#0`));

        const second = await runCli(['replay', ...args, '--json']);
        expect(second.code).toBe(0);
        expect(JSON.parse(second.stdout)).toMatchObject({ sentLines: LINES - result.sentLines });
        expect(markersOf(receiver.requests)).toEqual(
          Array.from({ length: LINES }, (_, i) => `${i + 1}#0`),
        );
      } finally {
        await receiver.close();
      }
    },
    60_000,
  );
});
