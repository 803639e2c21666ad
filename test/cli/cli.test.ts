import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI, runCli } from '../helpers/run-cli.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { SYNC_HELP } from '../../src/cli/help.js';

function tokfDb(n: number): string {
  const path = tmpDbPath('cli-');
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n));
  return path;
}

beforeAll(() => expect(existsSync(CLI)).toBe(true));
const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

describe('telemetry-sync CLI', () => {
  it('sync --help prints the help text, the main flags among them', async () => {
    const run = await runCli(['sync', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(SYNC_HELP);
    for (const flag of [
      '--db',
      '--endpoint',
      '--headers',
      '--protocol',
      '--compression',
      '--timeout',
      '--batch-size',
      '--since',
      '--until',
      '--limit',
      '--dry-run',
      '--service-name',
      '--resource-attributes',
      '--otlp-json-out',
      '--json',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it('delivers, prints a summary on stderr and the result as JSON on stdout, exit 0', async () => {
    const db = tokfDb(40);
    const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/delivered 40 events to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics/);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      status: 'delivered',
      selected: 40,
      delivered: 40,
      rejectedPoints: 0,
      pending: 0,
      requests: 1,
      retries: 0,
      errors: [],
    });
    expect(result.points['tokf.filter.invocations']).toBeGreaterThan(0);
    expect(typeof result.durationMs).toBe('number');
    expect(result.bytesSent).toBe(receiver.requests[0]!.bodyBytes);

    const again = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ selected: 0, delivered: 0, requests: 0 });
  });

  it('finds the database by tokf rules and the endpoint in the environment', async () => {
    const db = tokfDb(5);
    const run = await runCli(['sync', '--json'], {
      TOKF_DB_PATH: db,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ database: db, delivered: 5 });
    const home = dirname(db);
    const viaHome = await runCli(['sync', '--dry-run', '--json'], { TOKF_HOME: home });
    expect(JSON.parse(viaHome.stdout)).toMatchObject({
      database: join(home, 'tracking.db'),
      selected: 0,
    });
  });

  it('exits 1 when events could not be delivered, and they stay pending', async () => {
    const db = tokfDb(10);
    receiver.enqueue({ status: 500, errorMessage: 'storage unavailable' });
    const run = await runCli(['sync', '--db', db, '--endpoint', receiver.url, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', delivered: 0, pending: 10 });
    expect(run.stderr).toMatch(/error: .*HTTP 500: .*storage unavailable/);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown flag', ['sync', '--db', 'x.db', '--bogus'], /unknown option --bogus\n/],
    ['an unknown command', ['push'], /unknown command "push"/],
    [
      'grpc',
      ['sync', '--db', 'x.db', '--endpoint', 'http://h:4317', '--protocol', 'grpc'],
      /gRPC is not supported; use http\/protobuf/,
    ],
    ['a bad limit', ['sync', '--dry-run', '--limit', '-1'], /--limit/],
    ['a flag without a value', ['sync', '--dry-run', '--since'], /--since/],
    [
      'a missing database',
      ['sync', '--db', '/no/such/tracking.db', '--dry-run'],
      /no database at \/no\/such\/tracking.db/,
    ],
    ['nothing to do', ['sync', '--db', 'x.db'], /nothing to do/],
    [
      'an output directory that is a file',
      ['sync', '--db', 'test/fixtures/tokf-sample.db', '--otlp-json-out', 'package.json'],
      /--otlp-json-out: cannot write to package.json/,
    ],
  ])('exits 2 on %s', async (_name, args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('never prints, writes or stores a secret header or URL credential', async () => {
    const db = tokfDb(30);
    const out = join(dirname(db), 'otlp');
    const secret = 'sk-live-9f8e7d6c5b4a';
    receiver.enqueue({}, { status: 401, errorMessage: `invalid key ${secret} for tenant` });
    const run = await runCli([
      'sync',
      '--db',
      db,
      '--endpoint',
      receiver.url.replace('http://', `http://user:tok3n-pw@`),
      '--headers',
      `x-api-key=${secret}`,
      '--batch-size',
      '10',
      '--otlp-json-out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid key *** for tenant');
    expect(receiver.requests[0]!.headers['x-api-key']).toBe(secret);
    expect(receiver.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('user:tok3n-pw').toString('base64')}`,
    );
    const written = [
      run.stdout,
      run.stderr,
      readFileSync(join(out, 'metrics.jsonl'), 'utf8'),
      readFileSync(db, 'latin1'),
    ];
    for (const text of written) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('tok3n-pw');
    }
  });
});
