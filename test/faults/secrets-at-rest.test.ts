/**
 * Secrets never at rest: an endpoint that answers 400 with the request's credentials echoed back,
 * as given, in base64 and percent-encoded. Nothing the runs leave behind holds them: the database
 * file's bytes, `status` and `status --json`, every file written (OTLP/JSON, OpenMetrics, the
 * replay's rejects file), the runs' own output. Rows stored raw by an earlier version are cleaned
 * by the next sync.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { REJECTED_TABLE } from '../../src/progress/dead-letters.js';
import { logsLine } from '../helpers/jsonl-files.js';
import { flattenPoints } from '../helpers/otlp-proto.js';
import {
  startOtlpReceiver,
  type ReceivedRequest,
  type ScriptedResponse,
} from '../helpers/otlp-receiver.js';
import { runCli } from '../helpers/run-cli.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { distinctEventsDb } from './fault-kit.js';

const TOKEN = 'S3cr3t-T0ken/with+plus=';
const USER = 'alice';
const PASSWORD = 'pa55/w0rd!';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The forms a leak could take; none may be found anywhere. */
const FORMS = [
  TOKEN,
  encodeURIComponent(TOKEN),
  b64(TOKEN),
  b64(`Bearer ${TOKEN}`),
  PASSWORD,
  encodeURIComponent(PASSWORD),
  b64(`${USER}:${PASSWORD}`),
];

/** What a misbehaving endpoint says back: the request's headers in three forms. */
function echo(authorization: string): string {
  const credential = authorization.replace(/^\S+\s+/, '');
  return [
    `bad request; headers were: Authorization: ${authorization}`,
    `token=${credential}`,
    `as base64: ${b64(authorization)} / ${b64(credential)}`,
    `url-encoded: ?auth=${encodeURIComponent(authorization)}&t=${encodeURIComponent(credential)}`,
  ].join('\n');
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(removeTmpDirs);

function leaks(where: string, text: string | Buffer): string[] {
  const hay = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return FORMS.filter((f) => hay.includes(Buffer.from(f))).map((f) => `${where}: ${f}`);
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function everything(db: string, runs: { stdout: string; stderr: string }[]) {
  const status = await runCli(['status', '--db', db]);
  const statusJson = await runCli(['status', '--db', db, '--json']);
  expect(statusJson.code).toBe(0);
  return [
    ...leaks('database file', readFileSync(db)),
    ...leaks('status', status.stdout + status.stderr),
    ...leaks('status --json', statusJson.stdout),
    ...runs.flatMap((r, i) => leaks(`run ${i + 1} output`, r.stdout + r.stderr)),
    ...filesUnder(dir).flatMap((f) => leaks(f, readFileSync(f))),
  ];
}

/**
 * Refuses, echoing `echoed`, only the requests that carry the points of `cmd` and accepts the
 * rest: an event is set aside only where the endpoint took something else in the run (an endpoint
 * refusing everything sets nothing aside), so the reason is written and can be checked for leaks.
 */
const refusingOne =
  (cmd: string, echoed: string) =>
  (r: ReceivedRequest): ScriptedResponse | undefined =>
    r.decoded !== undefined &&
    flattenPoints(r.decoded).some((p) => p.attributes['tokf.command'] === cmd)
      ? { status: 400, errorMessage: echoed }
      : undefined;

describe('secrets never at rest', () => {
  it('a 400 echoing a Bearer header (plain, base64, url-encoded): nowhere in what is kept', async () => {
    const db = distinctEventsDb(30);
    const authorization = `Bearer ${TOKEN}`;
    const receiver = await startOtlpReceiver({
      respond: refusingOne('cmd-7', echo(authorization)),
    });
    try {
      const run = await runCli([
        'sync',
        '--db',
        db,
        '--endpoint',
        receiver.url,
        '--headers',
        `Authorization=${encodeURIComponent(authorization)}`,
        '--otlp-json-out',
        join(dir, 'out'),
        '--openmetrics-out',
        join(dir, 'om'),
        '--json',
      ]);
      expect(run.code).toBe(1);
      // The refusal was recorded (so the reason was written), only masked.
      const status = JSON.parse((await runCli(['status', '--db', db, '--json'])).stdout);
      expect(status.setAside.refused).toBeGreaterThan(0);
      expect(status.setAside.byReason[0].reason).toContain('***');
      expect(await everything(db, [run])).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('credentials in the endpoint URL, echoed as the Basic header and decoded: nowhere either', async () => {
    const db = distinctEventsDb(30);
    const authorization = `Basic ${b64(`${USER}:${PASSWORD}`)}`;
    const receiver = await startOtlpReceiver({
      respond: () => ({
        status: 400,
        errorMessage: `${echo(authorization)}\nuser:password ${USER}:${PASSWORD}`,
      }),
    });
    try {
      const url = new URL(receiver.url);
      url.username = USER;
      url.password = encodeURIComponent(PASSWORD);
      const run = await runCli(['sync', '--db', db, '--endpoint', url.toString(), '--json']);
      expect(run.code).toBe(1);
      expect(receiver.requests[0]?.headers.authorization).toBe(authorization);
      expect(await everything(db, [run])).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('proxy credentials (HTTPS_PROXY) echoed back, as the Proxy-Authorization header and plain: nowhere', async () => {
    const db = distinctEventsDb(30);
    const proxyPassword = 'pr0xy/Pa55';
    const basic = b64(`puser:${proxyPassword}`);
    const receiver = await startOtlpReceiver({
      respond: refusingOne(
        'cmd-7',
        `via proxy: Proxy-Authorization: Basic ${basic}; pass=${proxyPassword}; b64=${basic}; enc=${encodeURIComponent(proxyPassword)}`,
      ),
    });
    const proxy = `http://puser:${encodeURIComponent(proxyPassword)}@proxy.invalid:3128`;
    try {
      const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json'], {
        HTTPS_PROXY: proxy,
        HTTP_PROXY: proxy,
        // The receiver is on loopback: reached directly, the proxy's credentials known all the same.
        NO_PROXY: '127.0.0.1,localhost',
      });
      expect(run.code).toBe(1);
      const forms = [proxyPassword, basic, encodeURIComponent(proxyPassword)];
      const status = await runCli(['status', '--db', db, '--json']);
      for (const [where, text] of [
        ['database file', readFileSync(db)],
        ['status --json', Buffer.from(status.stdout)],
        ['run output', Buffer.from(run.stdout + run.stderr)],
      ] as const)
        for (const f of forms)
          expect(`${where}: ${text.includes(Buffer.from(f))}`).toBe(`${where}: false`);
      expect(JSON.parse(status.stdout).setAside.byReason[0].reason).toContain('***');
    } finally {
      await receiver.close();
    }
  });

  it('rows an earlier version stored raw are cleaned by the next sync, in the file bytes too', async () => {
    const db = distinctEventsDb(5);
    const raw = new DatabaseSync(db);
    raw.exec(`CREATE TABLE ${REJECTED_TABLE} (event_id INTEGER PRIMARY KEY, reason TEXT NOT NULL,
      status INTEGER, rejected_at TEXT NOT NULL)`);
    raw
      .prepare(`INSERT INTO ${REJECTED_TABLE} VALUES (1, ?, 400, '2026-03-01T00:00:00Z')`)
      .run(`HTTP 400: ${echo(`Bearer ${TOKEN}`)}`);
    raw.close();
    expect(leaks('before', readFileSync(db))).not.toEqual([]);
    // status, which knows no secret, shows no credential header's value even so.
    const before = await runCli(['status', '--db', db, '--json']);
    expect(before.stdout).not.toContain(`Authorization: Bearer ${TOKEN}`);

    const receiver = await startOtlpReceiver();
    try {
      const run = await runCli([
        'sync',
        '--db',
        db,
        '--endpoint',
        receiver.url,
        '--headers',
        `Authorization=Bearer ${encodeURIComponent(TOKEN)}`,
        '--json',
      ]);
      expect(run.code).toBe(0);
      expect(await everything(db, [run])).toEqual([]);
      const status = JSON.parse((await runCli(['status', '--db', db, '--json'])).stdout);
      expect(status.setAside.refused).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('replay: the rejects file and the summary hold no echoed credential', async () => {
    const authorization = `Bearer ${TOKEN}`;
    const receiver = await startOtlpReceiver({
      respond: () => ({ status: 400, errorMessage: echo(authorization) }),
    });
    try {
      const file = join(dir, 'app.jsonl');
      writeFileSync(file, `${logsLine('1')}\n${logsLine('2')}\n`);
      const run = await runCli([
        'replay',
        file,
        '--endpoint',
        receiver.url,
        '--headers',
        `Authorization=${encodeURIComponent(authorization)}`,
        '--state',
        join(dir, 'state.db'),
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(readFileSync(join(dir, 'state.rejects.jsonl'), 'utf8')).toContain('***');
      const found = [
        ...leaks('replay output', run.stdout + run.stderr),
        ...filesUnder(dir).flatMap((f) => leaks(f, readFileSync(f))),
      ];
      expect(found).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
