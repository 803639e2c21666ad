/**
 * nektos/act (the pinned peer) running a workflow the way a GitHub runner does, without Docker:
 * host mode (`-P ubuntu-latest=-self-hosted`), its own cache server on loopback (the v1 cache API,
 * which @actions/cache selects when ACTIONS_CACHE_SERVICE_V2 is unset), and this repository's
 * action (action.yml and the fresh dist/ the global setup bundled) standing in for
 * `telemetry-sync/telemetry-sync@v0` through act's `--local-repository`, so a workflow is run as
 * a user writes it. act runs node24 actions with the `node` on PATH: Node 24 from node_modules
 * goes first on it. Each run gets a fresh HOME, as a fresh runner has; the cache server's store
 * is kept from run to run, as GitHub's cache is.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../../../scripts/e2e/peers-lib.mjs';
import { e2eTmpDir, peerBin } from './peers.js';

/** The ref the README's examples use, mapped to the local copy of the action. */
export const ACTION_REF = 'telemetry-sync/telemetry-sync@v0';
const RUN_TIMEOUT_MS = 120_000;
const WORKFLOW_FILE = path.join('.github', 'workflows', 'workflow.yml');

export interface ActRun {
  code: number | null;
  /** act's whole log (stdout and stderr). */
  log: string;
  /** The job's HOME on this run. */
  home: string;
  /** Outputs the steps set, by name (the last value wins), as act reports them. */
  outputs: Record<string, string>;
  /** The job summary (GITHUB_STEP_SUMMARY) act printed, or '' when none. */
  summary: string;
  /** Lines the steps printed (act's `|` lines), without act's prefix. */
  stepLines: string[];
}

export class ActRunner {
  readonly dir: string;
  readonly repo: string;
  private readonly action: string;
  private readonly cacheServer: string;
  private readonly actionCache: string;
  private runs = 0;

  constructor(name: string) {
    this.dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
    this.repo = path.join(this.dir, 'repo');
    this.action = path.join(this.dir, 'action');
    this.cacheServer = path.join(this.dir, 'cache-server');
    this.actionCache = path.join(this.dir, 'action-cache');
    fs.mkdirSync(path.join(this.action, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'action.yml'), path.join(this.action, 'action.yml'));
    fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(this.action, 'dist'), { recursive: true });
    fs.mkdirSync(path.join(this.repo, '.github', 'workflows'), { recursive: true });
  }

  /** Write the workflow into a fresh git repository (act reads the event's ref and sha from it). */
  async setWorkflow(text: string): Promise<void> {
    fs.writeFileSync(path.join(this.repo, WORKFLOW_FILE), text);
    if (!fs.existsSync(path.join(this.repo, '.git'))) await this.git(['init', '-q', '-b', 'main']);
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '--allow-empty', '-m', 'workflow']);
  }

  /**
   * One `act push` of the workflow: `secrets` given with -s, `env` with --env (what a step sees;
   * GITHUB_RUN_ID is the run's number here), `path` put before Node 24 and the rest of PATH.
   */
  run(
    options: {
      secrets?: Record<string, string>;
      env?: Record<string, string>;
      path?: string[];
    } = {},
  ): Promise<ActRun> {
    const home = path.join(this.dir, `home-${++this.runs}`);
    fs.mkdirSync(home);
    const node24 = path.dirname(process.execPath);
    const args = [
      'push',
      '-W',
      WORKFLOW_FILE,
      '-P',
      'ubuntu-latest=-self-hosted',
      '--cache-server-addr',
      '127.0.0.1',
      '--cache-server-port',
      '0',
      '--cache-server-path',
      this.cacheServer,
      '--action-cache-path',
      this.actionCache,
      '--local-repository',
      `${ACTION_REF}=${this.action}`,
      ...Object.entries(options.secrets ?? {}).flatMap(([k, v]) => ['-s', `${k}=${v}`]),
      // act numbers every run 1; GitHub does not, and the action's cache keys hold the run id.
      ...Object.entries({ GITHUB_RUN_ID: String(this.runs), ...options.env }).flatMap(([k, v]) => [
        '--env',
        `${k}=${v}`,
      ]),
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(peerBin('act'), args, {
        cwd: this.repo,
        env: {
          PATH: [...(options.path ?? []), node24, process.env.PATH].join(path.delimiter),
          HOME: home,
          TMPDIR: this.dir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (d) => (log += d));
      child.stderr.on('data', (d) => (log += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        fs.writeFileSync(path.join(this.dir, `act-${this.runs}.log`), log);
        resolve({ code, log, home, ...parseActLog(log) });
      });
    });
  }

  private git(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.repo,
        env: {
          PATH: process.env.PATH,
          HOME: this.dir,
          GIT_AUTHOR_NAME: 'e2e',
          GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
          GIT_COMMITTER_NAME: 'e2e',
          GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
        },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: exit ${code}`)),
      );
    });
  }
}

/**
 * What act's text log says: lines of act's own start with the job's `[workflow/job]`; after it
 * `⚙  ::set-output:: name=value` per output, `| text` per line a step printed, and the job summary
 * after `⚙  Summary - `, its own lines unprefixed, up to act's next line.
 */
export function parseActLog(log: string): Pick<ActRun, 'outputs' | 'summary' | 'stepLines'> {
  const outputs: Record<string, string> = {};
  const stepLines: string[] = [];
  const summary: string[] = [];
  const job = /^(\[[^\]]*\/[^\]]*\]) ⭐ Run /m.exec(log)?.[1];
  let inSummary = false;
  for (const line of log.split('\n')) {
    if (job === undefined || !line.startsWith(`${job} `)) {
      if (inSummary) summary.push(line);
      continue;
    }
    inSummary = false;
    const rest = line.slice(job.length).trim();
    const output = /^⚙ {2}::set-output:: ([^=]+)=(.*)$/.exec(rest);
    if (output !== null) outputs[output[1]!] = output[2]!;
    const printed = /^\| ?(.*)$/.exec(rest);
    if (printed !== null) stepLines.push(printed[1]!);
    const started = /^⚙ {2}Summary - (.*)$/.exec(rest);
    if (started !== null) {
      inSummary = true;
      summary.push(started[1]!);
    }
  }
  return { outputs, stepLines, summary: summary.join('\n').trim() };
}
