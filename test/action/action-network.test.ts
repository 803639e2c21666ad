/**
 * The action's entry point on the network as it really is: through a real proxy (tinyproxy,
 * started and stopped here; skipped, saying so, where it is not installed), and against an
 * endpoint that answers with a login page.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readStatus } from '../../src/engine/index.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { makeTestCa } from '../helpers/test-ca.js';
import { NO_TINYPROXY, startTinyproxy, TINYPROXY, type Tinyproxy } from '../helpers/tinyproxy.js';
import { createTokfDb, insertEvents, makeEvents } from '../helpers/tokf-db.js';
import { ActionJob, withoutMaskCommands, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/widgets',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'build',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_SHA: 'abc123',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_SERVER_URL: 'https://github.com',
};
const LOCAL = { restore: 'none', 'save-cache': 'false', 'otlp-artifact': 'never' };
const PASSWORD = 'act10n-pr0xy-pw';
const N = 15;

/** Runs main, lets "tokf" write N events, runs post. */
async function job(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const j = new ActionJob({ ...RUN_ENV, ...env }, { ...LOCAL, ...inputs });
  const main = await j.runMain();
  expect(main.code).toBe(0);
  mkdirSync(dirname(j.tokfDbPath), { recursive: true });
  createTokfDb(j.tokfDbPath, 'fresh');
  insertEvents(j.tokfDbPath, makeEvents(N));
  const post = await j.runPost();
  const status = readStatus(j.tokfDbPath, Date.now());
  return { main, post, pending: status.pending.count, delivered: status.delivered };
}

if (TINYPROXY === undefined) console.warn(NO_TINYPROXY);
const withProxy = TINYPROXY === undefined ? describe.skip : describe;

withProxy('the action through a real proxy (tinyproxy)', () => {
  let proxy: Tinyproxy;
  let tlsReceiver: OtlpReceiver;
  const ca = makeTestCa();
  beforeAll(async () => {
    proxy = await startTinyproxy({ user: 'ci', password: PASSWORD });
    tlsReceiver = await startOtlpReceiver({ tls: ca.server });
  });
  afterAll(async () => {
    await proxy?.stop();
    await tlsReceiver?.close();
  });

  it('delivers to an https endpoint through HTTPS_PROXY, the password masked and never printed', async () => {
    const { main, post, pending, delivered } = await job(
      { endpoint: tlsReceiver.url },
      {
        HTTPS_PROXY: `http://ci:${PASSWORD}@127.0.0.1:${proxy.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: ca.caFile,
      },
    );
    expect([post.code, post.stderr]).toEqual([0, expect.any(String)]);
    expect({ pending, delivered }).toEqual({ pending: 0, delivered: N });
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(tlsReceiver.url).port}`);
    // The runner is told to mask it, and nothing else shows it.
    expect(main.stdout).toContain(`::add-mask::${PASSWORD}`);
    for (const text of [withoutMaskCommands(post.stdout), post.stderr, post.summary])
      expect(text).not.toContain(PASSWORD);
  });

  it('NO_PROXY: the endpoint is reached directly', async () => {
    const before = proxy.log().length;
    const { post, pending } = await job(
      { endpoint: tlsReceiver.url },
      {
        HTTPS_PROXY: `http://ci:${PASSWORD}@127.0.0.1:${proxy.port}`,
        NO_PROXY: 'localhost,127.0.0.1',
        OTEL_EXPORTER_OTLP_CERTIFICATE: ca.caFile,
      },
    );
    expect(post.code).toBe(0);
    expect(pending).toBe(0);
    expect(proxy.log().slice(before)).not.toContain('CONNECT');
  });
});

describe('the action against a login page', () => {
  let server: OtlpReceiver;
  beforeAll(async () => {
    server = await startOtlpReceiver({
      respond: () => ({
        body: '<html><title>Sign in to Example SSO</title></html>',
        contentType: 'text/html',
      }),
    });
  });
  afterAll(() => server.close());

  it('marks nothing delivered, says what came back, and fails the step with fail-on-error', async () => {
    const { post, pending, delivered } = await job({
      endpoint: server.url,
      'fail-on-error': 'true',
    });
    expect({ pending, delivered }).toEqual({ pending: N, delivered: 0 });
    expect(server.requests).toHaveLength(1);
    expect(post.code).toBe(1);
    const said = `${post.stdout}\n${post.summary}`;
    expect(said).toContain('not an OTLP endpoint');
    expect(said).toContain('Content-Type text/html');
    expect(said).toContain('Sign in to Example SSO');
  });
});
