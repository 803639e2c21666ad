/* eslint-disable no-control-regex -- the terminal escape that clears the line is what is tested */
/**
 * Progress of the real CLI on stderr: one updating line on a pseudo-terminal (given by `script`),
 * plain lines every few seconds through a pipe, nothing with --quiet.
 */
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/run-cli.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

const EVENTS = 300;

function tokfDb(): string {
  const path = tmpDbPath('progress-');
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(EVENTS, { maxGapSeconds: 5 }));
  return path;
}

let receiver: OtlpReceiver;
afterEach(() => receiver?.close());
afterAll(removeTmpDirs);

/** Runs the CLI under `script`, which gives it a pseudo-terminal; what the terminal showed. */
function onTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('progress on stderr', () => {
  it('on a terminal: one line updated in place, cleared before the summary', async () => {
    receiver = await startOtlpReceiver({ respond: () => ({ delayMs: 250 }) });
    const db = tokfDb();
    const run = await onTerminal([
      'sync',
      '--db',
      db,
      '--endpoint',
      receiver.url,
      '--batch-size',
      '30',
    ]);
    expect(run.code).toBe(0);
    const updates =
      run.output.match(/\r\x1b\[2Ktelemetry-sync: [\d,]+ of 300 events sent \(\d+%\)[^\r\n]*/g) ??
      [];
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.some((u) => /events\/s, about .* left/.test(u))).toBe(true);
    // Cleared, then the summary on lines of its own.
    expect(run.output).toMatch(/\r\x1b\[2Ktelemetry-sync: delivered 300 events/);
    expect(run.output).toContain('  tokens    ');
  }, 60_000);

  it('through a pipe: a plain line every 5 s, and nothing with --quiet', async () => {
    receiver = await startOtlpReceiver({ respond: () => ({ delayMs: 400 }) });
    const args = ['--endpoint', receiver.url, '--batch-size', '20'];
    const run = await runCli(['sync', '--db', tokfDb(), ...args]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).toMatch(
      /^telemetry-sync: [\d,]+ of 300 events sent \(\d+%\), [\d,]+ events\/s, about .* left$/m,
    );
    const quiet = await runCli(['sync', '--db', tokfDb(), ...args, '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/events sent/);
    expect(quiet.stderr).toMatch(/^telemetry-sync: delivered 300 events/);
  }, 60_000);

  it('shows the wait before each retry and why', async () => {
    receiver = await startOtlpReceiver();
    receiver.enqueue({ status: 503, errorMessage: 'busy' }, { status: 503, errorMessage: 'busy' });
    const run = await runCli(['sync', '--db', tokfDb(), '--endpoint', receiver.url]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^telemetry-sync: 0 of 300 events sent \(0%\), retrying in [\d.]+ s: HTTP 503: busy$/m,
    );
  }, 60_000);
});
