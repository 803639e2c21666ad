import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { createTokfDb, insertEvents, makeEvents, readEvents } from '../helpers/tokf-db.js';
import { expectedSums, sumsByPoint } from '../helpers/expectations.js';
import { ActionJob, withoutMaskCommands, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

const receiver = otlpReceiverForEachTest();

/** tokf creates its directory and database on first use. */
function tokfWrites(path: string, layout: 'fresh' | 'upgraded'): void {
  mkdirSync(dirname(path), { recursive: true });
  createTokfDb(path, layout);
}

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/widgets',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'build',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_SHA: 'abc123',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_SERVER_URL: 'https://github.com',
};

// Without cache or artifact services: the toolkit paths are covered in action-toolkit.test.ts.
const LOCAL = { restore: 'none', 'save-cache': 'false', 'otlp-artifact': 'never' };

describe('the action, main then post, as the runner runs it', () => {
  it('sends the events as logs and spans too with input signals', async () => {
    const job = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      signals: 'metrics,logs,traces',
    });
    expect((await job.runMain()).code).toBe(0);
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, makeEvents(20));
    const post = await job.runPost();
    expect(post.code).toBe(0);
    const paths = new Set(receiver.requests.map((r) => r.path.split('?')[0]));
    expect(paths).toEqual(new Set(['/v1/metrics', '/v1/logs', '/v1/traces']));
    const count = (signal: 'logs' | 'traces') =>
      receiver.requests
        .map((r) => r.signalDecoded)
        .filter((d) => d?.signal === signal)
        .flatMap((d) =>
          (signal === 'logs' ? d!.resourceLogs! : d!.resourceSpans!).flatMap((res) =>
            (
              res[signal === 'logs' ? 'scopeLogs' : 'scopeSpans'] as Record<string, unknown[]>[]
            ).flatMap((sc) => sc[signal === 'logs' ? 'logRecords' : 'spans']!),
          ),
        ).length;
    expect(count('logs')).toBe(20);
    expect(count('traces')).toBe(20);
    // The job summary gives each signal's own figures.
    for (const signal of ['metrics', 'logs', 'traces'])
      expect(post.summary).toContain(`| ${signal} | 20 | 0 | 0 | 0 |`);
  });

  it('syncs in post what tokf wrote during the job: outputs, summary, secrets masked', async () => {
    const secret = 'hdr-s3cret-value-77';
    const job = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      headers: `x-api-key=${secret},x-team=core`,
    });
    const main = await job.runMain();
    expect(main.code).toBe(0);
    expect(main.outputs).toMatchObject({ 'cache-hit': 'false', 'restored-from': 'none' });
    expect(main.state.isPost).toBe('true');
    expect(main.stdout).toContain(`::add-mask::${secret}`);

    // A later step runs tokf, which writes its default database.
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, makeEvents(50));

    const post = await job.runPost();
    expect(post.code).toBe(0);
    expect(post.outputs).toMatchObject({
      selected: '50',
      delivered: '50',
      rejected: '0',
      pending: '0',
    });
    const rows = readEvents(job.tokfDbPath);
    expect(post.outputs['first-event-time']).toBe(rows[0]!.timestamp);
    expect(post.outputs['last-event-time']).toBe(rows.at(-1)!.timestamp);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(rows).invocations,
    );
    expect(receiver.requests[0]!.headers['x-api-key']).toBe(secret);

    // CI/CD and VCS resource attributes, beside service.name.
    expect(receiver.acceptedPoints()[0]!.resource).toMatchObject({
      'service.name': 'tokf',
      'cicd.pipeline.name': 'CI',
      'cicd.pipeline.run.id': '4242',
      'cicd.pipeline.run.url.full': 'https://github.com/acme/widgets/actions/runs/4242/attempts/2',
      'cicd.pipeline.task.name': 'build',
      'vcs.repository.url.full': 'https://github.com/acme/widgets',
      'vcs.ref.head.name': 'main',
      'vcs.ref.head.revision': 'abc123',
    });

    expect(post.summary).toContain('telemetry-sync: delivered 50 events');
    const saved = rows.reduce(
      (n, r) => n + Math.max(0, r.input_tokens_est - r.output_tokens_est),
      0,
    );
    expect(post.outputs).toMatchObject({
      'tokens-saved': String(saved),
      status: 'delivered',
      'too-old': '0',
      'set-aside': '0',
    });
    expect(post.summary).toContain(`| 50 | 0 | 0 | 0 | **${saved.toLocaleString('en-US')}** |`);
    expect(post.summary).toContain('xychart-beta');
    // Metrics only: no table per signal.
    expect(post.summary).not.toContain('| signal |');
    expect(post.summary).toContain('Tokens saved by command and filter');
    expect(post.summary).toContain(`127.0.0.1:${new URL(receiver.url).port}`);
    for (const text of [
      withoutMaskCommands(main.stdout),
      withoutMaskCommands(post.stdout),
      main.stderr,
      post.stderr,
      post.summary,
      JSON.stringify(post.outputs),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('with sync: now, syncs in the main step and sets the outputs there', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url, sync: 'now' });
    tokfWrites(job.tokfDbPath, 'upgraded');
    insertEvents(job.tokfDbPath, makeEvents(12));
    const main = await job.runMain();
    expect(main.outputs).toMatchObject({
      delivered: '12',
      pending: '0',
      'restored-from': 'existing',
    });
    expect(main.summary).toContain('delivered 12 events');
    insertEvents(job.tokfDbPath, makeEvents(3, { start: '2026-03-09T00:00:00Z' }));
    const post = await job.runPost();
    expect(post.code).toBe(0);
    // The post step only saves: events written after the main step wait for the next run.
    expect(post.outputs.delivered).toBeUndefined();
    expect(receiver.requests).toHaveLength(1);
  });

  it('exports TOKF_DB_PATH when the database is not at tokf’s default', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url });
    const custom = join(job.root, 'custom', 'tracking.db');
    const jobWithPath = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      'database-path': custom,
    });
    const main = await jobWithPath.runMain();
    expect(main.exported.TOKF_DB_PATH).toBe(custom);
    const plain = await job.runMain();
    expect(plain.exported.TOKF_DB_PATH).toBeUndefined();
  });

  it('says that no database was found, without failing', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url });
    await job.runMain();
    const post = await job.runPost();
    expect(post.code).toBe(0);
    expect(post.summary).toContain('no database found');
    expect(post.outputs).toMatchObject({ selected: '0', delivered: '0' });
  });

  it('does nothing in post, with a warning naming the key, when the state from main is malformed', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url });
    const main = await job.runMain();
    expect(JSON.parse(main.state.restore!)).toMatchObject({ restoredFrom: 'none' });
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, makeEvents(5));
    const post = await job.runPost({ restore: JSON.stringify({ dbPath: 7 }) });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(
      '::warning title=telemetry-sync::the state the main step saved as "restore" cannot be read: dbPath is not a string.',
    );
    expect(post.stdout).not.toContain('unexpected error');
    expect(post.summary).toBe('');
    expect(receiver.requests).toHaveLength(0);
    expect(readEvents(job.tokfDbPath)).toHaveLength(5);
  });

  it('fails the step on a bad input, whatever fail-on-error says', async () => {
    const bad = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url, limit: 'lots' });
    const main = await bad.runMain();
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::telemetry-sync: input "limit": "lots" is not a whole number/,
    );
    // The post step does nothing more and does not fail again.
    const post = await bad.runPost();
    expect(post.code).toBe(0);
    expect(receiver.requests).toHaveLength(0);

    const strict = new ActionJob(RUN_ENV, { ...LOCAL, protocol: 'grpc', 'fail-on-error': 'true' });
    const failed = await strict.runMain();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /::error::telemetry-sync: .*input "protocol": gRPC is not supported/,
    );
  });

  it('fails the step on an input action.yml does not declare, naming the one meant', async () => {
    // A misspelled `endpiont:` must not run as if no endpoint were set.
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpiont: receiver.url });
    const main = await job.runMain();
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::telemetry-sync: an input this action does not have: "endpiont" \(INPUT_ENDPIONT\): did you mean "endpoint"\?.*The inputs are: .*endpoint/,
    );
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, makeEvents(3));
    const post = await job.runPost();
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('telemetry-sync did nothing: an input this action does not have');
    expect(post.outputs).toEqual({});
    expect(
      readdirSync(job.runnerTemp, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.jsonl')),
    ).toEqual([]);
  });

  it('reports events it could not deliver as a warning and keeps them pending', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url });
    await job.runMain();
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, makeEvents(8));
    receiver.enqueue({ status: 403, errorMessage: 'forbidden tenant' });
    const post = await job.runPost();
    expect(post.code).toBe(0);
    expect(post.outputs).toMatchObject({ delivered: '0', pending: '8' });
    expect(post.stdout).toMatch(
      /::warning title=telemetry-sync::8 of 8 events were not delivered \(8 stay pending\)/,
    );
    expect(post.summary).toContain('forbidden tenant');
    expect(existsSync(job.tokfDbPath)).toBe(true);
  });

  it('with otlp-artifact never, writes no OTLP/JSON file and keeps events older than max-age pending', async () => {
    const job = new ActionJob(RUN_ENV, { ...LOCAL, endpoint: receiver.url, 'max-age': '30d' });
    await job.runMain();
    tokfWrites(job.tokfDbPath, 'fresh');
    const recent = new Date(Date.now() - 2 * 3_600_000).toISOString().slice(0, 19) + 'Z';
    insertEvents(job.tokfDbPath, [
      ...makeEvents(6),
      ...makeEvents(4, { start: recent, maxGapSeconds: 60, seed: 2 }),
    ]);
    const post = await job.runPost();
    expect(post.code).toBe(0);
    // Nothing would keep the old ones: not set aside as "exported to the file only".
    expect(post.outputs).toMatchObject({
      delivered: '4',
      'too-old': '6',
      'set-aside': '0',
      pending: '6',
    });
    const written = readdirSync(job.runnerTemp, { recursive: true }).map(String);
    expect(written.filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it('escapes what comes from the database in the summary', async () => {
    const job = new ActionJob(
      { ...RUN_ENV, GITHUB_EVENT_PATH: '' },
      { ...LOCAL, endpoint: receiver.url },
    );
    await job.runMain();
    tokfWrites(job.tokfDbPath, 'fresh');
    insertEvents(job.tokfDbPath, [
      {
        timestamp: '2026-03-05T10:22:13Z',
        command: '<img src=x onerror=alert(1)> | rm',
        exitCode: 0,
      },
    ]);
    receiver.enqueue({ status: 400, errorMessage: '<script>alert(2)</script>' });
    const post = await job.runPost();
    expect(post.summary).not.toContain('<script>');
    expect(post.summary).toContain('&lt;script&gt;');
    expect(readFileSync(job.tokfDbPath).length).toBeGreaterThan(0);
  });
});
