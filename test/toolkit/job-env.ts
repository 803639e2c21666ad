/**
 * The per-job part of a runner's environment that ToolkitServer.newRun() leaves to the test: a
 * workspace, a home, a temp directory and the files behind GITHUB_STATE, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_ENV and GITHUB_PATH. Plus helpers to turn action inputs into
 * `INPUT_*` variables and to apply an environment to this process and undo it.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface JobDirs {
  /** Parent of everything below. */
  root: string;
  /** GITHUB_WORKSPACE (`<root>/work`). */
  workspace: string;
  /** HOME (`<root>/home`). Same relative place to the workspace in every job (see below). */
  home: string;
  /** RUNNER_TEMP (`<root>/temp`). */
  temp: string;
  /** The runner's command files, created empty. */
  files: { state: string; output: string; summary: string; env: string; path: string };
  /**
   * GITHUB_WORKSPACE, RUNNER_TEMP, HOME, GITHUB_STATE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
   * GITHUB_ENV, GITHUB_PATH.
   */
  env: Record<string, string>;
}

export interface JobDirsOptions {
  /** Directory to create the job's root in (default: a new temp directory is the root). */
  parent?: string;
  /** Prefix of the root's name under `parent`. Default `job`. */
  name?: string;
  /**
   * Use this HOME instead of `<root>/home` (created if missing), e.g. one home shared by every job
   * as on a hosted runner, where HOME is /home/runner in every job.
   */
  home?: string;
}

/**
 * Creates a fresh job directory layout. Every job gets the same shape, `<root>/{work,home,temp}`,
 * because @actions/cache stores paths relative to GITHUB_WORKSPACE: a file under HOME is archived
 * as `../home/...` and lands in the same place relative to the next job's workspace only if the
 * layout is the same (with a shared `home`, keep the roots under one `parent`).
 *
 * Under jest, `process.env` is a sandboxed copy: setting HOME there does not change os.homedir(),
 * so `~` in cache paths still means the worker's real home when the libraries run in-process. Use
 * absolute paths in-process (same string in every job: it is part of the cache version), or run the
 * libraries in a child process where `~` follows HOME.
 */
export async function createJobDirs(options: JobDirsOptions = {}): Promise<JobDirs> {
  const { parent, name = 'job' } = options;
  if (parent) await mkdir(parent, { recursive: true });
  const root = parent
    ? await mkdtemp(path.join(parent, `${name}-`))
    : await mkdtemp(path.join(os.tmpdir(), `toolkit-${name}-`));
  const workspace = path.join(root, 'work');
  const home = options.home ?? path.join(root, 'home');
  const temp = path.join(root, 'temp');
  const runner = path.join(root, 'runner');
  await Promise.all([workspace, home, temp, runner].map((dir) => mkdir(dir, { recursive: true })));
  const files = {
    state: path.join(runner, 'state'),
    output: path.join(runner, 'output'),
    summary: path.join(runner, 'step-summary.md'),
    env: path.join(runner, 'env'),
    path: path.join(runner, 'path'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  return {
    root,
    workspace,
    home,
    temp,
    files,
    env: {
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      HOME: home,
      GITHUB_STATE: files.state,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
    },
  };
}

/** Action inputs as the runner passes them: `INPUT_<NAME>` with spaces as `_`, upper case. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/**
 * Reads a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file written by @actions/core
 * (`name<<delimiter` blocks, or `name=value` lines) into a record.
 */
export async function readCommandFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '');
      result[heredoc[1]] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

/**
 * Sets variables on process.env (undefined deletes one) and returns a function that restores the
 * previous values. For in-process use of the toolkit libraries, which read most variables at call
 * time (but see ToolkitServer about GITHUB_API_URL, read when @actions/github is first imported).
 */
export function applyEnv(env: Record<string, string | undefined>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
