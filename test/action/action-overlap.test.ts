/**
 * Overlapping runs and matrix legs, through the real @actions/cache and @actions/artifact code
 * against the local services: every event a run recorded reaches the endpoint exactly once in the
 * end, with the action's defaults. Each test asserts on what reached the loopback receiver.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { expectedSums, sumsByPoint } from '../helpers/expectations.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfEventInput,
  type TokfEventRow,
} from '../helpers/tokf-db.js';
import { ToolkitServer, type ToolkitRun } from '../toolkit/toolkit-server.js';
import { ActionJob, type StepRun, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

let server: ToolkitServer;
/** An endpoint that is down: nothing listens there. */
let downUrl: string;

beforeAll(async () => {
  server = new ToolkitServer();
  await server.start();
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
}, 60_000);
afterAll(async () => {
  await server.close();
  removeTmpDirs();
});
const receiver = otlpReceiverForEachTest();

/** The leg's part of cache keys and artifact names: the start of the job's backend id. */
const legId = (run: ToolkitRun) => run.jobBackendId.replace(/-/g, '').slice(0, 8);

/** A job with the action's defaults, but for the prefix that keeps tests apart. */
function job(
  run: ToolkitRun,
  prefix: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): ActionJob {
  return new ActionJob(
    { ...run.env, ...env },
    {
      'github-token': run.token,
      endpoint: receiver.url,
      'cache-key-prefix': prefix,
      'retry-budget': '1s',
      ...inputs,
    },
  );
}

const down = { endpoint: '' };

/** tokf writing events during a job: the rows it added, read back from the file. */
function tokfWrites(j: ActionJob, events: readonly TokfEventInput[]): TokfEventRow[] {
  mkdirSync(dirname(j.tokfDbPath), { recursive: true });
  createTokfDb(j.tokfDbPath, 'fresh');
  const ids = new Set(insertEvents(j.tokfDbPath, events));
  return readEvents(j.tokfDbPath).filter((r) => ids.has(r.id));
}

function invocations(): number {
  return receiver
    .acceptedPoints()
    .filter((p) => p.metric === 'tokf.filter.invocations')
    .reduce((s, p) => s + (p.value ?? 0), 0);
}

/** What reached the receiver is every one of these events, each once. */
function expectExactlyOnce(rows: readonly TokfEventRow[]): void {
  expect(invocations()).toBe(rows.length);
  const points = receiver.acceptedPoints();
  const expected = expectedSums(rows);
  expect(sumsByPoint(points, 'tokf.filter.invocations')).toEqual(expected.invocations);
  expect(sumsByPoint(points, 'tokf.tokens.saved')).toEqual(expected.saved);
}

/** The log records that reached the receiver, as `time command`, sorted. */
function logLines(): string[] {
  const out: string[] = [];
  for (const r of receiver.requests) {
    if (r.signalDecoded?.signal !== 'logs' || (r.answeredStatus ?? 500) >= 300) continue;
    for (const res of r.signalDecoded.resourceLogs ?? []) {
      for (const scope of (res.scopeLogs ?? []) as Record<string, unknown>[]) {
        for (const rec of (scope.logRecords ?? []) as Record<string, unknown>[]) {
          const body = rec.body as { stringValue?: string } | undefined;
          out.push(`${String(rec.timeUnixNano)} ${body?.stringValue ?? ''}`);
        }
      }
    }
  }
  return out.sort();
}

/** What tokf's rows become as log records (see logLines). */
function expectedLogLines(rows: readonly TokfEventRow[]): string[] {
  return rows.map((r) => `${BigInt(Date.parse(r.timestamp)) * 1_000_000n} ${r.command}`).sort();
}

function entries(prefix: string): string[] {
  return server
    .cacheEntries()
    .map((e) => e.key)
    .filter((k) => k.startsWith(prefix));
}

function expectSuccess(step: StepRun): void {
  expect(step.code).toBe(0);
  expect(step.stdout).not.toMatch(/::error::/);
}

const events = (n: number, start: string, seed: number) => makeEvents(n, { start, seed });
/** The same command in the same second, as two legs of a matrix may record it. */
const twin: TokfEventInput = {
  timestamp: '2026-03-04T12:00:00Z',
  command: 'cargo fmt --check',
  filterName: 'cargo/fmt',
  exitCode: 0,
};

describe('overlapping runs', () => {
  it('run 0, then A and B at once with the endpoint down, then C: every event once', async () => {
    const prefix = `overlap-${Date.now()}`;
    const run0 = job(server.newRun({ job: 'test' }), prefix);
    await run0.runMain();
    const rows0 = tokfWrites(run0, events(4, '2026-03-02T09:00:00Z', 1));
    expectSuccess(await run0.runPost());
    expect(invocations()).toBe(4);

    // A and B start together from run 0's entry; the endpoint is down for both.
    const a = job(server.newRun({ job: 'test' }), prefix, { endpoint: downUrl });
    const b = job(server.newRun({ job: 'test' }), prefix, { endpoint: downUrl });
    const [mainA, mainB] = await Promise.all([a.runMain(), b.runMain()]);
    expect(mainA.outputs['restored-from']).toBe('cache');
    expect(mainB.outputs['restored-from']).toBe('cache');
    const rowsA = tokfWrites(a, [...events(4, '2026-03-03T09:00:00Z', 2), twin]);
    const rowsB = tokfWrites(b, [...events(2, '2026-03-03T10:00:00Z', 3), twin]);
    const [postA, postB] = await Promise.all([a.runPost(), b.runPost()]);
    for (const post of [postA, postB]) {
      expectSuccess(post);
      expect(post.outputs.delivered).toBe('0');
      expect(post.summary).toMatch(/\*\*Saved:\*\* cache key/);
    }
    expect(postA.outputs.pending).toBe('5');
    expect(postB.outputs.pending).toBe('3');
    // Both saved; run 0's entry, which both hold, is gone.
    expect(entries(prefix)).toHaveLength(2);
    expect(invocations()).toBe(4);

    // C merges A's and B's entries and sends what both left, and its own.
    const c = job(server.newRun({ job: 'test' }), prefix);
    const mainC = await c.runMain();
    expect(mainC.stdout).toContain('merged 1 more cache entry');
    const rowsC = tokfWrites(c, events(2, '2026-03-05T09:00:00Z', 4));
    const postC = await c.runPost();
    expectSuccess(postC);
    expect(postC.outputs).toMatchObject({ selected: '10', delivered: '10', pending: '0' });
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB, ...rowsC]);
    expect(entries(prefix)).toHaveLength(1);

    // One more run finds nothing left to send.
    const d = job(server.newRun({ job: 'test' }), prefix);
    await d.runMain();
    const postD = await d.runPost();
    expect(postD.outputs).toMatchObject({ selected: '0', pending: '0' });
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB, ...rowsC]);
  }, 180_000);

  it('events run 0 left pending are sent by one of two overlapping runs, not both', async () => {
    const prefix = `leftover-${Date.now()}`;
    const run0 = job(server.newRun({ job: 'test' }), prefix, { endpoint: downUrl });
    await run0.runMain();
    const rows0 = tokfWrites(run0, events(6, '2026-03-02T09:00:00Z', 5));
    const post0 = await run0.runPost();
    expect(post0.outputs.pending).toBe('6');
    // run 0 could not deliver: its OTLP/JSON artifact is uploaded (on-failure, the default).
    expect(post0.outputs['otlp-artifact-id']).toMatch(/^\d+$/);

    const a = job(server.newRun({ job: 'test' }), prefix);
    const b = job(server.newRun({ job: 'test' }), prefix);
    await Promise.all([a.runMain(), b.runMain()]);
    const rowsA = tokfWrites(a, events(3, '2026-03-03T09:00:00Z', 6));
    const rowsB = tokfWrites(b, events(2, '2026-03-03T10:00:00Z', 7));
    // A's post step takes run 0's entry first; B then sends only its own events.
    const postA = await a.runPost();
    const postB = await b.runPost();
    expectSuccess(postA);
    expectSuccess(postB);
    expect(postA.outputs.delivered).toBe('9');
    expect(postB.outputs.delivered).toBe('2');
    expect(postB.summary).toContain('left to another run');
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB]);
    // Everything delivered everywhere: an everything-delivered run uploads no artifact.
    expect(postA.outputs['otlp-artifact-id']).toBeUndefined();

    const c = job(server.newRun({ job: 'test' }), prefix);
    await c.runMain();
    const postC = await c.runPost();
    expect(postC.outputs).toMatchObject({ selected: '0', pending: '0' });
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB]);
  }, 180_000);
});

describe('overlapping runs sending logs too', () => {
  it('logs run 0 left pending (its metrics delivered) are sent by one of two overlapping runs, not both', async () => {
    const prefix = `leftover-logs-${Date.now()}`;
    const both = { signals: 'metrics,logs' };
    // Run 0: metrics reach the receiver, logs go to an endpoint that is down.
    const run0 = job(
      server.newRun({ job: 'test' }),
      prefix,
      { ...both, endpoint: '', 'metrics-endpoint': `${receiver.url}/v1/metrics` },
      { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${downUrl}/v1/logs` },
    );
    await run0.runMain();
    const rows0 = tokfWrites(run0, events(5, '2026-03-02T09:00:00Z', 21));
    await run0.runPost();
    expect(invocations()).toBe(5);
    expect(logLines()).toEqual([]);

    const a = job(server.newRun({ job: 'test' }), prefix, both);
    const b = job(server.newRun({ job: 'test' }), prefix, both);
    await Promise.all([a.runMain(), b.runMain()]);
    const rowsA = tokfWrites(a, events(2, '2026-03-03T09:00:00Z', 22));
    const rowsB = tokfWrites(b, events(3, '2026-03-03T10:00:00Z', 23));
    const postA = await a.runPost();
    const postB = await b.runPost();
    expectSuccess(postA);
    expectSuccess(postB);
    // A took run 0's entry and sent its five logs; B sent only its own events, in both signals.
    expect(postB.summary).toContain('left to another run');
    expect(JSON.parse(postA.outputs.signals!)).toEqual({
      metrics: { selected: 2, delivered: 2, pending: 0, setAside: 0, tooOld: 0 },
      logs: { selected: 7, delivered: 7, pending: 0, setAside: 0, tooOld: 0 },
    });
    // The plain outputs add up the signals.
    expect(postA.outputs).toMatchObject({ selected: '9', delivered: '9', pending: '0' });
    // B keeps run 0's logs pending in its own entry, in case A fails; C finds A sent them.
    expect(postB.outputs).toMatchObject({ selected: '6', delivered: '6', pending: '5' });
    expect(logLines()).toEqual(expectedLogLines([...rows0, ...rowsA, ...rowsB]));
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB]);

    const c = job(server.newRun({ job: 'test' }), prefix, both);
    await c.runMain();
    const postC = await c.runPost();
    expectSuccess(postC);
    expect(postC.outputs).toMatchObject({ selected: '0', pending: '0' });
    expect(logLines()).toEqual(expectedLogLines([...rows0, ...rowsA, ...rowsB]));
    expectExactlyOnce([...rows0, ...rowsA, ...rowsB]);
  }, 180_000);
});

describe('matrix legs', () => {
  it('two legs at once with the endpoint down save apart; a later run delivers both legs’ events once', async () => {
    const prefix = `matrix-${Date.now()}`;
    const runId = server.newRun({ job: 'test' }).runId;
    const legRuns = ['20', '22'].map((node) => server.newRun({ runId, job: 'test', leg: node }));
    const legs = legRuns.map((r, i) =>
      // What the runner gives for the default `leg: ${{ toJSON(matrix) }}`.
      job(r, prefix, { endpoint: downUrl, leg: `{\n  "node": ${i === 0 ? 20 : 22}\n}` }),
    );
    await Promise.all(legs.map((l) => l.runMain()));
    const rows1 = tokfWrites(legs[0]!, [...events(5, '2026-03-03T09:00:00Z', 8), twin]);
    const rows2 = tokfWrites(legs[1]!, [...events(3, '2026-03-03T09:30:00Z', 9), twin]);
    const posts = await Promise.all(legs.map((l) => l.runPost()));
    for (const post of posts) {
      expectSuccess(post);
      expect(post.stdout).not.toMatch(/already exists/);
    }
    expect(posts.map((p) => p.outputs.pending)).toEqual(['6', '4']);
    // One entry and one artifact per leg, named apart.
    expect(entries(prefix).sort()).toEqual(
      legRuns.map((r) => `${prefix}-linux-${runId}-1-${legId(r)}`).sort(),
    );
    expect(
      server
        .artifacts({ runId })
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      `telemetry-otlp-test-20-1-${legId(legRuns[0]!)}`,
      `telemetry-otlp-test-22-1-${legId(legRuns[1]!)}`,
    ]);
    expect(invocations()).toBe(0);

    // The next run of the same matrix, endpoint up, both legs at once.
    const nextId = server.newRun({ job: 'test' }).runId;
    const next = ['20', '22'].map((node) =>
      job(server.newRun({ runId: nextId, job: 'test', leg: node }), prefix, {
        leg: `{"node": ${node}}`,
      }),
    );
    await Promise.all(next.map((l) => l.runMain()));
    const rows3 = tokfWrites(next[0]!, events(1, '2026-03-04T09:00:00Z', 10));
    const rows4 = tokfWrites(next[1]!, events(1, '2026-03-04T09:10:00Z', 11));
    const nextPosts = await Promise.all(next.map((l) => l.runPost()));
    nextPosts.forEach(expectSuccess);
    // Whichever leg took the entries sent both legs' events; the other sent only its own.
    expect(nextPosts.map((p) => Number(p.outputs.delivered)).sort((x, y) => x - y)).toEqual([
      1, 11,
    ]);
    expectExactlyOnce([...rows1, ...rows2, ...rows3, ...rows4]);

    // A later run has nothing left.
    const last = job(server.newRun({ job: 'test' }), prefix);
    await last.runMain();
    const lastPost = await last.runPost();
    expect(lastPost.outputs).toMatchObject({ selected: '0', pending: '0' });
    expectExactlyOnce([...rows1, ...rows2, ...rows3, ...rows4]);
  }, 240_000);
});

describe('a scheduled workflow', () => {
  it('with sync: now gathers what the legs left, sends it once, and leaves one entry', async () => {
    const prefix = `scheduled-${Date.now()}`;
    const runId = server.newRun({ job: 'test' }).runId;
    const legs = ['x', 'y'].map((leg) =>
      job(server.newRun({ runId, job: 'test', leg }), prefix, { endpoint: downUrl, leg }),
    );
    await Promise.all(legs.map((l) => l.runMain()));
    const rowsX = tokfWrites(legs[0]!, events(4, '2026-03-03T09:00:00Z', 19));
    const rowsY = tokfWrites(legs[1]!, events(3, '2026-03-03T09:30:00Z', 20));
    await Promise.all(legs.map((l) => l.runPost()));
    expect(entries(prefix)).toHaveLength(2);

    const scheduled = job(server.newRun({ job: 'sync', eventName: 'schedule' }), prefix, {
      sync: 'now',
    });
    const main = await scheduled.runMain();
    expectSuccess(main);
    expect(main.outputs).toMatchObject({ delivered: '7', pending: '0' });
    const post = await scheduled.runPost();
    expectSuccess(post);
    expect(post.stdout).toMatch(/saved the database as scheduled-/);
    expect(entries(prefix)).toHaveLength(1);
    expectExactlyOnce([...rowsX, ...rowsY]);
  }, 180_000);
});

describe('permissions', () => {
  it('without actions: read restores the newest entry only, says so, and loses nothing', async () => {
    const prefix = `noread-${Date.now()}`;
    // Two legs leave events pending in two entries.
    const runId = server.newRun({ job: 'test' }).runId;
    const legs = ['a', 'b'].map((leg) =>
      job(server.newRun({ runId, job: 'test', leg }), prefix, { endpoint: downUrl, leg }),
    );
    await Promise.all(legs.map((l) => l.runMain()));
    const rowsA = tokfWrites(legs[0]!, events(3, '2026-03-03T09:00:00Z', 12));
    const rowsB = tokfWrites(legs[1]!, events(2, '2026-03-03T09:30:00Z', 13));
    await Promise.all(legs.map((l) => l.runPost()));

    server.deny('list-caches');
    let noRead: StepRun;
    try {
      const j = job(server.newRun({ job: 'test' }), prefix);
      const main = await j.runMain();
      expect(main.code).toBe(0);
      expect(main.stdout).toMatch(
        /::warning title=telemetry-sync::this action's cache entries could not be listed .*403.*"actions: read"/,
      );
      noRead = await j.runPost();
    } finally {
      server.allow();
    }
    expectSuccess(noRead);
    // The newest entry's events only: the other leg's wait in their entry.
    const sent = Number(noRead.outputs.delivered);
    expect([2, 3]).toContain(sent);
    expect(invocations()).toBe(sent);

    const later = job(server.newRun({ job: 'test' }), prefix);
    await later.runMain();
    expectSuccess(await later.runPost());
    expectExactlyOnce([...rowsA, ...rowsB]);
  }, 180_000);

  it('without actions: write keeps the older entries, says which permission, and sends once', async () => {
    const prefix = `nowrite-${Date.now()}`;
    const first = job(server.newRun({ job: 'test' }), prefix);
    await first.runMain();
    const rows1 = tokfWrites(first, events(3, '2026-03-03T09:00:00Z', 14));
    await first.runPost();
    server.deny('delete-cache');
    try {
      const second = job(server.newRun({ job: 'test' }), prefix);
      await second.runMain();
      const rows2 = tokfWrites(second, events(2, '2026-03-03T10:00:00Z', 15));
      const post = await second.runPost();
      expectSuccess(post);
      expect(post.stdout).toMatch(
        /::warning title=telemetry-sync::kept 1 older cache entry .*"actions: write"/,
      );
      expect(entries(prefix)).toHaveLength(2);
      // A third run skips the first entry, which the second already holds.
      const third = job(server.newRun({ job: 'test' }), prefix);
      const main3 = await third.runMain();
      expect(main3.stdout).not.toContain('merged');
      const post3 = await third.runPost();
      expect(post3.outputs).toMatchObject({ selected: '0', pending: '0' });
      expectExactlyOnce([...rows1, ...rows2]);
    } finally {
      server.allow();
    }
  }, 180_000);
});

describe('a pull request from a fork', () => {
  it('has no secrets and a read-only token: summary and artifact, no comment, no advice', async () => {
    const prefix = `fork-${Date.now()}`;
    const run = server.newRun({ job: 'test', eventName: 'pull_request', ref: 'refs/pull/9/merge' });
    const eventPath = join(dirname(tmpDbPath('event-')), 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({
        pull_request: { number: 9, head: { repo: { full_name: 'someone/octo-repo', fork: true } } },
        repository: { full_name: server.repository },
      }),
    );
    for (const route of ['create-comment', 'update-comment', 'delete-cache'] as const)
      server.deny(route);
    try {
      // No secrets: the endpoint input is empty.
      const j = job(
        run,
        prefix,
        { ...down, 'comment-on-pr': 'true' },
        { GITHUB_EVENT_PATH: eventPath },
      );
      const before = server.requests.length;
      expectSuccess(await j.runMain());
      const rows = tokfWrites(j, events(4, '2026-03-03T09:00:00Z', 16));
      const post = await j.runPost();
      expectSuccess(post);
      expect(post.stdout.match(/comes from a fork/g)).toHaveLength(1);
      expect(post.stdout).not.toMatch(/::warning/);
      expect(post.summary).toContain('comes from a fork');
      expect(post.outputs).toMatchObject({ selected: '4', delivered: '0' });
      expect(post.outputs['otlp-artifact-id']).toMatch(/^\d+$/);
      const routes = server.requests.slice(before).map((r) => r.route);
      expect(routes).not.toContain('list-comments');
      expect(routes).not.toContain('create-comment');
      expect(routes).not.toContain('delete-cache');
      expect(rows).toHaveLength(4);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      server.allow();
    }
  }, 120_000);
});

describe('inputs', () => {
  it.each([
    [{ 'dry-run': 'yes' }, /input "dry-run": "yes" is not true or false/],
    [{ restore: 'cache-only' }, /input "restore": "cache-only" is not one of/],
  ])(
    'a misconfigured input (%j) fails the step and sends nothing',
    async (inputs, message) => {
      const j = job(server.newRun(), `bad-${Date.now()}`, inputs);
      const main = await j.runMain();
      expect(main.code).toBe(1);
      expect(main.stdout).toMatch(new RegExp(`::error::telemetry-sync: ${message.source}`));
      tokfWrites(j, events(2, '2026-03-03T09:00:00Z', 17));
      const post = await j.runPost();
      expect(post.code).toBe(0);
      expect(receiver.requests).toHaveLength(0);
    },
    60_000,
  );

  it('takes headers one per line, and says in the log what happened', async () => {
    const j = job(server.newRun(), `headers-${Date.now()}`, {
      headers: 'x-team=core\nx-api-key=line%20two\n',
    });
    await j.runMain();
    const rows = tokfWrites(j, events(3, '2026-03-03T09:00:00Z', 18));
    const post = await j.runPost();
    expectSuccess(post);
    expect(receiver.requests[0]!.headers).toMatchObject({
      'x-team': 'core',
      'x-api-key': 'line two',
    });
    expectExactlyOnce(rows);
    expect(post.stdout).toContain('telemetry-sync: delivered 3 events');
    expect(post.stdout).toMatch(/events: 3 selected, 3 delivered, 0 pending/);
    expect(post.stdout).toContain(
      'artifact: no OTLP/JSON artifact: every selected event was delivered',
    );
    expect(post.stdout).toMatch(/saved: cache key headers-\d+-linux-/);
  }, 60_000);
});
