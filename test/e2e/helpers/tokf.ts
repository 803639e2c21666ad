/**
 * tokf 0.2.54 (built with its OpenTelemetry feature) run for real in a sandbox: its home, its
 * database, HOME and the XDG directories all in a temp directory, so nothing of the machine's own
 * tokf set-up is read or written, and the environment holds only what a test gives it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { e2eTmpDir, peerBin } from './peers.js';

export interface TokfRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the tokf process. */
  ms: number;
}

export interface LiveExport {
  /** Full OTLP/HTTP metrics URL: tokf POSTs to it exactly as given. */
  metricsUrl: string;
  /** OTEL_RESOURCE_ATTRIBUTES for tokf (it reads only service.name from it). */
  resourceAttributes?: string;
}

export class TokfSandbox {
  readonly dir: string;
  readonly home: string;
  readonly db: string;
  /** Working directory of the commands (a git repository, for the git filters). */
  readonly workdir: string;

  constructor(name: string) {
    this.dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
    this.home = path.join(this.dir, 'tokf-home');
    this.db = path.join(this.dir, 'tracking.db');
    this.workdir = path.join(this.dir, 'work');
    for (const dir of [this.home, this.workdir, path.join(this.dir, 'home')])
      fs.mkdirSync(dir, { recursive: true });
  }

  /** A copy of tokf's database in a directory of its own: a case that starts with every row pending. */
  copyOfDb(name: string): string {
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
    const db = path.join(dir, 'tracking.db');
    fs.copyFileSync(this.db, db);
    return db;
  }

  /** tokf's environment; `extra` last (an undefined value removes a variable). */
  env(live?: LiveExport, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const home = path.join(this.dir, 'home');
    return {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      TOKF_HOME: this.home,
      TOKF_DB_PATH: this.db,
      // Off unless asked: without this a config.toml elsewhere could never turn it on, but be sure.
      TOKF_TELEMETRY_ENABLED: live ? '1' : '0',
      ...(live && { OTEL_EXPORTER_OTLP_ENDPOINT: live.metricsUrl }),
      ...(live?.resourceAttributes && { OTEL_RESOURCE_ATTRIBUTES: live.resourceAttributes }),
      ...extra,
    };
  }

  /** Run `tokf ...args` in the work directory. */
  run(args: string[], live?: LiveExport, extra: NodeJS.ProcessEnv = {}): Promise<TokfRun> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(peerBin('tokf'), args, {
        cwd: this.workdir,
        env: this.env(live, extra),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({ args, code, signal, stdout, stderr, ms: performance.now() - started }),
      );
    });
  }

  /** Run and insist that tokf itself worked (it exits 0 whatever the wrapped command did). */
  async runOk(args: string[], live?: LiveExport, extra: NodeJS.ProcessEnv = {}): Promise<TokfRun> {
    const run = await this.run(args, live, extra);
    if (run.code !== 0 || /tracking error|warning: OTel/i.test(run.stderr))
      throw new Error(`tokf ${args.join(' ')}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  /** Make the work directory a git repository with one commit and one change. */
  async initGitRepo(): Promise<void> {
    const git = (args: string[]): Promise<void> =>
      new Promise((resolve, reject) => {
        const child = spawn('git', args, {
          cwd: this.workdir,
          env: {
            ...this.env(),
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
    await git(['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(this.workdir, 'a.txt'), 'a\n');
    await git(['add', 'a.txt']);
    await git(['commit', '-q', '-m', 'first']);
    fs.writeFileSync(path.join(this.workdir, 'a.txt'), 'a\nb\n');
    fs.writeFileSync(path.join(this.workdir, 'new.txt'), 'new\n');
  }
}
