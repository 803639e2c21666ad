import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildJsonlConfig } from '../../src/config/jsonl-config.js';
import type { ReplaySettings } from '../../src/config/replay-settings.js';
import { readJsonlStatus, runReplayFiles } from '../../src/engine/index.js';
import { UsageError } from '../../src/errors.js';
import { logsLine, markersOf, metricsLine, tracesLine } from '../helpers/jsonl-files.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';

let receiver: OtlpReceiver;
let dir: string;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'jsonl-replay-'));
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');

const DAY = 24 * 60 * 60 * 1000;

/** `day`: the run's clock that many days ahead of the real one. */
async function replay(
  paths: string[],
  settings: ReplaySettings = {},
  { day = 0, env = {} }: { day?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const now = () => Date.now() + day * DAY;
  const config = buildJsonlConfig(
    { endpoint: receiver.url, state: join(dir, 'state.db'), ...settings },
    paths,
    env,
    now(),
  );
  const log: string[] = [];
  const result = await runReplayFiles(config, {
    now,
    log: (line) => log.push(line),
    userAgent: 'test',
    retryPolicy: { initialBackoffMs: 1, maxBackoffMs: 1, budgetMs: 50 },
  });
  const got = markersOf(receiver.requests);
  const requests = [...receiver.requests];
  receiver.clear();
  return { result, got, log, requests };
}

const rejects = () =>
  readFileSync(join(dir, 'state.rejects.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('replay of OTLP JSON Lines files', () => {
  it('sends each line to its signal path as it is, and only what was appended on the next run', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, lines(logsLine('a'), tracesLine('b'), metricsLine('c')));
    const first = await replay([file]);
    expect(first.got).toEqual(['a#0', 'b', 'c']);
    expect(first.result).toMatchObject({ exitCode: 0, status: 'delivered', sentLines: 3 });
    expect(first.result.signals).toEqual({ metrics: 1, logs: 1, traces: 1 });

    appendFileSync(file, lines(logsLine('d')));
    const second = await replay([file]);
    expect(second.got).toEqual(['d#0']);
    expect(second.result.files[0]).toMatchObject({ start: 'same', lines: 1 });
    expect((await replay([file])).got).toEqual([]);
  });

  it('sends the bytes of the line unchanged, as application/json', async () => {
    const file = join(dir, 'one.jsonl');
    const line = `{"resourceLogs": [ {"scopeLogs":[{"logRecords":[{"body":{"stringValue":"z"}}]}]} ]}`;
    writeFileSync(file, `${line}\n`);
    await replay([file], { compression: 'none' });
    // (cleared by replay(): look again with a fresh run on a new file)
    const again = join(dir, 'two.jsonl');
    writeFileSync(again, `${line}\n`.replace('"z"', '"w"'));
    const config = buildJsonlConfig(
      { endpoint: receiver.url, state: join(dir, 'state.db'), compression: 'none' },
      [again],
      {},
      Date.now(),
    );
    await runReplayFiles(config, { now: Date.now, log: () => {}, userAgent: 't' });
    const request = receiver.requests[0]!;
    expect(request.path).toBe('/v1/logs');
    expect(request.contentType).toBe('application/json');
    expect(request.body.toString()).toBe(line.replace('"z"', '"w"'));
  });

  it('sets a broken line aside with its line number and goes on', async () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, lines(logsLine('a'), '{"resourceLogs": [', '{"nope":1}', logsLine('b')));
    const { result, got } = await replay([file]);
    expect(got).toEqual(['a#0', 'b#0']);
    expect(result).toMatchObject({ exitCode: 1, status: 'partial', badLines: 2, sentLines: 2 });
    expect(result.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'bad'],
      [3, 'bad'],
    ]);
    expect(rejects().map((r) => [r.file, r.line, r.text])).toEqual([
      [file, 2, '{"resourceLogs": ['],
      [file, 3, '{"nope":1}'],
    ]);
    // Progress moved past them: the next run sends nothing and reports nothing.
    expect((await replay([file])).result).toMatchObject({ exitCode: 0, lines: 0 });
  });

  it('puts a line the endpoint refuses in the rejects file with the reason, and goes on', async () => {
    const file = join(dir, 'refused.jsonl');
    writeFileSync(file, lines(logsLine('a'), logsLine('b')));
    receiver.enqueue({ status: 400, errorMessage: 'bad attribute' });
    const { result, got } = await replay([file]);
    expect(got).toEqual(['b#0']);
    expect(result).toMatchObject({ exitCode: 1, refusedLines: 1, sentLines: 1 });
    expect(rejects()[0]).toMatchObject({ line: 1, status: 400, reason: /HTTP 400: bad attribute/ });
    expect(JSON.parse(rejects()[0].text)).toEqual(JSON.parse(logsLine('a')));
  });

  it('stops at a failure with the offset at the last acknowledged line', async () => {
    const file = join(dir, 'fail.jsonl');
    writeFileSync(file, lines(logsLine('a'), logsLine('b'), logsLine('c')));
    receiver.enqueue({}, { status: 401 });
    const first = await replay([file]);
    expect(first.got).toEqual(['a#0']);
    expect(first.result).toMatchObject({ exitCode: 1, stopped: { line: 2 } });
    // What is left after a stop is not counted: the run log says so rather than guess.
    expect(first.result.run).toMatchObject({ status: 'partial', delivered: 1, pending: -1 });
    expect(readJsonlStatus(join(dir, 'state.db'), Date.now()).lastRun).toMatchObject({
      status: 'partial',
      delivered: 1,
      pending: -1,
    });
    const second = await replay([file]);
    expect(second.got).toEqual(['b#0', 'c#0']);
    expect(second.result.exitCode).toBe(0);
  });

  it('recognises a rotated file by its inode and first line, and reads a new one from the start', async () => {
    const live = join(dir, 'app.jsonl');
    writeFileSync(live, lines(logsLine('1'), logsLine('2')));
    expect((await replay([dir])).got).toEqual(['1#0', '2#0']);
    appendFileSync(live, lines(logsLine('3')));
    renameSync(live, join(dir, 'app-2026-03-05T10-00-00.000.jsonl'));
    writeFileSync(live, lines(logsLine('4')));
    const { result, got } = await replay([dir]);
    expect(got).toEqual(['3#0', '4#0']);
    expect(result.files.map((f) => f.start)).toEqual(['same', 'new']);
  });

  it('recognises a rotation that compressed the file by its first line', async () => {
    const live = join(dir, 'app.jsonl');
    writeFileSync(live, lines(logsLine('1')));
    await replay([dir]);
    const content = readFileSync(live, 'utf8') + lines(logsLine('2'));
    // Written before the live file goes, so that it cannot reuse its inode.
    writeFileSync(join(dir, 'app-1.jsonl.gz'), gzipSync(content));
    rmSync(live);
    const { result, got } = await replay([dir]);
    expect(got).toEqual(['2#0']);
    expect(result.files[0]).toMatchObject({ gzip: true, start: 'copy' });
  });

  it('reads a truncated file and a replaced one from the start', async () => {
    const file = join(dir, 't.jsonl');
    writeFileSync(file, lines(logsLine('1'), logsLine('2')));
    await replay([file]);
    truncateSync(file, 0);
    writeFileSync(file, lines(logsLine('1')));
    const truncated = await replay([file]);
    expect(truncated.got).toEqual(['1#0']);
    expect(truncated.result.files[0]!.start).toBe('truncated');
    writeFileSync(file, lines(logsLine('x'), logsLine('y')));
    const replaced = await replay([file]);
    expect(replaced.got).toEqual(['x#0', 'y#0']);
    expect(replaced.result.files[0]!.start).toMatch(/replaced|new/);
  });

  it('reads .gz files, offsets in uncompressed bytes, and sends what a new gzip member appends', async () => {
    const file = join(dir, 'z.jsonl.gz');
    writeFileSync(file, gzipSync(lines(logsLine('1'), logsLine('2'))));
    expect((await replay([file])).got).toEqual(['1#0', '2#0']);
    appendFileSync(file, gzipSync(`${logsLine('3')}`)); // no final newline: a .gz is whole
    const { result, got } = await replay([file]);
    expect(got).toEqual(['3#0']);
    expect(result.files[0]!.from).toBe(Buffer.byteLength(lines(logsLine('1'), logsLine('2'))));
  });

  it("leaves a plain file's unterminated last line for a later run", async () => {
    const file = join(dir, 'w.jsonl');
    writeFileSync(file, `${logsLine('1')}\n${logsLine('2').slice(0, 20)}`);
    const first = await replay([file]);
    expect(first.got).toEqual(['1#0']);
    expect(first.result.files[0]!.heldBack).toBe(true);
    appendFileSync(file, `${logsLine('2').slice(20)}\n`);
    expect((await replay([file])).got).toEqual(['2#0']);
  });

  it('splits a line over 1 MiB by records, every record sent once', async () => {
    const file = join(dir, 'big.jsonl');
    const big = logsLine('big', 1_700_000_000n, 15_000);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    writeFileSync(file, `${big}\n`);
    const { result, got } = await replay([file]);
    expect(result.splitLines).toBe(1);
    expect(result.requests).toBeGreaterThan(1);
    expect(got).toHaveLength(15_000);
    expect(new Set(got).size).toBe(15_000);
  });

  it('keeps only the records inside --since/--until, by their own times', async () => {
    const file = join(dir, 'window.jsonl');
    writeFileSync(
      file,
      lines(
        logsLine('old', 1_000n),
        logsLine('s', 1_700_000_000n, 4),
        tracesLine('late', 1_800_000_000n),
      ),
    );
    const { result, got } = await replay([file], {
      since: '2023-11-14T22:13:21Z', // 1_700_000_001
      until: '2023-11-14T22:13:23Z', // 1_700_000_003
    });
    expect(got).toEqual(['s#1', 's#2']);
    expect(result).toMatchObject({
      exitCode: 0,
      filteredLines: 2,
      filteredRecords: 4,
      sentLines: 1,
    });
  });

  it('sends nothing and records nothing on a dry run', async () => {
    const file = join(dir, 'dry.jsonl');
    writeFileSync(file, lines(logsLine('1'), 'oops'));
    const { result, got } = await replay([file], { dryRun: true });
    expect(got).toEqual([]);
    expect(result).toMatchObject({ exitCode: 0, status: 'dry-run', sentLines: 1, badLines: 1 });
    expect((await replay([file])).got).toEqual(['1#0']);
  });

  it('keeps the progress of a file absent from some runs for 30 days, and of one still at its path', async () => {
    const a = join(dir, 'a', 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    const moved = join(dir, 'moved', 'b.jsonl');
    mkdirSync(dirname(a));
    mkdirSync(dirname(moved));
    writeFileSync(a, lines(logsLine('a1')));
    writeFileSync(b, lines(logsLine('b1'), logsLine('b2')));
    expect((await replay([dirname(a), b], {}, { day: 0 })).got).toEqual(['a1#0', 'b1#0', 'b2#0']);

    // Rotated away where this run does not look: its row names a path that is gone.
    renameSync(b, moved);
    const without = await replay([dirname(a)], {}, { day: 29 });
    expect(without.log.filter((l) => l.startsWith('forgot'))).toEqual([]);
    const back = await replay([moved], {}, { day: 29 });
    expect(back.got).toEqual([]);
    expect(back.result.files[0]).toMatchObject({ start: 'same' });

    // Not met for 31 days, but still at the path it was last met under: kept.
    expect((await replay([dirname(a)], {}, { day: 60 })).log).not.toContainEqual(
      expect.stringMatching(/^forgot/),
    );
    expect((await replay([moved], {}, { day: 60 })).got).toEqual([]);

    // Gone, and not met for 31 days: forgotten, so a copy coming back is new.
    const content = readFileSync(moved);
    rmSync(moved);
    const prune = await replay([dirname(a)], {}, { day: 91 });
    expect(prune.log).toContain(
      'forgot 1 file no run has met for 30 days, no longer at the path recorded',
    );
    writeFileSync(join(dir, 'moved', 'b-copy.jsonl'), content);
    const again = await replay([join(dir, 'moved', 'b-copy.jsonl')], {}, { day: 91 });
    expect(again.got).toEqual(['b1#0', 'b2#0']);
    expect(again.result.files[0]).toMatchObject({ start: 'new' });
    // The file met on every run kept its progress throughout.
    expect((await replay([a], {}, { day: 91 })).result.files[0]).toMatchObject({ start: 'same' });
  });

  it("keeps a copy's source row while the copy is met, though the source is gone", async () => {
    const live = join(dir, 'app.jsonl');
    writeFileSync(live, lines(logsLine('1'), logsLine('2')));
    await replay([live], {}, { day: 0 });
    const gz = join(dir, 'app-1.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(live)));
    rmSync(live);
    // The copy is read to its end: it never gets a row of its own, its offset is the source's.
    for (const day of [20, 40, 60]) {
      const run = await replay([gz], {}, { day });
      expect(run.got).toEqual([]);
      expect(run.result.files[0]).toMatchObject({ start: 'copy' });
    }
  });

  it('forgets nothing on a run that stopped before meeting every file', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, lines(logsLine('a1')));
    writeFileSync(b, lines(logsLine('b1')));
    await replay([a, b], {}, { day: 0 });
    const renamed = join(dir, 'b-renamed.jsonl');
    renameSync(b, renamed);
    appendFileSync(a, lines(logsLine('a2')));
    receiver.enqueue({ status: 401 });
    const stopped = await replay([a, renamed], {}, { day: 40 });
    expect(stopped.result.stopped).toMatchObject({ file: a });
    expect(stopped.result.files).toHaveLength(1);
    const next = await replay([a, renamed], {}, { day: 41 });
    expect(next.got).toEqual(['a2#0']);
    expect(next.result.files[1]).toMatchObject({ start: 'same', sent: 0 });
  });

  it('refuses a --protocol other than http/json, and notes protocol variables it does not apply', async () => {
    const file = join(dir, 'p.jsonl');
    writeFileSync(file, lines(logsLine('a')));
    for (const protocol of ['http/protobuf', 'grpc']) {
      expect(() =>
        buildJsonlConfig({ endpoint: receiver.url, protocol }, [file], {}, Date.now()),
      ).toThrow(
        new UsageError(
          `--protocol ${protocol}: replay sends each line as it is, in OTLP/JSON (application/json), so only http/json applies; converting the lines to protobuf or sending them over gRPC is not offered`,
        ),
      );
    }
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'HTTP/JSON',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
    };
    const noted = await replay([file], {}, { env });
    expect(noted.result.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc not applied: replay sends each line as it is, in OTLP/JSON (application/json)',
    ]);
    expect(noted.requests.map((r) => r.contentType)).toEqual(['application/json']);
    // Asked for on the command line, JSON is the user's own choice: nothing to note.
    appendFileSync(file, lines(logsLine('b')));
    const chosen = await replay([file], { protocol: 'http/json' }, { env });
    expect(chosen.got).toEqual(['b#0']);
    expect(chosen.result.warnings).toEqual([]);
    expect(
      (await replay([file], {}, { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } })).result
        .warnings,
    ).toEqual([]);
  });
});
