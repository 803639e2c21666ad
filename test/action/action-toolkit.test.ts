/**
 * The action through the real @actions/cache and @actions/artifact code, against the services
 * they call served on loopback (Azurite for blobs, ToolkitServer for the rest).
 */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { expectedSums, sumsByPoint } from '../helpers/expectations.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  tmpDbPath,
  removeTmpDirs,
} from '../helpers/tokf-db.js';
import { ToolkitServer, type ToolkitRun } from '../toolkit/toolkit-server.js';
import { ActionJob, withoutMaskCommands, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

let server: ToolkitServer;

beforeAll(async () => {
  server = new ToolkitServer();
  await server.start();
}, 60_000);
afterAll(async () => {
  await server.close();
  removeTmpDirs();
});
const receiver = otlpReceiverForEachTest();

/** The leg's part of cache keys and artifact names: the start of the job's backend id. */
function legId(run: ToolkitRun): string {
  return run.jobBackendId.replace(/-/g, '').slice(0, 8);
}

function job(run: ToolkitRun, inputs: Record<string, string> = {}): ActionJob {
  return new ActionJob(run.env, { 'github-token': run.token, endpoint: receiver.url, ...inputs });
}

/** Where the action writes its OTLP/JSON files on this runner. */
function otlpDir(j: ActionJob): string {
  const dir = join(j.runnerTemp, 'telemetry-sync');
  const [otlp] = readdirSync(dir).filter((d) => d.startsWith('otlp-'));
  return join(dir, otlp ?? 'no-otlp-dir');
}

/** The files in it, spools included. */
function otlpFiles(j: ActionJob): string[] {
  const dir = otlpDir(j);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** tokf writing events into its default database during a job. */
function tokfWrites(path: string, n: number, start: string): void {
  mkdirSync(dirname(path), { recursive: true });
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n, { start, seed: Date.parse(start) }));
}

function invocations(): number {
  return receiver
    .acceptedPoints()
    .filter((p) => p.metric === 'tokf.filter.invocations')
    .reduce((s, p) => s + (p.value ?? 0), 0);
}

describe('two jobs on fresh runners', () => {
  it('saves after the first and continues from the cache in the second, sending exactly the new events', async () => {
    const prefix = `two-jobs-${Date.now()}`;
    const run1 = server.newRun({ job: 'build' });
    const first = job(run1, { 'cache-key-prefix': prefix, 'otlp-artifact': 'always' });
    const main1 = await first.runMain();
    expect(main1.outputs).toMatchObject({
      'cache-hit': 'false',
      'restored-from': 'none',
      'cache-key': '',
    });
    tokfWrites(first.tokfDbPath, 30, '2026-03-02T09:00:00Z');
    const post1 = await first.runPost();
    expect(post1.code).toBe(0);
    expect(post1.outputs).toMatchObject({ selected: '30', delivered: '30', pending: '0' });
    const key1 = `${prefix}-linux-${run1.runId}-${run1.attempt}-${legId(run1)}`;
    expect(server.cacheEntries().map((e) => e.key)).toContain(key1);
    expect(post1.summary).toContain(`cache key ${key1}`);
    // The OTLP/JSON artifact of the run, named per job, attempt and leg.
    expect(post1.outputs['otlp-artifact-id']).toMatch(/^\d+$/);
    expect(post1.outputs['otlp-artifact-url']).toBe(
      `https://github.com/${server.repository}/actions/runs/${run1.runId}/artifacts/${post1.outputs['otlp-artifact-id']}`,
    );
    expect(server.artifacts({ runId: run1.runId }).map((a) => a.name)).toContain(
      `telemetry-otlp-build-${run1.attempt}-${legId(run1)}`,
    );
    expect(invocations()).toBe(30);

    const run2 = server.newRun({ job: 'build' });
    const second = job(run2, { 'cache-key-prefix': prefix });
    const main2 = await second.runMain();
    expect(main2.outputs).toMatchObject({
      'cache-hit': 'true',
      'restored-from': 'cache',
      'cache-key': key1,
    });
    expect(readEvents(second.tokfDbPath)).toHaveLength(30);
    insertEvents(second.tokfDbPath, makeEvents(10, { start: '2026-03-03T09:00:00Z', seed: 7 }));
    const post2 = await second.runPost();
    expect(post2.outputs).toMatchObject({ selected: '10', delivered: '10', pending: '0' });
    expect(invocations()).toBe(40);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(second.tokfDbPath)).invocations,
    );
    // The second entry holds the first one's events: the first is deleted.
    expect(
      server
        .cacheEntries()
        .map((e) => e.key)
        .filter((k) => k.startsWith(prefix)),
    ).toEqual([`${prefix}-linux-${run2.runId}-${run2.attempt}-${legId(run2)}`]);

    // A third job that adds nothing: nothing to send, and the unchanged database is not saved again.
    const run3 = server.newRun({ job: 'build' });
    const third = job(run3, { 'cache-key-prefix': prefix });
    await third.runMain();
    const post3 = await third.runPost();
    expect(post3.outputs).toMatchObject({ selected: '0', delivered: '0' });
    expect(post3.summary).toContain('not saved: unchanged since it was restored');
    expect(server.cacheEntries().map((e) => e.key)).not.toContain(
      `${prefix}-linux-${run3.runId}-${run3.attempt}-${legId(run3)}`,
    );
  }, 120_000);
});

describe('restoring from artifacts', () => {
  const exec = promisify(execFile);

  /** Another run uploads tokf's database as an artifact, as a workflow with upload-artifact would. */
  async function uploadDatabaseArtifact(
    run: ToolkitRun,
    name: string,
    events: number,
  ): Promise<string> {
    const db = tmpDbPath('artifact-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(events, { start: '2026-03-01T00:00:00Z' }));
    const request = { op: 'upload-artifact', name, files: [db], root: dirname(db) };
    const { stdout } = await exec(
      process.execPath,
      [resolve('test/toolkit/toolkit-driver.mjs'), JSON.stringify(request)],
      {
        env: {
          PATH: process.env.PATH,
          ...run.env,
          GITHUB_WORKSPACE: dirname(db),
          RUNNER_TEMP: dirname(db),
        },
      },
    );
    expect(stdout).toContain('TOOLKIT_RESULT');
    return db;
  }

  it('takes the newest artifact of that name in the repository, found with the token', async () => {
    const name = `db-newest-${Date.now()}`;
    await uploadDatabaseArtifact(server.newRun(), name, 5);
    await uploadDatabaseArtifact(server.newRun(), name, 12);
    const j = job(server.newRun(), {
      restore: 'artifact',
      'artifact-name': name,
      'save-cache': 'false',
      'otlp-artifact': 'never',
    });
    const main = await j.runMain();
    expect(main.outputs).toMatchObject({ 'restored-from': 'artifact', 'cache-hit': 'false' });
    expect(readEvents(j.tokfDbPath)).toHaveLength(12);
    const post = await j.runPost();
    expect(post.outputs).toMatchObject({ delivered: '12' });
  }, 60_000);

  it('takes the artifact of the run given by artifact-run-id', async () => {
    const name = `db-by-id-${Date.now()}`;
    const older = server.newRun();
    await uploadDatabaseArtifact(older, name, 4);
    await uploadDatabaseArtifact(server.newRun(), name, 9);
    const j = job(server.newRun(), {
      restore: 'artifact',
      'artifact-name': name,
      'artifact-run-id': String(older.runId),
      'save-cache': 'false',
    });
    const main = await j.runMain();
    expect(main.outputs['restored-from']).toBe('artifact');
    expect(readEvents(j.tokfDbPath)).toHaveLength(4);
  }, 60_000);

  it('falls back to an artifact on a cache miss, and names the missing permission', async () => {
    const name = `db-denied-${Date.now()}`;
    await uploadDatabaseArtifact(server.newRun(), name, 3);
    server.deny('list-repo-artifacts');
    try {
      const j = job(server.newRun(), {
        'cache-key-prefix': `none-${Date.now()}`,
        'artifact-name': name,
        'save-cache': 'false',
      });
      const main = await j.runMain();
      expect(main.code).toBe(0);
      expect(main.outputs['restored-from']).toBe('none');
      expect(main.stdout).toMatch(
        /::warning title=telemetry-sync::restoring from artifact .* answered 403 .*"actions: read" permission/,
      );
    } finally {
      server.allow();
    }
  }, 60_000);

  it('says that no database was found when there is none anywhere', async () => {
    const j = job(server.newRun(), {
      'cache-key-prefix': `empty-${Date.now()}`,
      'artifact-name': `nothing-${Date.now()}`,
    });
    const main = await j.runMain();
    expect(main.outputs).toMatchObject({ 'restored-from': 'none', 'cache-hit': 'false' });
    const post = await j.runPost();
    expect(post.code).toBe(0);
    expect(post.summary).toContain('no database was found to restore');
  }, 60_000);
});

describe('services that fail are not "nothing there"', () => {
  it('a cache whose blob store refuses the download is a failure with its cause, not a miss', async () => {
    const prefix = `cache-fails-${Date.now()}`;
    const first = job(server.newRun(), { 'cache-key-prefix': prefix, 'otlp-artifact': 'never' });
    await first.runMain();
    tokfWrites(first.tokfDbPath, 3, '2026-03-02T09:00:00Z');
    expect((await first.runPost()).outputs.delivered).toBe('3');

    server.failBlobs({ status: 401 });
    try {
      const second = job(server.newRun(), {
        'cache-key-prefix': prefix,
        restore: 'cache',
        'save-cache': 'false',
        'otlp-artifact': 'never',
      });
      const main = await second.runMain();
      expect(main.code).toBe(0);
      expect(main.outputs['restored-from']).toBe('none');
      const warnings = main.stdout.split('\n').filter((l) => l.startsWith('::warning'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^::warning title=telemetry-sync::restoring from the cache failed: \S/,
      );
      expect(main.stdout).not.toContain('no database was found to restore');
      expect(main.stdout).toContain(
        'no database was restored: restoring it failed (see the errors)',
      );
      const post = await second.runPost();
      expect(post.summary).not.toContain('no database was found to restore');
      expect(post.summary.match(/restoring from the cache failed/g)).toHaveLength(1);
    } finally {
      server.failBlobs(undefined);
    }
  }, 120_000);

  it('an artifact service that fails is named with its cause, not "no database was found"', async () => {
    server.deny('ListArtifacts', { status: 401, message: 'runtime token refused' });
    try {
      const j = job(server.newRun(), {
        restore: 'artifact',
        'artifact-name': `nothing-${Date.now()}`,
        'save-cache': 'false',
      });
      const main = await j.runMain();
      expect(main.code).toBe(0);
      expect(main.stdout).toMatch(
        /::warning title=telemetry-sync::restoring from artifact "nothing-\d+" failed: looking for it in this run failed: .*401.*, and the repository has no artifact of that name/,
      );
      expect(main.stdout).not.toContain('no database was found to restore');
    } finally {
      server.allow();
    }
  }, 60_000);

  it('a GitHub API that cannot be reached gets no advice about permissions', async () => {
    const prefix = `api-down-${Date.now()}`;
    const run = server.newRun();
    const port = await closedPort();
    const j = new ActionJob(
      { ...run.env, GITHUB_API_URL: `http://127.0.0.1:${port}` },
      {
        'github-token': run.token,
        'cache-key-prefix': prefix,
        restore: 'cache',
        'save-cache': 'false',
      },
    );
    const main = await j.runMain();
    expect(main.code).toBe(0);
    expect(main.stdout).not.toContain('permission');
    expect(main.stdout).not.toContain('actions: read');
    expect(main.stdout).toMatch(
      new RegExp(
        `::warning title=telemetry-sync::listing this action's cache entries failed: GitHub API GET http://127\\.0\\.0\\.1:${port}/repos/.* could not be reached: fetch failed \\(.*ECONNREFUSED`,
      ),
    );
  }, 60_000);

  it('an endpoint that is down is one error in the summary, said once', async () => {
    const j = job(server.newRun(), {
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      restore: 'none',
      'save-cache': 'false',
      'otlp-artifact': 'never',
      'max-consecutive-failures': '1',
      'retry-budget': '1s',
    });
    await j.runMain();
    tokfWrites(j.tokfDbPath, 5, '2026-03-02T09:00:00Z');
    const post = await j.runPost();
    expect(post.outputs.pending).toBe('5');
    const errors = post.summary.split('**Errors**')[1]!.split('\n\n')[1]!.split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^- 5 of 5 events were not delivered .*ECONNREFUSED/);
    expect(post.stdout).not.toContain('permission');
  }, 60_000);
});

describe('a database that already exists on the runner', () => {
  it('is not overwritten; the restored copy’s pending events are synced too', async () => {
    const prefix = `existing-${Date.now()}`;
    // A first job leaves 6 events pending in the cache: its endpoint refused them.
    const run1 = server.newRun();
    const first = job(run1, { 'cache-key-prefix': prefix, 'otlp-artifact': 'never' });
    await first.runMain();
    tokfWrites(first.tokfDbPath, 6, '2026-03-02T09:00:00Z');
    receiver.enqueue({ status: 401 });
    const post1 = await first.runPost();
    expect(post1.outputs).toMatchObject({ delivered: '0', pending: '6' });

    // On the next runner tokf already wrote 4 events before the action's main step.
    const second = job(server.newRun(), { 'cache-key-prefix': prefix, 'otlp-artifact': 'never' });
    tokfWrites(second.tokfDbPath, 4, '2026-03-04T09:00:00Z');
    const before = readEvents(second.tokfDbPath);
    const main = await second.runMain();
    expect(main.outputs).toMatchObject({ 'restored-from': 'cache', 'cache-hit': 'true' });
    expect(readEvents(second.tokfDbPath)).toEqual(before);
    const post = await second.runPost();
    expect(post.outputs).toMatchObject({ selected: '10', delivered: '10', pending: '0' });
    expect(post.summary).toContain('a database already existed');
    expect(invocations()).toBe(10);
  }, 120_000);
});

describe('pull requests', () => {
  it('keeps one comment up to date, with tokens saved by command and filter', async () => {
    const run = server.newRun({ eventName: 'pull_request' });
    const eventPath = join(tmpDbPath('event-'), '..', 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 31 } }));
    const inputs = {
      'comment-on-pr': 'true',
      'save-cache': 'false',
      restore: 'none',
      'otlp-artifact': 'never',
    };
    const first = new ActionJob(
      { ...run.env, GITHUB_EVENT_PATH: eventPath },
      { 'github-token': run.token, ...inputs },
    );
    await first.runMain();
    tokfWrites(first.tokfDbPath, 20, '2026-03-02T09:00:00Z');
    const post = await first.runPost();
    expect(post.code).toBe(0);
    const [comment] = server.comments(31);
    expect(comment!.body).toContain('Tokens saved by command and filter');
    expect(post.summary).toContain('Tokens saved by command and filter');

    const again = new ActionJob(
      { ...run.env, GITHUB_EVENT_PATH: eventPath },
      { 'github-token': run.token, ...inputs },
    );
    await again.runMain();
    tokfWrites(again.tokfDbPath, 3, '2026-03-05T09:00:00Z');
    await again.runPost();
    const comments = server.comments(31);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('3 events selected in this run');
  }, 60_000);

  it('shows recorded filter names and commands as literal text, mentioning and linking nothing', async () => {
    const run = server.newRun({ eventName: 'pull_request' });
    const eventPath = join(tmpDbPath('event-'), '..', 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 33 } }));
    const j = new ActionJob(
      { ...run.env, GITHUB_EVENT_PATH: eventPath },
      {
        'github-token': run.token,
        'comment-on-pr': 'true',
        'summary-commands': 'full',
        'save-cache': 'false',
        restore: 'none',
        'otlp-artifact': 'never',
      },
    );
    await j.runMain();
    mkdirSync(dirname(j.tokfDbPath), { recursive: true });
    createTokfDb(j.tokfDbPath, 'fresh');
    const row = (command: string, filterName: string) => ({
      timestamp: '2026-03-02T09:00:00Z',
      command,
      filterName,
      inputBytes: 4000,
      outputBytes: 400,
      exitCode: 0,
    });
    insertEvents(j.tokfDbPath, [
      row('git log', 'evil/@octocat'),
      row('git status', '#42'),
      row('git diff', '</details>'),
      row('notify @someone about #123 :smile: see https://example.com/x', 'ping'),
    ]);
    const post = await j.runPost();
    expect(post.code).toBe(0);
    const [comment] = server.comments(33);
    for (const body of [comment!.body, post.summary]) {
      const table = body.slice(body.indexOf('Tokens saved by command and filter'));
      // Each recorded value is there, as text.
      expect(table).toContain('evil/@&#8203;octocat');
      expect(table).toContain('#&#8203;42');
      expect(table).toContain('&lt;/details&gt;');
      expect(table).toContain(
        'notify @&#8203;someone about #&#8203;123 :&#8203;smile: see https:&#8203;//example.com/x',
      );
      // And none of it is a mention, a reference, a link, an emoji or an element.
      expect(table).not.toMatch(/@octocat|@someone|#42|#123|:smile:|https:\/\/|<\/details>/);
    }
  }, 60_000);

  it('names the permission a refused comment needs', async () => {
    const run = server.newRun({ eventName: 'pull_request' });
    const eventPath = join(tmpDbPath('event-'), '..', 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 32 } }));
    server.deny('create-comment');
    try {
      const j = new ActionJob(
        { ...run.env, GITHUB_EVENT_PATH: eventPath },
        {
          'github-token': run.token,
          'comment-on-pr': 'true',
          restore: 'none',
          'save-cache': 'false',
        },
      );
      await j.runMain();
      const post = await j.runPost();
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(
        /::warning title=telemetry-sync::updating the pull-request comment failed: .*403.*"pull-requests: write"/,
      );
    } finally {
      server.allow();
    }
  }, 60_000);
});

describe('the OTLP/JSON artifact and the save', () => {
  it('with no endpoint, is the whole job: every event in the artifact, nothing marked delivered', async () => {
    const run = server.newRun({ job: 'offline' });
    const j = new ActionJob(run.env, {
      'github-token': run.token,
      restore: 'none',
      'save-cache': 'false',
    });
    await j.runMain();
    tokfWrites(j.tokfDbPath, 25, '2026-03-02T09:00:00Z');
    const post = await j.runPost();
    expect(post.outputs).toMatchObject({ selected: '25', delivered: '0', pending: '25' });
    const [artifact] = server.artifacts({ runId: run.runId });
    expect(artifact).toMatchObject({
      name: `telemetry-otlp-offline-${run.attempt}-${legId(run)}`,
    });
    expect(post.outputs['otlp-artifact-id']).toBe(String(artifact!.id));
    expect(post.summary).toContain('25 events written to the OTLP/JSON artifact (no endpoint)');
  }, 60_000);

  it('with no endpoint and an artifact service failing the upload (500), says nothing was exported', async () => {
    server.deny('CreateArtifact', { status: 500, message: 'artifact service unavailable' });
    try {
      const run = server.newRun({ job: 'upload-500' });
      const j = new ActionJob(run.env, {
        'github-token': run.token,
        restore: 'none',
        'save-cache': 'false',
      });
      await j.runMain();
      tokfWrites(j.tokfDbPath, 7, '2026-03-02T09:00:00Z');
      const post = await j.runPost();
      expect(post.code).toBe(0);
      expect(server.artifacts({ runId: run.runId })).toHaveLength(0);
      expect(post.outputs.status).toBe('failed');
      expect(post.outputs['otlp-artifact-id']).toBeUndefined();
      expect(post.summary).not.toContain('written to the OTLP/JSON artifact');
      expect(post.summary).toMatch(
        /### telemetry-sync: 7 events were not exported: uploading the OTLP\/JSON artifact failed/,
      );
      expect(post.summary).toMatch(
        /- uploading the OTLP\/JSON artifact .* failed: .*500.*artifact service unavailable/,
      );
      expect(post.stdout).toMatch(
        /::warning title=telemetry-sync::uploading the OTLP\/JSON artifact .* failed: .*500/,
      );
      // Nothing was recorded as done: every event waits for a run that can keep it.
      expect(post.outputs.pending).toBe('7');
    } finally {
      server.allow();
    }
  }, 120_000);

  it('names the cause of a blob store refusing the upload with a 401 and no body', async () => {
    server.failBlobs({ status: 401 });
    try {
      const run = server.newRun({ job: 'upload-401' });
      const j = new ActionJob(run.env, {
        'github-token': run.token,
        restore: 'none',
        'save-cache': 'false',
      });
      await j.runMain();
      tokfWrites(j.tokfDbPath, 4, '2026-03-02T09:00:00Z');
      const post = await j.runPost();
      expect(post.code).toBe(0);
      expect(post.outputs.status).toBe('failed');
      const line = /::warning title=telemetry-sync::(uploading the OTLP\/JSON artifact .*)$/m.exec(
        post.stdout,
      )?.[1];
      expect(line).toBeDefined();
      expect(line).not.toMatch(/failed: $/);
      expect(line).toMatch(/failed: RestError: HTTP 401 .*PUT .*127\.0\.0\.1/);
    } finally {
      server.failBlobs(undefined);
    }
  }, 120_000);

  it('on-failure uploads only when something was not delivered', async () => {
    const inputs = { 'otlp-artifact': 'on-failure', restore: 'none', 'save-cache': 'false' };
    const fine = server.newRun({ job: 'fine' });
    const ok = job(fine, inputs);
    await ok.runMain();
    tokfWrites(ok.tokfDbPath, 5, '2026-03-02T09:00:00Z');
    const okPost = await ok.runPost();
    expect(okPost.outputs.delivered).toBe('5');
    expect(okPost.outputs['otlp-artifact-id']).toBeUndefined();
    expect(server.artifacts({ runId: fine.runId })).toHaveLength(0);
    // Nothing not wanted is written: no OTLP/JSON file, and no spool of one left behind.
    expect(otlpFiles(ok)).toEqual([]);

    const broken = server.newRun({ job: 'broken' });
    const bad = job(broken, inputs);
    await bad.runMain();
    tokfWrites(bad.tokfDbPath, 5, '2026-03-02T09:00:00Z');
    receiver.enqueue({ status: 500 });
    const badPost = await bad.runPost();
    expect(badPost.outputs.delivered).toBe('0');
    expect(server.artifacts({ runId: broken.runId }).map((a) => a.name)).toEqual([
      `telemetry-otlp-broken-${broken.attempt}-${legId(broken)}`,
    ]);
    // The file uploaded holds every selected event, one MetricsData per line.
    expect(otlpFiles(bad)).toEqual(['metrics.jsonl']);
    const lines = readFileSync(join(otlpDir(bad), 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const invocationsInFile = lines
      .flatMap((l) => JSON.parse(l).resourceMetrics[0].scopeMetrics[0].metrics)
      .filter((m: { name: string }) => m.name === 'tokf.filter.invocations')
      .flatMap((m: { sum: { dataPoints: { asInt: string }[] } }) => m.sum.dataPoints)
      .reduce((n: number, p: { asInt: string }) => n + Number(p.asInt), 0);
    expect(invocationsInFile).toBe(5);
  }, 60_000);

  it('with max-age, sets events too old for the endpoint aside only once the artifact keeping them is uploaded', async () => {
    const inputs = { restore: 'none', 'save-cache': 'false', 'max-age': '7d' };
    const run = server.newRun({ job: 'too-old' });
    const j = job(run, inputs);
    await j.runMain();
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 19) + 'Z';
    const recent = new Date(Date.now() - 2 * 3_600_000).toISOString().slice(0, 19) + 'Z';
    tokfWrites(j.tokfDbPath, 6, old);
    insertEvents(j.tokfDbPath, makeEvents(4, { start: recent, maxGapSeconds: 60, seed: 2 }));

    // The upload fails: the file that would keep the old events is gone with the runner, so
    // they must not be set aside as kept in it.
    server.deny('CreateArtifact', { status: 500, message: 'artifact service unavailable' });
    let post;
    try {
      post = await j.runPost();
    } finally {
      server.allow();
    }
    expect(post.code).toBe(0);
    expect(server.artifacts({ runId: run.runId })).toHaveLength(0);
    expect(post.outputs).toMatchObject({
      delivered: '4',
      'too-old': '6',
      'set-aside': '0',
      pending: '6',
    });
    expect(post.summary).toMatch(/uploading the OTLP\/JSON artifact .* failed: .*500/);
    expect(post.stdout).toMatch(
      /6 event\(s\) too old for the endpoint stay pending: they are set aside only once the OTLP\/JSON artifact that keeps them is uploaded/,
    );

    // The step again (a re-run), the upload working: now they are set aside, as in the artifact.
    const again = await j.runPost();
    expect(again.code).toBe(0);
    expect(server.artifacts({ runId: run.runId })).toHaveLength(1);
    expect(again.outputs).toMatchObject({
      selected: '6',
      delivered: '0',
      'too-old': '6',
      'set-aside': '6',
      pending: '0',
    });
  }, 120_000);

  it('turns a refused cache save into a warning, and fails the step only with fail-on-error', async () => {
    server.deny('CreateCacheEntry');
    try {
      for (const failOnError of ['false', 'true']) {
        const j = job(server.newRun(), {
          restore: 'none',
          'otlp-artifact': 'never',
          'fail-on-error': failOnError,
        });
        await j.runMain();
        tokfWrites(j.tokfDbPath, 2, '2026-03-02T09:00:00Z');
        const post = await j.runPost();
        expect(post.outputs.delivered).toBe('2');
        // With the cause the toolkit gave, and said once: not also as the toolkit's own warning.
        expect(post.stdout).toMatch(
          /::warning title=telemetry-sync::the cache did not save key \S+: .*cache write denied: the token for this run is read-only/,
        );
        expect(post.stdout).not.toMatch(/^::warning::Failed to save/m);
        expect(post.code).toBe(failOnError === 'true' ? 1 : 0);
      }
    } finally {
      server.allow();
    }
  }, 60_000);
});

describe('secrets', () => {
  it('appear in none of stdout, stderr, summary, outputs, OTLP files or the saved database', async () => {
    const secret = 'sk-toolkit-0a1b2c3d4e';
    const urlToken = 'urltok-998877';
    const run = server.newRun();
    const j = new ActionJob(run.env, {
      'github-token': run.token,
      endpoint: receiver.url.replace('http://', `http://bot:${urlToken}@`),
      headers: `authorization=Bearer%20${secret}`,
      'cache-key-prefix': `secrets-${Date.now()}`,
      // Every event is delivered: on-failure would write no OTLP/JSON file to look into.
      'otlp-artifact': 'always',
    });
    const main = await j.runMain();
    tokfWrites(j.tokfDbPath, 15, '2026-03-02T09:00:00Z');
    receiver.enqueue({}, { status: 400, errorMessage: `bad token Bearer ${secret}` });
    const post = await j.runPost();
    expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
    const otlpFiles = listFiles(join(j.runnerTemp, 'telemetry-sync')).map((f) =>
      readFileSync(f, 'latin1'),
    );
    expect(otlpFiles.length).toBeGreaterThan(0);
    const texts = [
      withoutMaskCommands(main.stdout),
      withoutMaskCommands(post.stdout),
      main.stderr,
      post.stderr,
      post.summary,
      JSON.stringify(post.outputs),
      readFileSync(j.tokfDbPath, 'latin1'),
      ...otlpFiles,
    ];
    for (const t of texts) {
      expect(t).not.toContain(secret);
      expect(t).not.toContain(urlToken);
    }
  }, 60_000);
});

/** A loopback port nothing listens on: one just given up by a server. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}
