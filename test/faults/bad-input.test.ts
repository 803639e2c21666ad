/**
 * Bad input across flags, environment variables and action inputs: each gets its own specific
 * message, the CLI exits 2, and nothing changes (no request, the database byte for byte the same).
 */
import { fileHash, runCli } from '../helpers/run-cli.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { ActionJob, removeActionJobs } from '../action/runner.js';
import { distinctEventsDb } from './fault-kit.js';

afterAll(removeActionJobs);

let receiver: OtlpReceiver;
let db: string;
let before: string;
const hash = fileHash;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  db = distinctEventsDb(20);
  before = hash(db);
});
afterAll(async () => {
  await receiver.close();
  removeTmpDirs();
});

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(['sync', '--db', db, ...args], env);

const ep = () => ['--endpoint', receiver.url];

const CLI_CASES: Array<[string, () => string[], NodeJS.ProcessEnv, RegExp]> = [
  ['malformed endpoint', () => ['--endpoint', 'http//nope'], {}, /--endpoint: not a valid URL/],
  [
    'endpoint with another scheme',
    () => ['--endpoint', 'grpc://h:4317'],
    {},
    /--endpoint: scheme "grpc" is not supported/,
  ],
  [
    'malformed endpoint variable',
    () => [],
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
    /^telemetry-sync: error: OTEL_EXPORTER_OTLP_ENDPOINT: not a valid URL/m,
  ],
  [
    'malformed metrics endpoint variable',
    () => [],
    { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '::1' },
    /OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: not a valid URL/,
  ],
  ['header without =', () => [...ep(), '--headers', 'api-key'], {}, /--headers: item 1 has no "="/],
  [
    'header with an empty name',
    () => [...ep(), '--headers', '=v'],
    {},
    /--headers: item 1 has an empty key/,
  ],
  [
    'header with a bad name',
    () => [...ep(), '--headers', 'my key=v'],
    {},
    /"my key" is not a valid HTTP header name/,
  ],
  [
    'header variable without =',
    () => ep(),
    { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b' },
    /OTEL_EXPORTER_OTLP_HEADERS: item 2 has no "="/,
  ],
  [
    'bad percent-encoding in a header',
    () => [...ep(), '--headers', 'k=%E0%A4%A'],
    {},
    /--headers: the value of "k" is not valid percent-encoding/,
  ],
  ['negative limit', () => [...ep(), '--limit=-3'], {}, /--limit: -3 is out of range/],
  // Apart from its flag, a negative number is not taken for an option ("argument is ambiguous").
  [
    'negative limit, apart',
    () => [...ep(), '--limit', '-5'],
    {},
    /--limit: -5 is out of range; it takes a whole number of 1 or more/,
  ],
  [
    'negative batch size, apart',
    () => [...ep(), '--batch-size', '-3'],
    {},
    /--batch-size: -3 is out of range; it takes a whole number from 1 to 100000/,
  ],
  [
    'negative max-age, apart',
    () => [...ep(), '--max-age', '-2d'],
    {},
    /--max-age: -2d is out of range; it takes a duration longer than zero/,
  ],
  [
    'non-numeric limit',
    () => [...ep(), '--limit', 'ten'],
    {},
    /--limit: "ten" is not a whole number/,
  ],
  ['zero limit', () => [...ep(), '--limit', '0'], {}, /--limit: 0 is out of range/],
  ['zero batch size', () => [...ep(), '--batch-size', '0'], {}, /--batch-size: 0 is out of range/],
  [
    'huge batch size',
    () => [...ep(), '--batch-size', '1000000'],
    {},
    /--batch-size: 1000000 is out of range/,
  ],
  [
    'unparseable since',
    () => [...ep(), '--since', 'last week'],
    {},
    /--since: "last week" is not a date/,
  ],
  [
    'impossible date',
    () => [...ep(), '--until', '2026-02-30'],
    {},
    /--until: "2026-02-30" is not a date/,
  ],
  [
    'until before since',
    () => [...ep(), '--since', '2026-03-05', '--until', '2026-03-01'],
    {},
    /--until must be later than --since/,
  ],
  [
    'unknown protocol',
    () => [...ep(), '--protocol', 'http/thrift'],
    {},
    /--protocol: "http\/thrift" is not a protocol/,
  ],
  [
    'grpc',
    () => [...ep(), '--protocol', 'grpc'],
    {},
    /--protocol: gRPC is not supported; use http\/protobuf/,
  ],
  [
    'grpc in the environment',
    () => ep(),
    { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc' },
    /OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: gRPC is not supported/,
  ],
  [
    'unknown compression',
    () => [...ep(), '--compression', 'brotli'],
    {},
    /--compression: "brotli" is not a compression/,
  ],
  [
    'compression variable',
    () => ep(),
    { OTEL_EXPORTER_OTLP_COMPRESSION: 'lz4' },
    /OTEL_EXPORTER_OTLP_COMPRESSION: "lz4"/,
  ],
  [
    'timeout with a unit',
    () => [...ep(), '--timeout', '5s'],
    {},
    /--timeout \(milliseconds\): "5s" is not a whole number/,
  ],
  [
    'timeout variable',
    () => ep(),
    { OTEL_EXPORTER_OTLP_TIMEOUT: '-1' },
    /OTEL_EXPORTER_OTLP_TIMEOUT \(milliseconds\): -1 is out of range/,
  ],
  [
    'bad max-age',
    () => [...ep(), '--max-age', 'an hour'],
    {},
    /--max-age: "an hour" is not a duration/,
  ],
  [
    'zero circuit breaker',
    () => [...ep(), '--max-consecutive-failures', '0'],
    {},
    /--max-consecutive-failures: 0 is out of range/,
  ],
  [
    'resource attribute without =',
    () => [...ep(), '--resource-attributes', 'team'],
    {},
    /--resource-attributes: item 1 has no "="/,
  ],
  [
    'resource attribute variable',
    () => ep(),
    { OTEL_RESOURCE_ATTRIBUTES: 'a=1,,=x' },
    /OTEL_RESOURCE_ATTRIBUTES: item 3 has an empty key/,
  ],
  [
    'unknown flag',
    () => [...ep(), '--endpiont', 'x'],
    {},
    /unknown option --endpiont; did you mean --endpoint\?/,
  ],
  ['a value for a switch', () => [...ep(), '--dry-run=yes'], {}, /--dry-run/],
  ['missing value', () => [...ep(), '--batch-size'], {}, /--batch-size/],
  ['empty value', () => [...ep(), '--service-name', ''], {}, /--service-name needs a value/],
  ['nothing to do', () => [], {}, /nothing to do: give --endpoint/],
];

describe.each(CLI_CASES)('CLI: %s', (_name, args, env, message) => {
  it('exits 2 with a specific message and changes nothing', async () => {
    const requests = receiver.requests.length;
    const run = await cli(args(), env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(receiver.requests.length).toBe(requests);
    expect(hash(db)).toBe(before);
  });
});

const ACTION_CASES: Array<[Record<string, string>, RegExp]> = [
  [{ restore: 'ftp' }, /input "restore": "ftp" is not one of/],
  [{ sync: 'sometime' }, /input "sync": "sometime" is not one of post, now/],
  [{ limit: '-1' }, /input "limit": -1 is out of range; it takes a whole number of 1 or more/],
  [{ since: 'soon' }, /input "since": "soon" is not a date/],
  [{ protocol: 'grpc' }, /input "protocol": gRPC is not supported/],
  [{ headers: 'token' }, /input "headers": item 1 has no "="/],
  [{ 'batch-size': '0' }, /input "batch-size": 0 is out of range/],
  [{ 'dry-run': 'maybe' }, /input "dry-run": "maybe" is not true or false/],
  [{ 'retention-days': '0' }, /input "retention-days": "0" is not a number of days/],
];

describe('action inputs', () => {
  it.each(ACTION_CASES)(
    '%j: the step fails with the specific message; nothing restored, sent or changed',
    async (inputs, message) => {
      const job = new ActionJob(
        { GITHUB_RUN_ID: '1' },
        { restore: 'none', 'database-path': db, endpoint: receiver.url, ...inputs },
      );
      const requests = receiver.requests.length;
      const main = await job.runMain();
      // A configuration error fails the step whatever fail-on-error says.
      expect(main.code).toBe(1);
      expect(main.stdout).toMatch(new RegExp(`::error::telemetry-sync: ${message.source}`));
      const post = await job.runPost();
      expect(post.code).toBe(0);
      expect(receiver.requests.length).toBe(requests);
      expect(hash(db)).toBe(before);
    },
  );

  it('fails the step the same way with fail-on-error', async () => {
    const job = new ActionJob(
      {},
      { restore: 'none', 'database-path': db, limit: 'x', 'fail-on-error': 'true' },
    );
    const main = await job.runMain();
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::telemetry-sync: input "limit": "x" is not a whole number/,
    );
  });
});
