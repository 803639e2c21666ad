/** What a person reads from the CLI: mistakes explained once, numbers people read, JSON always. */
import { runCli } from '../helpers/run-cli.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

function tokfDb(n: number, start?: string): string {
  const path = tmpDbPath('cli-messages-');
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n, start === undefined ? {} : { start }));
  return path;
}

/** The lines of stderr that point to help. */
const hints = (stderr: string) => stderr.split('\n').filter((l) => /--help/.test(l));

describe('usage mistakes', () => {
  it.each<[string, string[], string]>([
    ['a mistyped flag', ['sync', '--sinse', '7d'], 'unknown option --sinse; did you mean --since?'],
    [
      'a swapped letter',
      ['sync', '--dyr-run'],
      'unknown option --dyr-run; did you mean --dry-run?',
    ],
    [
      'a prefix',
      ['sync', '--otlp-json'],
      'unknown option --otlp-json; did you mean --otlp-json-out?',
    ],
    ['a flag of sync given to status', ['status', '--jsno'], 'did you mean --json?'],
    ['a mistyped command', ['snyc'], 'unknown command "snyc"; did you mean sync?'],
    ['a mistyped command', ['stauts'], 'unknown command "stauts"; did you mean status?'],
  ])('%s: did you mean', async (_name, args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(hints(run.stderr)).toHaveLength(1);
  });

  it('nothing near: no guess', async () => {
    const run = await runCli(['sync', '--frobnicate']);
    expect(run.stderr).toContain('unknown option --frobnicate\n');
    expect(run.stderr).not.toContain('did you mean');
    const command = await runCli(['push']);
    expect(command.stderr).toMatch(/unknown command "push" \(commands: sync, status\b/);
    expect(hints(command.stderr)).toEqual(['(see: telemetry-sync --help)']);
  });

  it('one hint, pointing to the help of the command used', async () => {
    const run = await runCli(['sync', '--limit', 'x', '--dry-run']);
    expect(run.code).toBe(2);
    expect(hints(run.stderr)).toEqual(['(see: telemetry-sync sync --help)']);
  });

  it('a flag without its value says so', async () => {
    const run = await runCli(['sync', '--since', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Option '--since' argument is ambiguous. (--since needs a value)");
  });

  it('--json: a JSON error object on stdout for a usage error', async () => {
    const run = await runCli(['sync', '--json', '--bogus']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'error',
      exitCode: 2,
      error: { kind: 'usage', message: 'unknown option --bogus' },
    });
    const bad = await runCli(['sync', '--json', '--dry-run', '--limit', '0']);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'error', error: { kind: 'usage' } });
  });
});

describe('--since with a minus', () => {
  it('--since -7d is 7 days ago, as --since 7d', async () => {
    const recent = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const db = tmpDbPath('cli-messages-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(5, { start: '2020-01-01T00:00:00Z' }));
    insertEvents(db, makeEvents(4, { start: recent, maxGapSeconds: 60 }));
    for (const since of [['--since', '-7d'], ['--since=-7d'], ['--since', '7d']]) {
      const run = await runCli(['sync', '--db', db, '--dry-run', '--json', ...since]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ selected: 4 });
    }
  });
});

describe('the summary', () => {
  it('"1 event", and units people read', async () => {
    const db = tokfDb(1);
    const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/delivered 1 event to /);
    expect(run.stderr).toMatch(/requests {2}1 sent, 0 failed, 0 retries, \d+ B on the wire/);
    expect(run.stderr).not.toMatch(/KiB|event\(s\)/);
  });

  it('thousands separators', async () => {
    const db = tokfDb(2500);
    const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('delivered 2,500 events to ');
    expect(run.stderr).toContain('events    2,500 selected, 2,500 delivered, 0 still pending');
    expect(run.stderr).toMatch(/ \d[\d.]* (kB|MB) on the wire \(\d[\d.]* (kB|MB) encoded\)/);
  });
});

describe('an unusable output directory', () => {
  it('is an error at once (/proc/x, where a recursive mkdir never returns)', async () => {
    const db = tokfDb(3);
    const started = Date.now();
    const run = await runCli(['sync', '--db', db, '--otlp-json-out', '/proc/telemetry-sync-x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--otlp-json-out: cannot write to \/proc\/telemetry-sync-x \(ENOENT/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const om = await runCli(['sync', '--db', db, '--dry-run', '--openmetrics-out', '/proc/x/y']);
    expect(om.code).toBe(2);
    expect(om.stderr).toMatch(/--openmetrics-out: cannot write to \/proc\/x\/y/);
  });
});
