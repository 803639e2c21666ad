/**
 * Scenario 1 of the end-to-end suite: tokf writes, we deliver. Real invocations through tokf
 * 0.2.54 fill its database; our CLI syncs it to a real Collector with each encoding, gzip on and
 * off; every point the Collector wrote out is checked against the rows. Our OTLP JSON Lines file
 * goes through the Collector's own parser and back through its receiver.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { FlatPoint } from '../helpers/otlp-proto.js';
import { readEvents } from '../helpers/tokf-db.js';
import type { TokfEventRow } from '../helpers/tokf-db.js';
import { INVOCATIONS } from './helpers/commands.js';
import { Collector } from './helpers/collector.js';
import { comparable, expectedPoints, instrumentTotal } from './helpers/expected.js';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';
import { TokfSandbox } from './helpers/tokf.js';

const CASES = [
  ['http/protobuf', 'gzip'],
  ['http/protobuf', 'none'],
  ['http/json', 'gzip'],
  ['http/json', 'none'],
] as const;

let sandbox: TokfSandbox;
let rows: (TokfEventRow & { head_exit_code?: number | null })[];
let collector: Collector;

beforeAll(async () => {
  sandbox = new TokfSandbox('deliver');
  await sandbox.initGitRepo();
  for (const invocation of INVOCATIONS) await sandbox.runOk(invocation.args);
  rows = readEvents(sandbox.db);
  collector = await Collector.start();
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  removeE2eTmpDir();
});

function ofCase(points: FlatPoint[], name: string): FlatPoint[] {
  return points.filter((p) => p.resource['e2e.case'] === name);
}

/** Every point of a case against the rows, and the resource and scope around them. */
function expectPointsOfRows(points: FlatPoint[], name: string): void {
  expect(comparable(points)).toEqual(expectedPoints(rows));
  for (const p of points) {
    expect(p.resource).toEqual({ 'service.name': 'tokf', 'e2e.case': name });
    expect(p.scope).toBe('tokf');
  }
  const got = comparable(points);
  expect(instrumentTotal(got, 'tokf.filter.invocations')).toBe(rows.length);
  expect(instrumentTotal(got, 'gen_ai.client.token.usage')).toBe(2 * rows.length);
  expect(instrumentTotal(got, 'tokf.filter.duration')).toBe(rows.length);
  expect(instrumentTotal(got, 'tokf.tokens.saved')).toBe(
    rows.reduce((n, r) => n + Math.max(0, r.input_tokens_est - r.output_tokens_est), 0),
  );
}

describe('tokf writes, we deliver', () => {
  it('tokf recorded one row per invocation, with the filter and exit codes expected', () => {
    expect(
      rows.map((r) => ({
        filter: r.filter_name,
        exitCode: r.exit_code,
        headExitCode: r.head_exit_code ?? undefined,
      })),
    ).toEqual(
      INVOCATIONS.map((i) => ({
        filter: i.filter,
        exitCode: i.exitCode,
        headExitCode: i.headExitCode,
      })),
    );
    for (const row of rows) expect(row.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  describe.each(CASES)('%s, compression %s', (protocol, compression) => {
    const name = `${protocol.replace('http/', '')}-${compression}`;
    let db: string;
    const args = (): string[] => [
      '--endpoint',
      collector.endpoint,
      '--protocol',
      protocol,
      '--compression',
      compression,
      '--resource-attributes',
      `e2e.case=${name}`,
    ];

    beforeAll(() => {
      db = sandbox.copyOfDb(name);
    });

    it('delivers every row: names, units, temporality, times to the nanosecond, attributes, totals', async () => {
      const run = await sync(db, args());
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        status: 'delivered',
        selected: rows.length,
        delivered: rows.length,
        pending: 0,
        failedRequests: 0,
        errors: [],
      });
      const expectedCount = expectedPoints(rows).length;
      const points = ofCase(
        await collector.waitForPoints((all) => ofCase(all, name).length >= expectedCount),
        name,
      );
      expectPointsOfRows(points, name);
    });

    it('a second sync sends nothing', async () => {
      const before = ofCase(collector.points(), name).length;
      const run = await sync(db, args());
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ selected: 0, delivered: 0, requests: 0, pending: 0 });
      await collector.barrier();
      expect(ofCase(collector.points(), name)).toHaveLength(before);
    });
  });

  it('writes OTLP JSON Lines that the Collector parses as written and accepts back', async () => {
    const name = 'jsonl';
    const out = fs.mkdtempSync(path.join(e2eTmpDir(), 'jsonl-out-'));
    const run = await sync(sandbox.copyOfDb(name), [
      '--otlp-json-out',
      out,
      '--resource-attributes',
      `e2e.case=${name}`,
    ]);
    expect(run.code).toBe(0);
    expect(run.result.status).toBe('exported');
    const file = path.join(out, 'metrics.jsonl');
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);

    // The Collector's parser (pdata), and what it understood written back out by pdata.
    const check = spawnSync(peerBin('otlpcheck'), [file], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const reports = check.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { line: number; dataPoints: number; parsed: unknown });
    expect(reports.map((r) => r.line)).toEqual(lines.map((_, i) => i + 1));
    expect(reports.reduce((n, r) => n + r.dataPoints, 0)).toBe(expectedPoints(rows).length);
    // pdata skips keys it does not know: a misspelt field would parse "fine" and vanish here.
    reports.forEach((report, i) => {
      expect(withoutDefaults(report.parsed)).toEqual(withoutDefaults(JSON.parse(lines[i]!)));
    });

    for (const line of lines) {
      const response = await fetch(collector.metricsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { partialSuccess?: { rejectedDataPoints?: string } };
      expect(Number(body.partialSuccess?.rejectedDataPoints ?? 0)).toBe(0);
    }
    const expectedCount = expectedPoints(rows).length;
    const points = ofCase(
      await collector.waitForPoints((all) => ofCase(all, name).length >= expectedCount),
      name,
    );
    expectPointsOfRows(points, name);
  });
});

/**
 * OTLP/JSON with the fields proto3 cannot tell from absent removed (numeric zeros, empty strings
 * and lists, false), since writers differ in whether they write them. 64-bit zeros ("0") stay:
 * in OTLP/JSON they are strings and both writers put them in a oneof (`asInt`, `intValue`), where
 * presence is part of the value. Array elements stay.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const v = withoutDefaults(raw);
    const empty =
      v === null ||
      v === 0 ||
      v === '' ||
      v === false ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (!empty) out[key] = v;
  }
  return out;
}
