import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { logsLine, markersOf, tracesLine, type Loose } from '../helpers/jsonl-files.js';
import { flattenPoints } from '../helpers/otlp-proto.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { REPLAY_SPECS } from '../../src/cli/replay-args.js';
import { shownDefault } from '../../src/config/settings.js';

let receiver: OtlpReceiver;
let dir: string;
beforeAll(() => expect(existsSync(CLI)).toBe(true));
beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'cli-replay-'));
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');

/** The real CLI, its state in the test's directory; what the receiver got, cleared after. */
async function replay(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(
    ['replay', ...args, '--endpoint', receiver.url, '--state', join(dir, 'state.db'), '--json'],
    env,
  );
  const got = markersOf(receiver.requests);
  const requests = [...receiver.requests];
  receiver.clear();
  return { ...run, got, requests, result: run.stdout === '' ? undefined : JSON.parse(run.stdout) };
}

describe('telemetry-sync replay (CLI)', () => {
  it('replays a directory across runs: appends, a broken line, rotation, truncation, .gz', async () => {
    const live = join(dir, 'app.jsonl');
    writeFileSync(live, lines(logsLine('1'), tracesLine('2')));
    const first = await replay([dir]);
    expect(first.code).toBe(0);
    expect(first.got).toEqual(['1#0', '2']);
    expect(first.requests.map((r) => r.path)).toEqual(['/v1/logs', '/v1/traces']);
    expect(first.stderr).toMatch(/replayed 1 file: 2 lines \(1 logs, 1 traces\) delivered/);

    // Appended, with a broken line in the middle.
    appendFileSync(live, lines(logsLine('3'), '{"resourceLogs": [ broken', logsLine('4')));
    const second = await replay([dir]);
    expect(second.code).toBe(1);
    expect(second.got).toEqual(['3#0', '4#0']);
    expect(second.stderr).toContain(`${live}:4: not JSON`);
    const rejected = readFileSync(join(dir, 'state.rejects.jsonl'), 'utf8').trim().split('\n');
    expect(rejected.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ file: live, line: 4, text: '{"resourceLogs": [ broken' }),
    ]);

    // Rotated (renamed, then written to), and a new live file.
    appendFileSync(live, lines(logsLine('5')));
    renameSync(live, join(dir, 'app-2026-03-05T10-00-00.000.jsonl'));
    writeFileSync(live, lines(logsLine('6'), logsLine('7')));
    const third = await replay([dir]);
    expect(third.stderr).toMatch(
      /app-2026-03-05T10-00-00\.000\.jsonl: from byte \d+ \(after line 5\)/,
    );
    expect(third.code).toBe(0);
    expect(third.got).toEqual(['5#0', '6#0', '7#0']);

    // Truncated and written again: from its start.
    // (Its first line the same as before, so only its size tells.)
    truncateSync(live, 0);
    writeFileSync(live, lines(logsLine('6')));
    const fourth = await replay([dir]);
    expect(fourth.got).toEqual(['6#0']);
    expect(fourth.result.files.at(-1)).toMatchObject({ start: 'truncated' });

    // A compressed file alongside.
    writeFileSync(join(dir, 'other.jsonl.gz'), gzipSync(lines(logsLine('9'), logsLine('10'))));
    const fifth = await replay([dir]);
    expect(fifth.got).toEqual(['9#0', '10#0']);
    expect((await replay([dir])).got).toEqual([]);
  });

  it('replays our own --otlp-json-out artifact, every point as sync sends it', async () => {
    const out = join(dir, 'out');
    const exported = await runCli([
      'sync',
      '--db',
      'test/fixtures/tokf-sample.db',
      '--otlp-json-out',
      out,
    ]);
    expect(exported.code).toBe(0);
    const run = await replay([out]);
    expect(run.code).toBe(0);
    expect(run.requests.every((r) => r.path === '/v1/metrics')).toBe(true);
    const sent = run.requests.flatMap((r) => flattenPoints(r.decoded!));
    const fileLines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(run.result.sentLines).toBe(fileLines.length);
    expect(sent.length).toBeGreaterThan(0);
    // Every point of the file, once.
    const points = fileLines.flatMap((l) =>
      JSON.parse(l).resourceMetrics.flatMap((rm: Loose) =>
        rm.scopeMetrics.flatMap((sm: Loose) =>
          sm.metrics.flatMap((m: Loose) => (m.sum ?? m.gauge ?? m.histogram).dataPoints),
        ),
      ),
    );
    expect(sent).toHaveLength(points.length);
  });

  it('uses the per-signal endpoint variables', async () => {
    const file = join(dir, 'l.jsonl');
    writeFileSync(file, lines(logsLine('a')));
    const run = await runCli(['replay', file, '--state', join(dir, 's.db')], {
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/custom/logs`,
    });
    expect(run.code).toBe(0);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/custom/logs']);
  });

  it('exit 2 for a missing path or no endpoint; --help documents replay', async () => {
    expect((await replay([join(dir, 'nope')])).code).toBe(2);
    const none = await runCli(['replay', dir, '--state', join(dir, 's.db')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to do/);
    const help = await runCli(['replay', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--state', '--rejects', '--since', '--until', '--dry-run', '--json'])
      expect(help.stdout).toContain(flag);
    // Each default said once, by the help's own rule.
    const defaults = REPLAY_SPECS.filter(([, spec]) => shownDefault(spec) !== undefined);
    expect(help.stdout.split('(default').length - 1).toBe(defaults.length);
    // Flags shared with sync speak of lines and every signal's path, not of sync's metrics.
    expect(help.stdout).not.toMatch(/N events in a row|open the database read-only/);
    expect(help.stdout).toContain('lines in a row');
  });

  it('answers a mistyped flag and any usage error as sync does, with --json on stdout too', async () => {
    const file = join(dir, 'u.jsonl');
    writeFileSync(file, lines(logsLine('a')));
    const typo = await replay([file, '--sinse', '1d']);
    const syncTypo = await runCli(['sync', '--sinse', '1d', '--json']);
    expect(typo.code).toBe(2);
    expect(syncTypo.code).toBe(2);
    expect(typo.result).toEqual({
      status: 'error',
      exitCode: 2,
      error: { kind: 'usage', message: 'unknown option --sinse; did you mean --since?' },
    });
    expect(typo.result).toEqual(JSON.parse(syncTypo.stdout));
    expect(typo.stderr).toBe(
      'telemetry-sync: error: unknown option --sinse; did you mean --since?\n' +
        '(see: telemetry-sync replay --help)\n',
    );
    expect(typo.got).toEqual([]);

    // Found after parsing, by the config: the same object.
    const missing = await replay([join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.result).toEqual({
      status: 'error',
      exitCode: 2,
      error: { kind: 'usage', message: `${join(dir, 'nope.jsonl')}: no such file or directory` },
    });
    const noEndpoint = await runCli(['replay', file, '--state', join(dir, 's.db'), '--json']);
    expect(noEndpoint.code).toBe(2);
    expect(JSON.parse(noEndpoint.stdout)).toMatchObject({ error: { kind: 'usage' } });
    // Without --json, stdout stays empty.
    expect((await runCli(['replay', file, '--sinse', '1d'])).stdout).toBe('');

    // A duration back from now with its minus, as sync takes it.
    const since = await replay([file, '--since', '-7d']);
    expect(since.code).toBe(0);
    expect(since.result).toMatchObject({ status: 'delivered', filteredLines: 1 });
  });

  it('takes --protocol http/json only, and notes protocol variables it does not apply', async () => {
    const file = join(dir, 'p.jsonl');
    writeFileSync(file, lines(logsLine('a')));
    for (const protocol of ['http/protobuf', 'grpc']) {
      const run = await replay([file, '--protocol', protocol]);
      expect(run.code).toBe(2);
      expect(run.result.error.message).toBe(
        `--protocol ${protocol}: replay sends each line as it is, in OTLP/JSON (application/json), so only http/json applies; converting the lines to protobuf or sending them over gRPC is not offered`,
      );
      expect(run.got).toEqual([]);
    }
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
    const noted = await replay([file], env);
    expect(noted.code).toBe(0);
    expect(noted.requests.map((r) => r.contentType)).toEqual(['application/json']);
    const note =
      'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf not applied: replay sends each line as it is, in OTLP/JSON (application/json)';
    expect(noted.result.warnings).toEqual([note]);
    expect(noted.stderr.split(note)).toHaveLength(2);
    expect(noted.stderr).toContain(`telemetry-sync: warning: ${note}\n`);
    appendFileSync(file, lines(logsLine('b')));
    const chosen = await replay([file, '--protocol', 'http/json'], env);
    expect(chosen.code).toBe(0);
    expect(chosen.got).toEqual(['b#0']);
    expect(chosen.stderr).not.toContain('not applied');

    const help = await runCli(['replay', '--help']);
    expect(help.stdout).toMatch(/--protocol P\s+http\/json only/);
  });
});
