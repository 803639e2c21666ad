/**
 * Runs the bundled action the way the Actions runner does: inputs as INPUT_* variables, file
 * commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_STEP_SUMMARY) read back after each step,
 * state handed to the post step as STATE_*, exported variables to later steps.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inputEnv, readCommandFile } from '../toolkit/job-env.js';

const ACTION = resolve('dist/index.js');

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exported: Record<string, string>;
  summary: string;
}

/** The jobs made by this test file, whose directories removeActionJobs removes. */
const made: ActionJob[] = [];

/** Removes the directories of every job this test file made: `afterAll(removeActionJobs)`. */
export function removeActionJobs(): void {
  for (const job of made.splice(0)) rmSync(job.root, { recursive: true, force: true });
}

/** One job on a fresh runner: its own home, workspace and temp directory. */
export class ActionJob {
  readonly root: string;
  readonly home: string;
  readonly workspace: string;
  readonly runnerTemp: string;
  private state: Record<string, string> = {};
  private exported: Record<string, string> = {};
  private step = 0;

  constructor(
    private readonly baseEnv: NodeJS.ProcessEnv,
    private readonly inputs: Record<string, string>,
    /** The `node` the runner starts the action with (a runner may take the one on PATH). */
    private readonly node = process.execPath,
  ) {
    this.root = mkdtempSync(join(tmpdir(), 'action-job-'));
    made.push(this);
    this.home = join(this.root, 'home');
    this.workspace = join(this.root, 'work', 'repo', 'repo');
    this.runnerTemp = join(this.root, 'work', '_temp');
    for (const dir of [this.home, this.workspace, this.runnerTemp])
      mkdirSync(dir, { recursive: true });
  }

  /** tokf's default database on this runner. */
  get tokfDbPath(): string {
    return join(this.home, '.local', 'share', 'tokf', 'tracking.db');
  }

  /** Environment a later step (such as one running tokf) sees. */
  stepEnv(): NodeJS.ProcessEnv {
    return { ...this.jobEnv(), ...this.exported };
  }

  runMain(): Promise<StepRun> {
    return this.runStep({});
  }

  /** The post step, with the state the main step saved (`state` replaces some of it). */
  runPost(state: Record<string, string> = {}): Promise<StepRun> {
    const stateEnv = Object.fromEntries(
      Object.entries({ ...this.state, ...state }).map(([k, v]) => [`STATE_${k}`, v]),
    );
    return this.runStep(stateEnv);
  }

  private jobEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: 'Linux',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      ...this.baseEnv,
    };
  }

  private async runStep(extra: NodeJS.ProcessEnv): Promise<StepRun> {
    this.step += 1;
    const files = {
      GITHUB_OUTPUT: join(this.runnerTemp, `output-${this.step}`),
      GITHUB_STATE: join(this.runnerTemp, `state-${this.step}`),
      GITHUB_ENV: join(this.runnerTemp, `env-${this.step}`),
      GITHUB_STEP_SUMMARY: join(this.runnerTemp, `summary-${this.step}`),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const env = {
      ...this.jobEnv(),
      ...this.exported,
      ...inputEnv(this.inputs),
      ...files,
      ...extra,
    };
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((done, fail) => {
      const child = spawn(this.node, [ACTION], {
        cwd: this.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', fail);
      child.on('close', (c) => done({ code: c, stdout: out, stderr: err }));
    });
    const state = await readCommandFile(files.GITHUB_STATE);
    const exported = await readCommandFile(files.GITHUB_ENV);
    Object.assign(this.state, state);
    Object.assign(this.exported, exported);
    return {
      code,
      stdout,
      stderr,
      outputs: await readCommandFile(files.GITHUB_OUTPUT),
      state,
      exported,
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  }
}

/** stdout without the runner's mask commands, which must carry the secret to mask it. */
export function withoutMaskCommands(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}
