import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Loose } from '../helpers/jsonl-files.js';
import { writeGridctlFixture, type GridctlFixture } from '../helpers/gridctl-fixture.js';
import { flattenPoints } from '../helpers/otlp-proto.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { CLI, runCli } from '../helpers/run-cli.js';

let receiver: OtlpReceiver;
let dir: string;
let fixture: GridctlFixture;
const START = 1_777_550_400_000_000_000n;

beforeAll(() => expect(existsSync(CLI)).toBe(true));
beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'cli-gridctl-'));
  fixture = writeGridctlFixture(join(dir, 'home', '.gridctl', 'telemetry'), START);
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function replay(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(
    ['replay', '--gridctl', ...args, '--state', join(dir, 'state.db'), '--json'],
    { HOME: join(dir, 'home'), ...env },
  );
  const requests = [...receiver.requests];
  receiver.clear();
  return { ...run, requests, result: run.stdout === '' ? undefined : JSON.parse(run.stdout) };
}

describe('telemetry-sync replay --gridctl (CLI)', () => {
  it('reads ~/.gridctl/telemetry by default and sends the three signals, then nothing more', async () => {
    const first = await replay(['--endpoint', receiver.url, '--temporality', 'cumulative']);
    expect(first.stderr).toMatch(
      /replayed 9 files: \d+ lines \(\d+ metrics, 5 logs, 2 traces\) delivered/,
    );
    expect(first.code).toBe(0);
    expect(first.requests.every((r) => r.decodeError === undefined)).toBe(true);
    const points = first.requests
      .filter((r: Loose) => r.decoded !== undefined)
      .flatMap((r: Loose) => flattenPoints(r.decoded));
    const lastInput = points
      .filter(
        (p: Loose) =>
          p.metric === 'gridctl.token.usage' &&
          p.attributes['server.name'] === 'github' &&
          p.attributes['gen_ai.token.type'] === 'input',
      )
      .at(-1);
    expect(lastInput).toMatchObject({ value: 260, temporality: 2, isMonotonic: true });
    expect(first.result.files.some((f: Loose) => f.heldBack)).toBe(true);

    const second = await replay(['--endpoint', receiver.url, '--temporality', 'cumulative']);
    expect(second.code).toBe(0);
    expect(second.requests).toHaveLength(0);
    expect(fixture.root).toContain('.gridctl');
  });

  it('status --gridctl says what is pending per server and signal, and sends nothing', async () => {
    const status = (json = true) =>
      runCli(
        ['status', '--gridctl', '--state', join(dir, 'state.db'), ...(json ? ['--json'] : [])],
        {
          HOME: join(dir, 'home'),
        },
      );
    const before = await status();
    expect(before.code).toBe(0);
    const s = JSON.parse(before.stdout);
    expect(s).toMatchObject({
      source: 'gridctl',
      pending: { lines: 26, signals: { metrics: 19, logs: 5, traces: 2 } },
      bad: 0,
      heldBack: [expect.stringMatching(/dev\/legacy\/metrics\.jsonl$/)],
    });
    expect(s.servers).toContainEqual({
      stack: 'dev',
      server: 'github',
      pending: { logs: 4, metrics: 9, traces: 2 },
    });
    expect(receiver.requests).toHaveLength(0);
    const text = await status(false);
    expect(text.stdout).toMatch(/pending +26 lines: 5 logs, 19 metrics, 2 traces/);
    expect(text.stdout).toMatch(/dev\/__skills__ +3 metrics/);

    expect(s).toMatchObject({ lastRun: null, lock: null });
    expect(text.stdout).toMatch(/last run +none recorded\n +lock +free: no replay is running/);

    await replay(['--endpoint', receiver.url]);
    const after = JSON.parse((await status()).stdout);
    expect(after.pending.lines).toBe(0);
    // The replay's run log: every line sent delivered, the torn last line still pending.
    expect(after.lastRun).toMatchObject({
      status: 'delivered',
      delivered: 26,
      setAside: 0,
      pending: 1,
      endpoint: expect.stringContaining('127.0.0.1'),
    });
    expect((await status(false)).stdout).toMatch(
      /last run +\S+ \(delivered\): 26 lines of \d+ read delivered to http:\/\/127\.0\.0\.1:\d+\/v1\/\w+.*, 1 left pending\n/,
    );
    const wrong = await runCli(['status', join(dir, 'home')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/status takes no path .* without --gridctl or --replay/);
  });

  it('status --replay says which files the state holds and what the last replay did', async () => {
    const state = join(dir, 'state.db');
    const status = (...args: string[]) =>
      runCli(['status', '--replay', '--state', state, ...args], { HOME: join(dir, 'home') });
    const none = await status();
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/replay state .*state\.db: not there; no replay has recorded/);
    expect(JSON.parse((await status('--json')).stdout)).toEqual({
      statePath: state,
      exists: false,
      files: [],
      lastRun: null,
      lock: null,
    });

    const run = await replay(['--endpoint', receiver.url]);
    const json = JSON.parse((await status('--json')).stdout);
    expect(json.files.length).toBeGreaterThan(0);
    for (const f of json.files) expect(f.path.startsWith(join(dir, 'home'))).toBe(true);
    const lines = json.files.reduce((n: number, f: { line: number }) => n + f.line, 0);
    expect(lines).toBeGreaterThanOrEqual(26);
    expect(json.lastRun).toMatchObject({
      status: run.result.run.status,
      delivered: run.result.run.delivered,
      selected: run.result.run.selected,
    });
    const text = (await status()).stdout;
    expect(text).toMatch(/files +\d+ files\n/);
    expect(text).toMatch(/\/metrics\.jsonl: \d+ lines? done \([\d,]+ bytes\), recorded /);
    expect(text).toMatch(/last run +\S+ \(delivered\): 26 lines of/);

    for (const [args, message] of [
      [['status', '--replay', '--gridctl'], /--replay or --gridctl, not both/],
      [['status', '--replay', 'some/dir'], /status --replay takes no path \(some\/dir\)/],
      [
        ['status', '--replay', '--db', state],
        /reads a replay state \(--state\), not a tokf database/,
      ],
    ] as const) {
      const wrong = await runCli([...args]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(message);
    }
    const notState = join(dir, 'not-a-state.db');
    writeFileSync(notState, 'not sqlite at all, but long enough to be read as a header'.repeat(10));
    const bad = await runCli(['status', '--replay', '--state', notState]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(notState);
  });

  it('Ctrl-C mid-run: the next run sends the rest, each metrics line once (the one in flight at most twice)', async () => {
    const slow = await startOtlpReceiver({ respond: () => ({ delayMs: 100 }) });
    try {
      const args = [
        CLI,
        'replay',
        '--gridctl',
        '--signals',
        'metrics',
        '--temporality',
        'cumulative',
      ];
      const common = ['--endpoint', slow.url, '--state', join(dir, 'state.db')];
      const child = spawn(process.execPath, [...args, ...common], {
        env: { PATH: process.env.PATH, HOME: join(dir, 'home') },
        stdio: 'ignore',
      });
      const exited = new Promise((done) => child.on('close', done));
      await slow.waitForRequests(5, 15_000);
      child.kill('SIGINT');
      await exited;
      const firstCount = slow.requests.length;
      expect(firstCount).toBeLessThan(19);
      const rest = await runCli([...args.slice(1), ...common, '--json'], {
        HOME: join(dir, 'home'),
      });
      expect(rest.code).toBe(0);
      const keys = slow.requests
        .filter((r) => r.decoded !== undefined)
        .map((r) => {
          const p = flattenPoints(r.decoded!)[0]!;
          return `${p.attributes['server.name']}@${p.timeUnixNano}`;
        });
      const distinct = new Set(keys);
      expect(distinct.size).toBe(19);
      expect(keys.length - distinct.size).toBeLessThanOrEqual(1);
    } finally {
      await slow.close();
    }
  });

  it('--dry-run says what is pending; a metrics-only backend wants the other signals placed', async () => {
    const pending = await replay(['--dry-run', '--signals', 'logs']);
    expect(pending.code).toBe(0);
    expect(pending.stderr).toMatch(/dry run: 5 lines \(5 logs\) of 3 files would be sent/);
    const refused = await replay(['--endpoint', receiver.url, '--backend', 'prometheus']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--backend prometheus takes metrics only: give OTEL_EXPORTER_OTLP_LOGS_ENDPOINT/,
    );
    const plain = await runCli([
      'replay',
      '--temporality',
      'delta',
      '--endpoint',
      receiver.url,
      dir,
    ]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--temporality applies to a gridctl directory \(--gridctl\)/);
  });
});
