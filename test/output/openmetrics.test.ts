/**
 * The OpenMetrics backfill file: names and labels as Prometheus's OTLP receiver makes them,
 * cumulative values against the rows of real tokf databases, sample order, family layout, bounded
 * memory. promtool's acceptance of the file and the totals a Prometheus on its blocks answers are
 * end-to-end checks, against the pinned peers: test/e2e/openmetrics.e2e.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DEFAULT_BOUNDARIES } from '../../src/encode/instruments.js';
import { OpenMetricsWriter } from '../../src/output/openmetrics.js';
import { scanPending } from '../../src/source/pending-events.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { tokfEvent } from '../helpers/events.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfEventRow,
} from '../helpers/tokf-db.js';

const RESOURCE: Record<string, string> = { 'service.name': 'tokf', 'service.version': '0.2.54' };

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'om-out-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  removeTmpDirs();
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

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
function writeFile(events: readonly TokfEvent[], resource = RESOURCE, batch = 97): string {
  const dir = tmpDir();
  const writer = new OpenMetricsWriter(dir, resource);
  for (let i = 0; i < events.length; i += batch) writer.write(events.slice(i, i + batch));
  writer.close();
  expect(writer.path).toBe(path.join(dir, 'metrics.om'));
  expect(writer.events).toBe(events.filter((e) => e.epochSeconds !== undefined).length);
  // Only the file remains: the parts are joined and removed.
  expect(fs.readdirSync(dir)).toEqual(['metrics.om']);
  return fs.readFileSync(writer.path, 'utf8');
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  seconds: number;
}
interface Parsed {
  families: { name: string; type: string; help: string }[];
  samples: Sample[];
  /** Family name of each sample, by the metadata it follows. */
  familyOf: string[];
}

const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** A strict reader of what the writer produces (not a general OpenMetrics parser). */
function parse(text: string): Parsed {
  expect(text.endsWith('\n# EOF\n')).toBe(true);
  const lines = text.slice(0, -'# EOF\n'.length).split('\n');
  lines.pop();
  const out: Parsed = { families: [], samples: [], familyOf: [] };
  for (const line of lines) {
    const meta = /^# (TYPE|HELP) (\S+) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') out.families.push({ name: meta[2]!, type: meta[3]!, help: '' });
      else out.families[out.families.length - 1]!.help = meta[3]!;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+) (\d+)$/.exec(line);
    if (!m) throw new Error(`unexpected line: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    const body = m[2]!;
    let consumed = '';
    for (const l of body.matchAll(LABEL)) {
      labels[l[1]!] = unescape(l[2]!);
      consumed += `${consumed === '' ? '' : ','}${l[0]}`;
    }
    if (consumed !== body) throw new Error(`unreadable labels: ${body.slice(0, 200)}`);
    out.samples.push({ name: m[1]!, labels, value: Number(m[3]), seconds: Number(m[4]) });
    out.familyOf.push(out.families[out.families.length - 1]!.name);
  }
  return out;
}

const seriesKey = (s: Sample) =>
  `${s.name}${JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

function bySeries(samples: readonly Sample[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = seriesKey(s);
    const list = out.get(k);
    if (list === undefined) out.set(k, [s]);
    else list.push(s);
  }
  return out;
}

/** The labels the OTLP receiver gives a row's series (default resource). */
function rowLabels(row: TokfEventRow, job = 'tokf'): Record<string, string> {
  return {
    job,
    tokf_command: row.command,
    tokf_exit_code: String(row.exit_code),
    ...(row.filter_name !== null && { tokf_filter_name: row.filter_name }),
  };
}
const labelsKey = (labels: Record<string, string>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Per series of one sample name: its last value. */
function finals(parsed: Parsed, name: string, extra: Record<string, string> = {}) {
  const out = new Map<string, number>();
  for (const [, list] of bySeries(parsed.samples.filter((s) => s.name === name))) {
    const last = list[list.length - 1]!;
    if (Object.entries(extra).some(([k, v]) => last.labels[k] !== v)) continue;
    const rest = Object.fromEntries(
      Object.entries(last.labels).filter(([k]) => !(k in extra) && k !== 'le'),
    );
    out.set(labelsKey(rest), (out.get(labelsKey(rest)) ?? 0) + last.value);
  }
  return out;
}

/** Per row series: what the rows add up to. */
function expected(rows: readonly TokfEventRow[], value: (row: TokfEventRow) => number) {
  const out = new Map<string, number>();
  for (const row of rows) {
    const k = labelsKey(rowLabels(row));
    out.set(k, (out.get(k) ?? 0) + value(row));
  }
  return out;
}

function realDb(n: number, seed = 3): { rows: TokfEventRow[]; events: TokfEvent[] } {
  const db = tmpDbPath('om-db-');
  createTokfDb(db);
  insertEvents(db, makeEvents(n, { seed }));
  return { rows: readEvents(db), events: scanAll(db) };
}

const FAMILIES = [
  ['tokf_filter_invocations', 'counter'],
  ['tokf_tokens_saved', 'counter'],
  ['gen_ai_client_token_usage_bucket', 'unknown'],
  ['gen_ai_client_token_usage_sum', 'unknown'],
  ['gen_ai_client_token_usage_count', 'unknown'],
  ['tokf_filter_duration_seconds_bucket', 'unknown'],
  ['tokf_filter_duration_seconds_sum', 'unknown'],
  ['tokf_filter_duration_seconds_count', 'unknown'],
];

describe('OpenMetricsWriter', () => {
  it('writes the rows of a real database as cumulative series under the OTLP names', () => {
    const { rows, events } = realDb(1500);
    const parsed = parse(writeFile(events));

    // Each family once, in order, its samples together under its own metadata.
    expect(parsed.families.map((f) => [f.name, f.type])).toEqual(FAMILIES);
    // (Violations are collected and compared once: an expect per sample takes minutes.)
    const outside = parsed.samples.filter((s, i) => {
      const family = parsed.familyOf[i]!;
      return s.name !== family && s.name !== `${family}_total`;
    });
    expect(outside).toEqual([]);
    expect(parsed.families[0]!.help).toBe('Number of filter invocations');

    // Totals per series equal the rows'.
    expect(finals(parsed, 'tokf_filter_invocations_total')).toEqual(expected(rows, () => 1));
    expect(finals(parsed, 'tokf_tokens_saved_total')).toEqual(
      expected(rows, (r) => Math.max(0, r.input_tokens_est - r.output_tokens_est)),
    );
    for (const type of ['input', 'output'] as const) {
      const tokens = (r: TokfEventRow) =>
        type === 'input' ? r.input_tokens_est : r.output_tokens_est;
      const on = { gen_ai_token_type: type };
      expect(finals(parsed, 'gen_ai_client_token_usage_count', on)).toEqual(
        expected(rows, () => 1),
      );
      expect(finals(parsed, 'gen_ai_client_token_usage_sum', on)).toEqual(expected(rows, tokens));
      expect(finals(parsed, 'gen_ai_client_token_usage_bucket', { ...on, le: '+Inf' })).toEqual(
        expected(rows, () => 1),
      );
      expect(finals(parsed, 'gen_ai_client_token_usage_bucket', { ...on, le: '100' })).toEqual(
        expected(rows, (r) => (tokens(r) <= 100 ? 1 : 0)),
      );
    }
    const durations = finals(parsed, 'tokf_filter_duration_seconds_sum');
    for (const [k, ms] of expected(rows, (r) => r.filter_time_ms)) {
      expect(durations.get(k)).toBeCloseTo(ms / 1000, 9);
    }
    expect(finals(parsed, 'tokf_filter_duration_seconds_bucket', { le: '0' })).toEqual(
      expected(rows, (r) => (r.filter_time_ms === 0 ? 1 : 0)),
    );

    // Each series starts at 0 one second before its first event, then never goes back in time
    // or value, at the rows' own seconds.
    const wrong: unknown[] = [];
    for (const [key, list] of bySeries(parsed.samples)) {
      if (list[0]!.value !== 0) wrong.push([key, 'not from 0']);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.seconds <= list[i - 1]!.seconds) wrong.push([key, 'time', i]);
        if (list[i]!.value < list[i - 1]!.value) wrong.push([key, 'value', i]);
      }
    }
    const seconds = new Set(rows.map((r) => Date.parse(r.timestamp) / 1000));
    for (const s of parsed.samples) {
      if (!seconds.has(s.seconds) && !seconds.has(s.seconds + 1)) wrong.push([s, 'when']);
    }
    // A histogram's samples share their timestamps, and its buckets are cumulative.
    const at = new Map<string, Sample[]>();
    for (const s of parsed.samples.filter((x) => x.name.startsWith('tokf_filter_duration'))) {
      const base = Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== 'le'));
      const k = `${labelsKey(base)} ${s.seconds}`;
      const group = at.get(k);
      if (group === undefined) at.set(k, [s]);
      else group.push(s);
    }
    for (const [key, group] of at) {
      const buckets = group.filter((s) => s.name.endsWith('_bucket')).map((s) => s.value);
      const count = group.find((s) => s.name.endsWith('_count'))?.value;
      if (group.length !== DEFAULT_BOUNDARIES.length + 3) wrong.push([key, 'parts']);
      if (buckets.some((n, i) => i > 0 && n < buckets[i - 1]!)) wrong.push([key, 'buckets']);
      if (buckets[buckets.length - 1] !== count) wrong.push([key, '+Inf']);
    }
    expect(wrong).toEqual([]);
  });

  it('labels buckets with the bounds as the OTLP receiver spells them', () => {
    const parsed = parse(writeFile([tokfEvent(1, '2026-03-05T10:00:00Z')]));
    const les = parsed.samples
      .filter((s) => s.name === 'tokf_filter_duration_seconds_bucket' && s.value === 1)
      .map((s) => s.labels.le);
    expect(les).toEqual(
      ['5', '10', '25', '50', '75', '100', '250', '500', '750', '1000'].concat([
        '2500',
        '5000',
        '7500',
        '10000',
        '+Inf',
      ]),
    );
  });

  it('merges the events of one second and counts a late event into the held sample', () => {
    const t = (s: number) =>
      new Date(Date.UTC(2026, 2, 5, 10, 0, s)).toISOString().slice(0, 19) + 'Z';
    const base = Date.UTC(2026, 2, 5, 10, 0, 0) / 1000;
    // Ids in order; the clock goes back at id 4 (older than id 3) and at id 6 (across a batch).
    const events = [
      tokfEvent(1, t(10)),
      tokfEvent(2, t(10)),
      tokfEvent(3, t(20)),
      tokfEvent(4, t(15)),
      tokfEvent(5, t(30)),
      tokfEvent(6, t(5)),
      tokfEvent(7, t(40)),
      tokfEvent(8, 'not a time'),
    ];
    const parsed = parse(writeFile(events, RESOURCE, 5));
    const invocations = parsed.samples.filter((s) => s.name === 'tokf_filter_invocations_total');
    expect(invocations.map((s) => [s.seconds - base, s.value])).toEqual([
      [9, 0],
      [10, 2],
      [20, 4],
      [30, 6],
      [40, 7],
    ]);
  });

  it('escapes label values and cuts long commands as the OTLP encoder does', () => {
    const odd = 'echo "a\\b"\nnext \u00e9\u{1F600}';
    const long = 'x'.repeat(5000);
    const parsed = parse(
      writeFile([
        tokfEvent(1, '2026-03-05T10:00:00Z', { command: odd, filterName: null, exitCode: 2 }),
        tokfEvent(2, '2026-03-05T10:00:01Z', { command: long }),
      ]),
    );
    const commands = new Set(parsed.samples.map((s) => s.labels.tokf_command));
    expect(commands).toEqual(new Set([odd, `${'x'.repeat(4095)}\u2026`]));
    const first = parsed.samples.find((s) => s.labels.tokf_command === odd)!;
    expect(first.labels).toEqual({ job: 'tokf', tokf_command: odd, tokf_exit_code: '2' });
  });

  it('sets job and instance from the resource as Prometheus does', () => {
    const parsed = parse(
      writeFile([tokfEvent(1, '2026-03-05T10:00:00Z', { exitCode: null })], {
        'service.name': 'tokf',
        'service.namespace': 'ci',
        'service.instance.id': 'runner-7',
        'deployment.environment': 'prod',
      }),
    );
    expect(parsed.samples[0]!.labels).toEqual({
      instance: 'runner-7',
      job: 'ci/tokf',
      tokf_command: 'cargo test',
      tokf_filter_name: 'cargo/test',
    });
  });

  it('leaves an earlier file alone when nothing came, and refuses writes after close', () => {
    const dir = tmpDir();
    const writer = new OpenMetricsWriter(path.join(dir, 'sub'), RESOURCE);
    writer.write([]);
    writer.close();
    writer.close();
    expect(fs.existsSync(path.join(dir, 'sub'))).toBe(false);
    expect(() => writer.write([tokfEvent(1, '2026-03-05T10:00:00Z')])).toThrow(/after close/);

    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(writer.path, 'earlier run\n');
    const again = new OpenMetricsWriter(path.join(dir, 'sub'), RESOURCE);
    again.close();
    expect(fs.readFileSync(writer.path, 'utf8')).toBe('earlier run\n');
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['metrics.om']);
  });

  it('keeps memory bounded by the series, not the events', () => {
    // The heap kept while writing (collected before each reading), for 5k and for 50k events
    // over the same series: ten times the events must not keep more memory.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const peakGrowth = (count: number): number => {
      const dir = tmpDir();
      const before = used();
      let peak = 0;
      const writer = new OpenMetricsWriter(dir, RESOURCE);
      const start = Date.UTC(2026, 0, 1) / 1000;
      const commands = ['cargo test', 'git status', 'npm test', 'ls -la', 'make lint'];
      for (let id = 1; id <= count; id += 2000) {
        const batch: TokfEvent[] = [];
        for (let i = id; i < id + 2000 && i <= count; i++) {
          batch.push(
            tokfEvent(i, '', {
              epochSeconds: start + i * 7,
              command: commands[i % commands.length]!,
              exitCode: i % 11 === 0 ? 1 : 0,
              inputTokens: (i * 37) % 9000,
              outputTokens: (i * 13) % 900,
              filterTimeMs: i % 400,
            }),
          );
        }
        writer.write(batch);
        if (id % 10_000 === 1) peak = Math.max(peak, used() - before);
      }
      peak = Math.max(peak, used() - before);
      writer.close();
      const size = fs.statSync(writer.path).size;
      fs.rmSync(dir, { recursive: true, force: true });
      expect(size).toBeGreaterThan(count * 1000);
      return peak;
    };
    const small = peakGrowth(5_000);
    const large = peakGrowth(50_000);
    // Kept: the series (5 commands x 2 exit codes x 5 instruments) and the family buffers.
    expect(large).toBeLessThan(small + 4 * 1024 * 1024);
    expect(large).toBeLessThan(16 * 1024 * 1024);
  }, 300_000);
});
