/**
 * The OpenMetrics backfill file against the pinned promtool and Prometheus v0.316.0 (built by the
 * global setup, never skipped): promtool turns it into blocks that keep the labels and values and
 * accepts odd label values, and a Prometheus started on the blocks answers PromQL with the rows'
 * totals, in the very series a second Prometheus makes of the same rows sent over OTLP. The
 * format itself is checked without peers in test/output/openmetrics.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OpenMetricsWriter } from '../../src/output/openmetrics.js';
import { scanPending } from '../../src/source/pending-events.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { tokfEvent } from '../helpers/events.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfEventRow,
} from '../helpers/tokf-db.js';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';

const RESOURCE: Record<string, string> = { 'service.name': 'tokf', 'service.version': '0.2.54' };
// A peer that is not built fails here, naming it: the global setup builds every one.
const PROMTOOL = peerBin('promtool');
const PROMETHEUS = peerBin('prometheus');

afterAll(() => {
  removeTmpDirs();
  removeE2eTmpDir();
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(e2eTmpDir(), 'om-'));
}

/** Every pending event of a database, as the engine reads them. */
function scanAll(dbPath: string): TokfEvent[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return [...scanPending(db, (lo, hi) => ({ gaps: [{ first: lo, last: hi }] }), new Set())];
  } finally {
    db.close();
  }
}

/** Writes the events in batches, as the engine does, and returns the file's text. */
function writeFile(events: readonly TokfEvent[], batch = 97): string {
  const dir = tmpDir();
  const writer = new OpenMetricsWriter(dir, RESOURCE);
  for (let i = 0; i < events.length; i += batch) writer.write(events.slice(i, i + batch));
  writer.close();
  return fs.readFileSync(writer.path, 'utf8');
}

function realDb(n: number, seed = 3): { rows: TokfEventRow[]; events: TokfEvent[] } {
  const db = tmpDbPath('om-db-');
  createTokfDb(db);
  insertEvents(db, makeEvents(n, { seed }));
  return { rows: readEvents(db), events: scanAll(db) };
}

const labelsKey = (labels: Record<string, string>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

function createBlocks(file: string): string {
  const blocks = path.join(path.dirname(file), 'blocks');
  // As the README has it: blocks of up to 20 days, so that promtool parses the file a few times
  // rather than once per 2 hours of history.
  const args = ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=720h'];
  const run = spawnSync(PROMTOOL, [...args, file, blocks], { encoding: 'utf8' });
  expect(`${run.stderr}${run.error ?? ''}`).toBe('');
  expect(run.status).toBe(0);
  return blocks;
}

/** `promtool tsdb dump` lines (`{labels} value ms`); it wants the WAL folder a server makes. */
function dumpSeries(blocks: string, match: string): string[] {
  fs.mkdirSync(path.join(blocks, 'wal'), { recursive: true });
  const run = spawnSync(PROMTOOL, ['tsdb', 'dump', `--match=${match}`, blocks], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.split('\n').filter((l) => l !== '');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A Prometheus on loopback with `dataDir`, until stop(). */
async function startPrometheus(dataDir: string, extraArgs: string[] = []) {
  const config = path.join(tmpDir(), 'prometheus.yml');
  fs.writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--storage.tsdb.path=${dataDir}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Retention counts back from the newest data, but the test data may be months old.
      '--storage.tsdb.retention.time=100y',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`prometheus did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const api = async <T>(route: string, params: Record<string, string>): Promise<T> => {
    const res = await fetch(`${base}/api/v1/${route}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(JSON.stringify(body));
    return body.data;
  };
  return {
    base,
    /** The value of a one-element instant vector at `time` (NaN when empty). */
    query: async (query: string, time: number): Promise<number> => {
      const data = await api<{ result: { value: [number, string] }[] }>('query', {
        query,
        time: String(time),
      });
      return Number(data.result[0]?.value[1] ?? NaN);
    },
    /** Label sets of the series that match, as sorted JSON. */
    series: async (match: string, start: number, end: number): Promise<string[]> => {
      const data = await api<Record<string, string>[]>('series', {
        'match[]': match,
        start: String(start),
        end: String(end),
      });
      return data.map((labels) => labelsKey(labels)).sort();
    },
    stop: async (): Promise<void> => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

describe('the OpenMetrics file with promtool and Prometheus v0.316.0', () => {
  it('promtool creates blocks that keep the labels and values', () => {
    const { rows, events } = realDb(2000, 11);
    const file = path.join(tmpDir(), 'metrics.om');
    fs.writeFileSync(file, writeFile(events));
    const blocks = createBlocks(file);
    expect(fs.readdirSync(blocks).some((d) => /^[0-9A-Z]{26}$/.test(d))).toBe(true);

    // Bucket bounds stay as the OTLP receiver writes them (`5`, not promtool's canonical `5.0`).
    const buckets = dumpSeries(blocks, '{__name__="tokf_filter_duration_seconds_bucket"}');
    expect(buckets.some((l) => l.includes('le="5"'))).toBe(true);
    expect(buckets.filter((l) => /le="\d+\.0"/.test(l))).toEqual([]);

    // The last invocation sample of every series adds up to the rows.
    const last = new Map<string, number>();
    for (const line of dumpSeries(blocks, '{__name__="tokf_filter_invocations_total"}')) {
      const m = /^(\{.*\}) (\S+) (\d+)$/.exec(line);
      if (m) last.set(m[1]!, Number(m[2]));
    }
    expect([...last.values()].reduce((a, b) => a + b, 0)).toBe(rows.length);
  });

  it('promtool accepts odd label values', () => {
    const odd = path.join(tmpDir(), 'metrics.om');
    const commands = ['a"b\\c\nd\r\te\u0000f \u{1F600}', 'y'.repeat(6000)];
    fs.writeFileSync(
      odd,
      writeFile([
        tokfEvent(1, '2026-03-05T10:00:00Z', { command: commands[0] }),
        tokfEvent(2, '2026-03-05T10:00:00Z', { command: commands[1] }),
      ]),
    );
    const dumped = dumpSeries(createBlocks(odd), '{__name__="tokf_filter_invocations_total"}');
    // Two series, each from 0 then at its second.
    expect(dumped).toHaveLength(4);
    expect(dumped.some((l) => l.includes(`tokf_command="${'y'.repeat(4095)}\u2026"`))).toBe(true);
  });

  it('a Prometheus on the blocks answers PromQL with the rows, in the series OTLP makes', async () => {
    const db = tmpDbPath('om-prom-');
    createTokfDb(db);
    insertEvents(db, makeEvents(3000, { seed: 5, maxGapSeconds: 30 }));
    const rows = readEvents(db);
    const file = path.join(tmpDir(), 'metrics.om');
    fs.writeFileSync(file, writeFile(scanAll(db)));
    const backfilled = await startPrometheus(createBlocks(file));
    // The same rows sent by the sync engine to a second Prometheus's OTLP receiver.
    const received = await startPrometheus(path.join(tmpDir(), 'data'), [
      '--web.enable-otlp-receiver',
    ]);
    try {
      const sync = await syncTo(received.base, db, { backend: 'prometheus' });
      expect(sync.delivered).toBe(rows.length);

      const times = rows.map((r) => Date.parse(r.timestamp) / 1000);
      const first = times[0]!;
      const last = times[times.length - 1]!;
      const middle = times[Math.floor(times.length / 2)]!;
      const upTo = (t: number) => times.filter((x) => x <= t).length;
      const saved = rows.reduce(
        (a, r) => a + Math.max(0, r.input_tokens_est - r.output_tokens_est),
        0,
      );

      // The very same series, bucket bounds included (target_info aside, which we do not write).
      const match = '{__name__=~"tokf_.+|gen_ai_.+"}';
      const ours = await backfilled.series(match, first - 60, last + 60);
      expect(ours.length).toBeGreaterThan(100);
      expect(ours).toEqual(await received.series(match, first - 60, last + 60));

      const q = backfilled.query;
      // At the end every series has its total, so a plain sum is the database's.
      expect(await q('sum(tokf_filter_invocations_total)', last)).toBe(rows.length);
      expect(await q('sum(tokf_tokens_saved_total)', last)).toBe(saved);
      expect(await q('sum(gen_ai_client_token_usage_count{gen_ai_token_type="input"})', last)).toBe(
        rows.length,
      );
      expect(await q('sum(tokf_filter_duration_seconds_bucket{le="+Inf"})', last)).toBe(
        rows.length,
      );
      // At an event's own time, each series' latest total counts the events up to it.
      const total = 'sum(last_over_time(tokf_filter_invocations_total[30d]))';
      expect(await q(total, middle)).toBe(upTo(middle));
      // The OTLP twin agrees.
      expect(await received.query(total, middle)).toBe(upTo(middle));
      // increase() over the history sees the first events too (each series starts from 0).
      const span = `${last - first + 2}s`;
      expect(
        await q(`sum(increase(tokf_filter_invocations_total[${span}]))`, last),
      ).toBeGreaterThanOrEqual(rows.length);
    } finally {
      await backfilled.stop();
      await received.stop();
    }
  }, 180_000);
});
