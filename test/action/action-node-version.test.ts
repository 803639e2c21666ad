/**
 * The bundled action and command on a Node older than 24, as a runner that starts a `node24`
 * action with the `node` on PATH (nektos/act) would run them: a clear message, not a crash on
 * loading node:sqlite.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nodeTooOld } from '../../src/node-version.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { ActionJob, removeActionJobs } from './runner.js';

afterAll(removeActionJobs);

/** A Node older than 24 on this machine: on PATH, or the system's own. */
function olderNode(): { path: string; version: string } | undefined {
  const onPath = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n');
  for (const path of [...onPath, '/usr/bin/node', '/usr/local/bin/node']) {
    if (path === '' || !existsSync(path)) continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
    }).trim();
    if (Number(version.split('.')[0]) < 24) return { path, version };
  }
  return undefined;
}

const old = olderNode();
if (old === undefined) console.warn('no Node older than 24 here: the old-Node checks are skipped');
const withOldNode = old === undefined ? describe.skip : describe;

withOldNode(`on Node ${old?.version}`, () => {
  const receiver = otlpReceiverForEachTest();

  it('the main step fails with the command’s message and the post step only notes it', async () => {
    const message = nodeTooOld(old!.version)!;
    expect(message).toBe(
      `Node.js 24 or newer is needed (for its built-in node:sqlite); this is Node ${old!.version}`,
    );
    const job = new ActionJob(
      { GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '7', GITHUB_JOB: 'build' },
      { endpoint: receiver.url, restore: 'none', 'save-cache': 'false' },
      old!.path,
    );
    const main = await job.runMain();
    expect(main.stderr).not.toContain('ERR_UNKNOWN_BUILTIN_MODULE');
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(`::error::telemetry-sync: ${message}`);
    const post = await job.runPost();
    expect(post.stderr).not.toContain('ERR_UNKNOWN_BUILTIN_MODULE');
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`telemetry-sync did nothing: ${message}`);
    expect(receiver.requests).toHaveLength(0);
  });

  it('the command says the same', () => {
    const cli = spawnSync(old!.path, ['dist/cli.js', 'status'], { encoding: 'utf8' });
    expect(cli.stderr).toBe(`telemetry-sync: error: ${nodeTooOld(old!.version)}\n`);
    expect(cli.status).toBe(2);
  });
});
