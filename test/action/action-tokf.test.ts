/**
 * The action beside tokf's own live export: the tokf-live-export input that turns it off for the
 * job, the resource named as tokf names it (its config.toml in the runner's home), and the rows
 * of tokf's built-in commands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { createTokfDb, insertEvents, makeEvents, readEvents } from '../helpers/tokf-db.js';
import { ActionJob, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

const receiver = otlpReceiverForEachTest();

const RUN_ENV = { GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '7', GITHUB_JOB: 'build' };
const LOCAL = { restore: 'none', 'save-cache': 'false', 'otlp-artifact': 'never' };

function tokfWrites(path: string, n: number): void {
  mkdirSync(dirname(path), { recursive: true });
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n));
}

describe("the action and tokf's live export", () => {
  it('with tokf-live-export: off, turns it off for the later steps of the job', async () => {
    const job = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      'tokf-live-export': 'off',
    });
    const main = await job.runMain();
    expect(main.code).toBe(0);
    expect(main.exported.TOKF_TELEMETRY_ENABLED).toBe('false');
    expect(job.stepEnv().TOKF_TELEMETRY_ENABLED).toBe('false');
    expect(main.stdout).toContain("tokf's live export is off for the rest of the job");
  });

  it('leaves it as configured by default', async () => {
    const job = new ActionJob(
      { ...RUN_ENV, TOKF_TELEMETRY_ENABLED: 'true' },
      { ...LOCAL, endpoint: receiver.url },
    );
    const main = await job.runMain();
    expect(main.code).toBe(0);
    expect(main.exported.TOKF_TELEMETRY_ENABLED).toBeUndefined();
    expect(job.stepEnv().TOKF_TELEMETRY_ENABLED).toBe('true');
  });

  it('refuses another value, naming the input', async () => {
    const job = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      'tokf-live-export': 'no',
    });
    const main = await job.runMain();
    expect(main.stdout).toMatch(
      // A warning or an error annotation, as the action treats a misconfigured input.
      /::(warning|error)[^\n]*input "tokf-live-export": "no" is not one of keep, off/,
    );
    expect(main.exported.TOKF_TELEMETRY_ENABLED).toBeUndefined();
  });

  it("names the service as tokf's config.toml does, sends service-version, skips built-ins", async () => {
    const job = new ActionJob(RUN_ENV, {
      ...LOCAL,
      endpoint: receiver.url,
      'service-version': '0.2.54',
      builtins: 'skip',
      'ci-attributes': 'false',
    });
    const config = join(job.home, '.config', 'tokf', 'config.toml');
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, '[telemetry]\nservice_name = "tokf-ci"\n');
    await job.runMain();
    tokfWrites(job.tokfDbPath, 120);
    const rows = readEvents(job.tokfDbPath);
    const builtins = rows.filter((row) => row.filter_name?.startsWith('_builtin/')).length;
    expect(builtins).toBeGreaterThan(0);

    const post = await job.runPost();
    expect(post.code).toBe(0);
    expect(post.outputs).toMatchObject({
      delivered: String(rows.length - builtins),
      pending: '0',
    });
    const points = receiver.acceptedPoints();
    expect(new Set(points.map((p) => JSON.stringify(p.resource)))).toEqual(
      new Set([JSON.stringify({ 'service.name': 'tokf-ci', 'service.version': '0.2.54' })]),
    );
    expect(
      points.filter((p) => String(p.attributes['tokf.filter.name']).startsWith('_builtin/')),
    ).toEqual([]);
  });
});
